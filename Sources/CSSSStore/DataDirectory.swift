import Foundation

/// The folder that holds everything CSSS keeps on disk: the database, the vault and the key file.
///
/// It is `CSSS_HOME` when set, otherwise `$XDG_DATA_HOME/csss`, otherwise `~/.local/share/csss`
/// (the XDG default). It is created with mode 0700 because what lands in it is patient data, and an
/// existing folder that others can read is tightened to 0700 rather than trusted.
public struct DataDirectory: Sendable, Equatable {
    /// The folder's location.
    public let url: URL

    /// Creates a data directory at an explicit location, without touching the disk.
    public init(url: URL) {
        self.url = url.standardizedFileURL
    }

    /// The data directory named by the environment: `CSSS_HOME`, else `XDG_DATA_HOME/csss`, else
    /// `HOME/.local/share/csss`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let home = environment["CSSS_HOME"], !home.isEmpty {
            self.init(url: URL(fileURLWithPath: home, isDirectory: true))
        } else if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty {
            self.init(url: URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("csss", isDirectory: true))
        } else {
            let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
            self.init(url: URL(fileURLWithPath: home, isDirectory: true)
                .appendingPathComponent(".local/share/csss", isDirectory: true))
        }
    }

    /// Creates the folder (and its parents) if needed and makes sure only its owner can enter it.
    ///
    /// - Throws: ``DataDirectoryError`` naming the folder when it cannot be created or is not a folder.
    public func prepare() throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        if fileManager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DataDirectoryError.notADirectory(url.path) }
        } else {
            do {
                try fileManager.createDirectory(at: url, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
            } catch {
                throw DataDirectoryError.cannotCreate(url.path, reason: error.localizedDescription)
            }
        }
        guard chmod(url.path, 0o700) == 0 else {
            throw DataDirectoryError.cannotCreate(url.path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Why the data directory could not be used.
public enum DataDirectoryError: Error, Equatable, CustomStringConvertible {
    /// The path exists but is a file, not a folder.
    case notADirectory(String)
    /// The folder could not be created or restricted to its owner.
    case cannotCreate(String, reason: String)

    public var description: String {
        switch self {
        case .notADirectory(let path): "data directory \(path) is a file, not a folder"
        case .cannotCreate(let path, let reason): "cannot prepare data directory \(path): \(reason)"
        }
    }
}
