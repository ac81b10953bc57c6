import CSSSStore
import Foundation

/// What became of one file given to ``ScanIntake/importScan(data:originalName:patientID:importedBy:in:)``.
public enum IntakeOutcome: Sendable, Equatable {
    /// A new scan: its row id.
    case imported(Int64)
    /// The patient already has this exact file: the existing scan's id; nothing was stored.
    case duplicate(Int64)
    /// Another patient has this exact file: a new scan row (first id) shares the blob of the
    /// original scan (`of:`), which is not stored twice.
    case linkedDuplicate(Int64, of: Int64)
    /// Not a usable scan: the quarantine row's id and why.
    case quarantined(Int64, reason: String)
}

/// A scan as kept in the database, with its protected fields decrypted.
public struct StoredScan: Sendable, Equatable {
    public let id: Int64
    public let patientID: Int64
    /// `PNG`, `JPEG` or `DICOM`, by content.
    public let format: String
    /// DICOM Modality, `nil` for PNG and JPEG.
    public let modality: String?
    /// DICOM Body Part Examined, `nil` when absent or not DICOM.
    public let bodyPart: String?
    public let width: Int
    public let height: Int
    /// The size of the original file.
    public let byteCount: Int
    public let importedAt: Date
    /// The user who imported it.
    public let importedBy: Int64
    /// The file's name as it was imported (may name the patient: kept encrypted).
    public let originalName: String
    /// The SHA-256 of the original bytes, lowercase hex.
    public let sha256: String
    /// The scan whose bytes (and blob) this one shares, when it was imported as another patient's
    /// duplicate.
    public let duplicateOf: Int64?
    /// The vault blob holding the original bytes.
    public let blobID: BlobID
}

/// A file refused at import, kept encrypted in the vault for someone to look at.
public struct QuarantinedFile: Sendable, Equatable {
    public let id: Int64
    /// The patient it was meant for, when known.
    public let patientID: Int64?
    /// Why it was refused (the validator's message).
    public let reason: String
    /// The file's name as it was given.
    public let originalName: String
    /// Its size in bytes.
    public let byteCount: Int
    public let quarantinedAt: Date
    /// The vault blob holding its bytes.
    public let blobID: BlobID
}

/// Why intake could not find or read what it was asked for.
public enum IntakeError: Error, Equatable, CustomStringConvertible {
    /// No scan row has this id.
    case scanNotFound(Int64)
    /// No quarantine row has this id.
    case quarantinedFileNotFound(Int64)
    /// A row's `blob_id` is not a vault blob id (the row names its table and id).
    case malformedBlobID(String)

    public var description: String {
        switch self {
        case .scanNotFound(let id): "no scan with id \(id)"
        case .quarantinedFileNotFound(let id): "no quarantined file with id \(id)"
        case .malformedBlobID(let row): "\(row) has a malformed blob_id"
        }
    }
}
