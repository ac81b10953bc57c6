import Crypto
import CSSSEngine
import CSSSStore
import Foundation
import GRDB

/// Takes a scan file into the clinic's records: validates it with the engine, stores its bytes
/// encrypted in the vault, and records a `scan` row, or a `quarantine` row when it is not usable.
///
/// It works inside the caller's write transaction, so the caller's permission check and audit
/// event commit or roll back together with the rows written here. It checks no permissions and
/// writes no audit events itself.
///
/// ```swift
/// let intake = ScanIntake(store: store)
/// let outcome = try store.write { db in
///     try intake.importScan(data: bytes, originalName: "chest.png", patientID: 7, importedBy: 2, in: db)
/// }
/// ```
public struct ScanIntake: Sendable {
    /// The store whose vault and field keys are used.
    public let store: ClinicStore
    /// Decides whether a file is a usable scan.
    public let validator: ScanValidator

    static let originalNameField = "scan.original_name"
    static let sha256Field = "scan.sha256"
    static let quarantineNameField = "quarantine.original_name"

    public init(store: ClinicStore, validator: ScanValidator = .init()) {
        self.store = store
        self.validator = validator
    }

    /// Imports `data` (a file named `originalName`) for patient `patientID`, within `db`'s open
    /// write transaction.
    ///
    /// The same bytes already imported for this patient are not stored again (``IntakeOutcome/duplicate(_:)``);
    /// imported for another patient, they get a new row sharing the existing blob
    /// (``IntakeOutcome/linkedDuplicate(_:of:)``).
    ///
    /// - Throws: ``VaultError`` when the blob cannot be written, GRDB's `DatabaseError` when a row
    ///   cannot be (an unknown patient or user, for example).
    public func importScan(data: Data, originalName: String, patientID: Int64,
                           importedBy userID: Int64, in db: Database) throws -> IntakeOutcome {
        let now = Date()
        let description: ScanDescription
        switch validator.validate(data, name: originalName) {
        case .unusable(let rejection):
            return try quarantine(data, originalName: originalName, reason: rejection.description,
                                  patientID: patientID, userID: userID, at: now, in: db)
        case .usable(let usable):
            description = usable
        }

        let sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let contentIndex = store.index.index(sha256, field: Self.sha256Field)
        let existing = try Row.fetchAll(db, sql: "SELECT id, patient_id, blob_id, duplicate_of FROM scan WHERE content_index = ? ORDER BY id",
                                        arguments: [contentIndex])
        if let same = existing.first(where: { ($0["patient_id"] as Int64) == patientID }) {
            return .duplicate(same["id"])
        }
        let blobID: String
        var duplicateOf: Int64?
        if let original = existing.first {
            blobID = original["blob_id"]
            duplicateOf = original["duplicate_of"] ?? original["id"]
        } else {
            // The blob is written before the transaction commits: a rollback may leave an orphan
            // encrypted blob, which is harmless, whereas the other order could leave a row without
            // its blob.
            blobID = try store.vault.store(data).rawValue
        }
        try db.execute(sql: """
            INSERT INTO scan (patient_id, blob_id, content_index, duplicate_of, format, modality, body_part,
                              width, height, byte_count, original_name_cipher, sha256_cipher, imported_at, imported_by)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [
                patientID, blobID, contentIndex, duplicateOf, Self.name(of: description.format), description.modality,
                Self.bodyPart(of: data, format: description.format, name: originalName),
                description.width, description.height, data.count,
                store.fields.seal(originalName, field: Self.originalNameField),
                store.fields.seal(sha256, field: Self.sha256Field), now, userID,
            ])
        let scanID = db.lastInsertedRowID
        if let duplicateOf { return .linkedDuplicate(scanID, of: duplicateOf) }
        return .imported(scanID)
    }

    private func quarantine(_ data: Data, originalName: String, reason: String, patientID: Int64,
                            userID: Int64, at date: Date, in db: Database) throws -> IntakeOutcome {
        // Kept (encrypted) so that someone can see what was sent; orphaned on rollback, as above.
        let blobID = try store.vault.store(data)
        try db.execute(sql: """
            INSERT INTO quarantine (patient_id, blob_id, reason, original_name_cipher, byte_count, quarantined_at, quarantined_by)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """, arguments: [patientID, blobID.rawValue, reason,
                             store.fields.seal(originalName, field: Self.quarantineNameField),
                             data.count, date, userID])
        return .quarantined(db.lastInsertedRowID, reason: reason)
    }

    static func name(of format: ImageFormat) -> String {
        switch format {
        case .png: "PNG"
        case .jpeg: "JPEG"
        case .dicom: "DICOM"
        }
    }

    /// Body Part Examined for DICOM; the validator has already parsed the file once, so this is
    /// the cost of a second header parse, not a decode.
    static func bodyPart(of data: Data, format: ImageFormat, name: String) -> String? {
        guard format == .dicom, let file = try? DICOMFile(data: data, name: name) else { return nil }
        return DICOMScanAttributes(file.dataset).bodyPartExamined
    }
}
