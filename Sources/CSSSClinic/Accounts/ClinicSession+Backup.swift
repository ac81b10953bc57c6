import CSSSStore
import Foundation

extension ClinicSession {
    /// Copies the database (SQLite online backup, consistent while other terminals write) and the
    /// vault into `destination`, with a manifest of SHA-256s. The master key is not copied.
    public func backup(to destination: URL) throws -> BackupManifest {
        try perform(.backup) { db in
            try clinic.policy.require(.configureSystem, for: identity)
            try note(.backup, detail: "backup started", in: db)
        }
        let manifest = try StoreBackup.create(from: clinic.store, to: destination)
        _ = try clinic.audit.record(AuditEntry(action: .backup, outcome: .success, actor: identity.auditActor,
                                               detail: "\(manifest.files.count) files"))
        return manifest
    }

    /// Replaces the installation's database and vault with the checked backup in `source`; the
    /// replaced data is moved aside, not deleted. The request is audited in the old trail and the
    /// restore in the restored one. This clinic's store is closed afterwards: open it again.
    public func restore(from source: URL) throws -> BackupManifest {
        try perform(.restore) { db in
            try clinic.policy.require(.configureSystem, for: identity)
            try note(.restore, detail: "restore requested", in: db)
        }
        try clinic.store.close()
        let manifest = try StoreBackup.restore(from: source, into: clinic.store.directory, masterKey: clinic.store.masterKey)
        let restored = try ClinicStore(directory: clinic.store.directory, masterKey: clinic.store.masterKey,
                                       busyTimeout: clinic.settings.busyTimeout)
        let trail = AuditTrail(store: restored)
        let event = try trail.record(AuditEntry(action: .restore, outcome: .success, actor: identity.auditActor,
                                                detail: "restored backup of \(manifest.createdAt)"))
        try trail.rewindHead(to: event)
        try restored.close()
        return manifest
    }
}
