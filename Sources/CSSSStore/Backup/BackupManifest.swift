import Foundation

/// The table of contents of a backup folder: what was copied, how large each file is and its SHA-256,
/// and which master key the data is encrypted under.
///
/// It is written last, so a folder without `manifest.json` is a backup that did not finish. The
/// master key itself is never in a backup: the backup is useless without it, and the key is kept
/// apart from it on purpose (a stolen backup is ciphertext only).
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The manifest's file name inside the backup folder.
    public static let fileName = "manifest.json"
    /// The layout this version of CSSS writes and can restore.
    public static let currentFormatVersion = 1

    /// One copied file.
    public struct File: Codable, Sendable, Equatable {
        /// The path relative to the backup folder, with `/` separators (`csss.sqlite`, `vault/ab/….blob`).
        public let path: String
        /// The size in bytes.
        public let size: Int64
        /// The SHA-256 of the file's bytes, lowercase hex.
        public let sha256: String
    }

    /// The layout version (``currentFormatVersion`` when written by this CSSS).
    public let formatVersion: Int
    /// When the backup was taken (whole seconds, UTC).
    public let createdAt: Date
    /// The ``KeyRing/fingerprint`` of the master key the data is encrypted under.
    public let keyFingerprint: String
    /// Every file of the backup except the manifest, database first.
    public let files: [File]

    enum CodingKeys: String, CodingKey {
        case formatVersion = "format_version"
        case createdAt = "created_at"
        case keyFingerprint = "key_fingerprint"
        case files
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
