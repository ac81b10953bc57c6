import CSSSStore
import Foundation
import GRDB

extension ScanIntake {
    /// The patient's scans, oldest first, with their protected fields decrypted.
    ///
    /// - Throws: ``FieldCipherError`` when a field does not decrypt (altered, or another key).
    public func scans(ofPatient patientID: Int64, in db: Database) throws -> [StoredScan] {
        try Row.fetchAll(db, sql: "SELECT * FROM scan WHERE patient_id = ? ORDER BY id", arguments: [patientID])
            .map(storedScan)
    }

    /// Scan `scanID`, or `nil` when there is none.
    public func scan(_ scanID: Int64, in db: Database) throws -> StoredScan? {
        try Row.fetchOne(db, sql: "SELECT * FROM scan WHERE id = ?", arguments: [scanID]).map(storedScan)
    }

    /// Every quarantined file, oldest first.
    public func quarantined(in db: Database) throws -> [QuarantinedFile] {
        try Row.fetchAll(db, sql: "SELECT * FROM quarantine ORDER BY id").map { row in
            let id: Int64 = row["id"]
            return QuarantinedFile(
                id: id, patientID: row["patient_id"], reason: row["reason"],
                originalName: try store.fields.openText(row["original_name_cipher"], field: Self.quarantineNameField),
                byteCount: row["byte_count"], quarantinedAt: row["quarantined_at"],
                blobID: try Self.blobID(row["blob_id"], row: "quarantine \(id)"))
        }
    }

    /// The original bytes of scan `scanID`, decrypted from the vault.
    ///
    /// - Throws: ``IntakeError/scanNotFound(_:)``, or ``VaultError`` when the blob is missing or damaged.
    public func originalBytes(ofScan scanID: Int64, in db: Database) throws -> Data {
        guard let raw = try String.fetchOne(db, sql: "SELECT blob_id FROM scan WHERE id = ?", arguments: [scanID]) else {
            throw IntakeError.scanNotFound(scanID)
        }
        return try store.vault.load(Self.blobID(raw, row: "scan \(scanID)"))
    }

    /// The bytes of quarantined file `quarantineID`, decrypted from the vault.
    public func originalBytes(ofQuarantined quarantineID: Int64, in db: Database) throws -> Data {
        guard let raw = try String.fetchOne(db, sql: "SELECT blob_id FROM quarantine WHERE id = ?",
                                            arguments: [quarantineID]) else {
            throw IntakeError.quarantinedFileNotFound(quarantineID)
        }
        return try store.vault.load(Self.blobID(raw, row: "quarantine \(quarantineID)"))
    }

    private func storedScan(_ row: Row) throws -> StoredScan {
        let id: Int64 = row["id"]
        return StoredScan(
            id: id, patientID: row["patient_id"], format: row["format"], modality: row["modality"],
            bodyPart: row["body_part"], width: row["width"], height: row["height"], byteCount: row["byte_count"],
            importedAt: row["imported_at"], importedBy: row["imported_by"],
            originalName: try store.fields.openText(row["original_name_cipher"], field: Self.originalNameField),
            sha256: try store.fields.openText(row["sha256_cipher"], field: Self.sha256Field),
            duplicateOf: row["duplicate_of"], blobID: try Self.blobID(row["blob_id"], row: "scan \(id)"))
    }

    private static func blobID(_ raw: String, row: String) throws -> BlobID {
        guard let id = BlobID(rawValue: raw) else { throw IntakeError.malformedBlobID(row) }
        return id
    }
}
