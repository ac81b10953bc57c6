import Foundation

/// A fresh, empty folder under the system's temporary directory, removed when the value is dropped.
public final class TemporaryFolder {
    /// The folder's location.
    public let url: URL

    /// Creates the folder; `label` goes into its name to tell test runs apart.
    public init(_ label: String = "csss") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The URL of `name` inside the folder.
    public func file(_ name: String) -> URL {
        url.appendingPathComponent(name)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}
