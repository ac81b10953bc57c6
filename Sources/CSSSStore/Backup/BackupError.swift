import Foundation

/// Why a backup could not be taken or restored; each message names the file or folder concerned.
public enum BackupError: Error, Equatable, CustomStringConvertible {
    /// The backup's destination exists and is not an empty folder.
    case destinationNotEmpty(String)
    /// The folder has no `manifest.json`: not a backup, or one that did not finish.
    case manifestMissing(String)
    /// `manifest.json` cannot be read as a manifest.
    case manifestUnreadable(String, reason: String)
    /// The backup was written in a layout this CSSS does not know.
    case unsupportedFormat(version: Int)
    /// The manifest names a path outside the backup folder, or one a backup never holds.
    case unsafePath(String)
    /// A file (relative path) is missing, or its size or SHA-256 differs from the manifest's.
    case fileMismatch(String)
    /// SQLite's `PRAGMA integrity_check` found the backed-up database damaged.
    case integrityCheckFailed(String)
    /// The backup was encrypted under another master key than the one given.
    case wrongKey
    /// The database refers to a vault blob the backup does not hold.
    case missingBlob(String)
    /// A file or folder could not be read, written or moved.
    case io(String, reason: String)

    public var description: String {
        switch self {
        case .destinationNotEmpty(let path): "backup destination \(path) exists and is not an empty folder"
        case .manifestMissing(let path): "\(path) has no \(BackupManifest.fileName): not a backup, or an unfinished one"
        case .manifestUnreadable(let path, let reason): "cannot read backup manifest \(path): \(reason)"
        case .unsupportedFormat(let version): "backup format version \(version) is not one this CSSS can restore"
        case .unsafePath(let path): "backup manifest names an unsafe path '\(path)'"
        case .fileMismatch(let path): "backup file \(path) is missing or differs from its manifest (size or SHA-256)"
        case .integrityCheckFailed(let reason): "the backed-up database fails its integrity check: \(reason)"
        case .wrongKey: "the backup is encrypted under another master key than the one given"
        case .missingBlob(let id): "the backed-up database refers to vault blob \(id), which the backup does not hold"
        case .io(let path, let reason): "cannot use \(path): \(reason)"
        }
    }
}
