import Testing
import Foundation

/// Where the shared fixtures (real models, scans and Keras reference outputs) are.
///
/// `CSSS_FIXTURES` names the folder; otherwise it is `../shared/fixtures` beside the package, as laid out
/// for developers and CI. Tests that need it are disabled with that reason when it is absent, so a run on
/// a machine without it says so instead of passing silently.
public enum Fixtures {
    public static let root: URL? = {
        if let path = ProcessInfo.processInfo.environment["CSSS_FIXTURES"], !path.isEmpty {
            return URL(fileURLWithPath: path, isDirectory: true)
        }
        let packageRoot = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let shared = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/fixtures", isDirectory: true)
        return FileManager.default.fileExists(atPath: shared.path) ? shared : nil
    }()

    /// Whether the fixtures are present.
    public static var available: Bool { root != nil }

    /// The reason shown for a test that is skipped because the fixtures are missing.
    public static let missingReason: Comment = "needs ../shared/fixtures (or CSSS_FIXTURES): real models, scans and Keras references are not in the repository"

    /// The URL of a file under the fixtures folder, for example `models/labels.json`.
    public static func url(_ relativePath: String) -> URL {
        guard let root else { fatalError("fixtures are not available; guard the test with .enabled(if: Fixtures.available)") }
        return root.appendingPathComponent(relativePath)
    }

    /// The raw little-endian float32 values of a reference `.bin` file.
    public static func floats(_ relativePath: String) throws -> [Float] {
        let data = try Data(contentsOf: url(relativePath))
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    /// The stems of the 16 chest X-ray fixtures, sorted (`NORMAL2-IM-1427-0001`, …).
    public static var chestXRayStems: [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url("images/cxr").path)) ?? []
        return names.filter { $0.hasSuffix(".jpeg") }.map { String($0.dropLast(5)) }.sorted()
    }
}
