import CSSSStore
import Foundation
import GRDB

/// A logged-in person's handle on the clinic. Each action checks that the session is still open
/// (not logged out, revoked, idle or expired), checks the person's permission and the record's
/// rules, does the work, and records the audit event in the same transaction; a refusal is
/// audited too.
public struct ClinicSession: Sendable {
    /// The clinic this session belongs to.
    public let clinic: Clinic
    /// Who is logged in.
    public internal(set) var identity: SessionIdentity

    init(clinic: Clinic, identity: SessionIdentity) {
        self.clinic = clinic
        self.identity = identity
    }

    /// Ends the session now; its token stops working at once.
    public func logout(now: Date = Date()) throws {
        try clinic.write { db in
            try db.execute(sql: "UPDATE session SET revoked_at = ?, revoked_reason = 'logout' WHERE id = ? AND revoked_at IS NULL",
                           arguments: [now, identity.sessionID])
            _ = try clinic.audit.append(AuditEntry(action: .logout, outcome: .success, actor: identity.auditActor), in: db)
        }
    }

    /// Checks that the session is still open and marks it active.
    ///
    /// An idle or expired session is closed here, and the closing is audited, before the
    /// error is thrown.
    ///
    /// - Throws: ``SessionError``.
    public func touch(now: Date = Date()) throws {
        let failure: SessionError? = try clinic.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM session WHERE id = ?", arguments: [identity.sessionID]),
                  row["user_id"] as Int64 == identity.userID else { return .invalidToken }
            if row["revoked_at"] as Date? != nil { return .revoked }
            let lastSeen: Date = row["last_seen_at"]
            let expires: Date = row["expires_at"]
            let idleLimit = identity.kind == .kiosk ? clinic.settings.kioskIdleTimeout : clinic.settings.idleTimeout
            let reason: SessionError? = now >= expires ? .expired : (now.timeIntervalSince(lastSeen) > idleLimit ? .idleTimeout : nil)
            if let reason {
                let label = reason == .expired ? "expired" : "idle"
                try db.execute(sql: "UPDATE session SET revoked_at = ?, revoked_reason = ? WHERE id = ?",
                               arguments: [now, label, identity.sessionID])
                _ = try clinic.audit.append(AuditEntry(action: .sessionRevoked, outcome: .success, actor: identity.auditActor,
                                                       subject: "session:\(identity.sessionID)", detail: label), in: db)
                return reason
            }
            try db.execute(sql: "UPDATE session SET last_seen_at = ? WHERE id = ?", arguments: [now, identity.sessionID])
            return nil
        }
        if let failure { throw failure }
    }

    /// Runs one audited action: checks the session, then runs `body` in a single transaction.
    /// When `body` refuses with ``AccessDenied``, the refusal is recorded in a transaction of its
    /// own (the action's was rolled back) and rethrown.
    func perform<T>(_ action: AuditAction, patientID: Int64? = nil, subject: String? = nil, now: Date = Date(),
                    _ body: (Database) throws -> T) throws -> T {
        try touch(now: now)
        do {
            return try clinic.write(body)
        } catch let denied as AccessDenied {
            _ = try clinic.audit.record(AuditEntry(action: .accessRefused, outcome: .refused, actor: identity.auditActor,
                                                   patientID: patientID, subject: subject,
                                                   detail: "\(action.rawValue): \(denied)"))
            throw denied
        }
    }

    /// Records `action` as done, inside the action's transaction.
    func note(_ action: AuditAction, patientID: Int64? = nil, subject: String? = nil, detail: String? = nil,
              breakGlass: Bool = false, in db: Database) throws {
        _ = try clinic.audit.append(AuditEntry(action: action, outcome: .success, actor: identity.auditActor,
                                               patientID: patientID, subject: subject, detail: detail,
                                               breakGlass: breakGlass), in: db)
    }
}
