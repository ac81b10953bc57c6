import Foundation

extension ClinicSession {
    /// Checks the whole audit trail (administrators); the check itself is audited.
    public func verifyAudit() throws -> AuditVerification {
        try perform(.auditVerify) { db in
            try clinic.policy.require(.viewAuditLogs, for: identity)
        }
        let verification = try clinic.audit.verify()
        _ = try clinic.audit.record(AuditEntry(action: .auditVerify, outcome: verification.isIntact ? .success : .failure,
                                               actor: identity.auditActor,
                                               detail: verification.isIntact ? "intact" : "\(verification.problems.count) problems"))
        return verification
    }

    /// The events in `from..<to` as CSV or JSON, for compliance (administrators); audited.
    public func exportAudit(from: Date?, to: Date?, format: AuditExportFormat) throws -> String {
        try perform(.auditExport) { db in
            try clinic.policy.require(.viewAuditLogs, for: identity)
            try note(.auditExport, detail: "format \(format.rawValue)", in: db)
        }
        return try clinic.audit.export(from: from, to: to, format: format)
    }

    /// Retention: removes events older than `before`, leaving a signed checkpoint (administrators).
    public func pruneAudit(before: Date) throws -> AuditCheckpoint? {
        try perform(.auditPrune) { db in
            try clinic.policy.require(.configureSystem, for: identity)
        }
        return try clinic.audit.prune(before: before, actor: identity.auditActor)
    }
}
