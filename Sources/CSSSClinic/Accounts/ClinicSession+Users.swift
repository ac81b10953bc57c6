import CSSSStore
import Foundation
import GRDB

extension ClinicSession {
    /// Creates an account with a one-time password that must be changed at first login.
    ///
    /// - Parameter patientID: the patient record a patient account belongs to.
    /// - Throws: ``AccessDenied`` unless the session may manage users; ``AccountError``.
    public func addUser(username: String, role: Role, displayName: String? = nil, patientID: Int64? = nil,
                        now: Date = Date()) throws -> NewAccount {
        try perform(.userCreate) { db in
            try clinic.policy.require(.manageUsers, for: identity)
            return try clinic.createAccount(username: username, role: role, displayName: displayName,
                                            patientID: patientID, actor: identity.auditActor, in: db, now: now)
        }
    }

    /// Every account, for administrators.
    public func listUsers() throws -> [UserSummary] {
        try perform(.userList) { db in
            try clinic.policy.require(.manageUsers, for: identity)
            let rows = try Row.fetchAll(db, sql: "SELECT * FROM user ORDER BY id")
            try note(.userList, detail: "\(rows.count) accounts", in: db)
            return try rows.map { UserSummary(try AccountRow(row: $0, fields: clinic.store.fields)) }
        }
    }

    /// Disables an account and ends its sessions at once.
    public func disableUser(_ username: String, now: Date = Date()) throws {
        try changeUser(username, action: .userDisable, permission: .enableDisableUsers) { account, db in
            if account.role == .admin {
                let others = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user WHERE role = 'admin' AND enabled AND id != ?",
                                              arguments: [account.id]) ?? 0
                guard others > 0 else { throw AccountError.lastAdmin }
            }
            try db.execute(sql: "UPDATE user SET enabled = 0 WHERE id = ?", arguments: [account.id])
            try clinic.revokeSessions(ofUser: account.id, reason: "account disabled", in: db, now: now)
        }
    }

    /// Enables a disabled account.
    public func enableUser(_ username: String) throws {
        try changeUser(username, action: .userEnable, permission: .enableDisableUsers) { account, db in
            try db.execute(sql: "UPDATE user SET enabled = 1 WHERE id = ?", arguments: [account.id])
        }
    }

    /// Lifts a lockout before its time runs out.
    public func unlockUser(_ username: String) throws {
        try changeUser(username, action: .userUnlock, permission: .manageUsers) { account, db in
            try db.execute(sql: "UPDATE user SET locked_until = NULL, failed_logins = 0 WHERE id = ?", arguments: [account.id])
        }
    }

    /// Removes an account's two-factor secret and recovery codes (a lost phone); an admin must
    /// enrol again at next login. Ends the account's sessions.
    public func resetTwoFactor(of username: String, now: Date = Date()) throws {
        try changeUser(username, action: .userTOTP, permission: .manageUsers, detail: "two-factor reset") { account, db in
            try db.execute(sql: """
                UPDATE user SET totp_secret_cipher = NULL, totp_pending_secret_cipher = NULL, totp_last_step = NULL WHERE id = ?
                """, arguments: [account.id])
            try db.execute(sql: "DELETE FROM recovery_code WHERE user_id = ?", arguments: [account.id])
            try clinic.revokeSessions(ofUser: account.id, reason: "two-factor reset", in: db, now: now)
        }
    }

    /// Gives an account a new one-time password (a forgotten password), to be changed at first login.
    public func resetPassword(of username: String, now: Date = Date()) throws -> String {
        let password = PasswordHashing.oneTimePassword()
        let hash = try clinic.passwords.hash(password)
        try changeUser(username, action: .userPassword, permission: .manageUsers, detail: "password reset") { account, db in
            try db.execute(sql: """
                UPDATE user SET password_hash = ?, must_change_password = 1, password_changed_at = ?,
                    failed_logins = 0, locked_until = NULL WHERE id = ?
                """, arguments: [hash, now, account.id])
            try clinic.revokeSessions(ofUser: account.id, reason: "password reset", in: db, now: now)
        }
        return password
    }

    /// Ends one session of anyone (admin revocation); it stops working at once.
    public func revokeSession(_ sessionID: String, now: Date = Date()) throws {
        try perform(.sessionRevoked, subject: "session:\(sessionID)") { db in
            try clinic.policy.require(.manageUsers, for: identity)
            try db.execute(sql: "UPDATE session SET revoked_at = ?, revoked_reason = 'revoked by administrator' WHERE id = ? AND revoked_at IS NULL",
                           arguments: [now, sessionID])
            try note(.sessionRevoked, subject: "session:\(sessionID)", detail: "revoked by administrator", in: db)
        }
    }

    private func changeUser(_ username: String, action: AuditAction, permission: Permission, detail: String? = nil,
                            _ change: (AccountRow, Database) throws -> Void) throws {
        try perform(action) { db in
            try clinic.policy.require(permission, for: identity)
            guard let account = try AccountRow.fetch(username: username, in: db, fields: clinic.store.fields) else {
                throw AccountError.unknownUser(username)
            }
            try change(account, db)
            try note(action, subject: "user:\(account.id)", detail: detail, in: db)
        }
    }
}

extension Clinic {
    /// Inserts an account; shared by administrators and by `csss init`, which has no session yet.
    func createAccount(username: String, role: Role, displayName: String?, patientID: Int64?,
                       actor: AuditActor, in db: Database, now: Date) throws -> NewAccount {
        guard username.range(of: #"^[A-Za-z0-9._-]{3,32}$"#, options: .regularExpression) != nil else {
            throw AccountError.invalidUsername(username)
        }
        if role == .patient {
            guard let patientID else { throw AccountError.patientAccountNeedsPatient }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM patient WHERE id = ?)", arguments: [patientID]) == true else {
                throw AccountError.unknownPatient(patientID)
            }
        }
        guard try AccountRow.fetch(username: username, in: db, fields: store.fields) == nil else {
            throw AccountError.usernameTaken(username)
        }
        let password = PasswordHashing.oneTimePassword()
        try db.execute(sql: """
            INSERT INTO user (username, role, display_name_cipher, patient_id, password_hash, must_change_password,
                              password_changed_at, created_at)
            VALUES (?, ?, ?, ?, ?, 1, ?, ?)
            """, arguments: [username, role.rawValue,
                             displayName.map { store.fields.seal($0, field: AccountRow.displayNameField) },
                             role == .patient ? patientID : nil, try passwords.hash(password), now, now])
        let id = db.lastInsertedRowID
        _ = try audit.append(AuditEntry(action: .userCreate, outcome: .success, actor: actor,
                                        patientID: role == .patient ? patientID : nil,
                                        subject: "user:\(id)", detail: "role \(role.rawValue)"), in: db)
        let account = try AccountRow.fetch(id: id, in: db, fields: store.fields)!
        return NewAccount(user: UserSummary(account), oneTimePassword: password)
    }

    func revokeSessions(ofUser userID: Int64, reason: String, in db: Database, now: Date) throws {
        try db.execute(sql: "UPDATE session SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND revoked_at IS NULL",
                       arguments: [now, reason, userID])
    }
}
