import CSSSStore
import Foundation
import GRDB
import JWTKit

extension Clinic {
    /// Checks a person's credentials and opens a session.
    ///
    /// Five failures in a row (``SecuritySettings/lockoutThreshold``) lock the account for
    /// ``SecuritySettings/lockoutDuration``; every attempt, good or bad, is audited by user id
    /// (never by the name typed, which may be someone's password typed in the wrong field).
    ///
    /// - Parameter secondFactor: the TOTP code, or one of the account's recovery codes; needed
    ///   when the account has two-factor enrolled.
    /// - Throws: ``LoginError``.
    public func login(username: String, password: String, secondFactor: String? = nil,
                      kind: SessionKind, now: Date = Date()) async throws -> ClinicSession {
        let account = try store.read { try AccountRow.fetch(username: username, in: $0, fields: store.fields) }
        // The hash is checked even for an unknown or locked account, so that all refusals take
        // the same time.
        let passwordMatches = passwords.verify(password, against: account?.passwordHash)
        guard let account else {
            _ = try audit.record(AuditEntry(action: .loginFailed, outcome: .failure, actor: .system,
                                            detail: "unknown user name"))
            throw LoginError.refused
        }
        let actor = AuditActor(userID: account.id, role: account.role.rawValue, sessionID: nil)
        if let lockedUntil = account.lockedUntil, lockedUntil > now {
            _ = try audit.record(AuditEntry(action: .loginFailed, outcome: .refused, actor: actor, detail: "account locked"))
            throw LoginError.refused
        }
        guard account.enabled else {
            _ = try audit.record(AuditEntry(action: .loginFailed, outcome: .refused, actor: actor, detail: "account disabled"))
            throw LoginError.refused
        }
        guard passwordMatches else {
            try recordFailure(of: account, actor: actor, reason: "wrong password", now: now)
            throw LoginError.refused
        }
        if account.totpSecret != nil {
            guard let secondFactor, !secondFactor.isEmpty else {
                _ = try audit.record(AuditEntry(action: .loginFailed, outcome: .failure, actor: actor,
                                                detail: "two-factor code missing"))
                throw LoginError.secondFactorRequired
            }
            guard try acceptSecondFactor(secondFactor, for: account, now: now) else {
                try recordFailure(of: account, actor: actor, reason: "wrong two-factor code", now: now)
                throw LoginError.secondFactorRefused
            }
        }
        if passwords.needsRehash(account.passwordHash) {
            // The installation raised its cost since this password was set: upgrade it now, the
            // only moment the clear password is at hand.
            let upgraded = try passwords.hash(password)
            try write { db in
                try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [upgraded, account.id])
            }
        }
        return try await openSession(for: account, kind: kind, now: now)
    }

    /// Counts a failure and locks the account when it reaches the threshold, in one transaction.
    private func recordFailure(of account: AccountRow, actor: AuditActor, reason: String, now: Date) throws {
        try write { db in
            try db.execute(sql: "UPDATE user SET failed_logins = failed_logins + 1 WHERE id = ?", arguments: [account.id])
            let failures = try Int.fetchOne(db, sql: "SELECT failed_logins FROM user WHERE id = ?", arguments: [account.id]) ?? 0
            var detail = "\(reason); \(failures) failure(s) in a row"
            if failures >= settings.lockoutThreshold {
                try db.execute(sql: "UPDATE user SET locked_until = ?, failed_logins = 0 WHERE id = ?",
                               arguments: [now.addingTimeInterval(settings.lockoutDuration), account.id])
                detail += "; account locked for \(Int(settings.lockoutDuration / 60)) min"
            }
            _ = try audit.append(AuditEntry(action: .loginFailed, outcome: .failure, actor: actor, detail: detail), in: db)
        }
    }

    /// Accepts a TOTP code whose time step is newer than the last one used (so a code seen over
    /// someone's shoulder cannot be replayed), or an unused recovery code, which is then spent.
    private func acceptSecondFactor(_ code: String, for account: AccountRow, now: Date) throws -> Bool {
        guard let secret = account.totpSecret else { return false }
        let digits = code.filter { !$0.isWhitespace }
        if digits.count == 6, digits.allSatisfy(\.isNumber) {
            guard let step = TOTP(secret: secret).matchingStep(for: digits, at: now) else { return false }
            return try write { db in
                // Compare-and-set, so two terminals racing with the same code cannot both win.
                try db.execute(sql: """
                    UPDATE user SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)
                    """, arguments: [Int64(step), account.id, Int64(step)])
                return db.changesCount == 1
            }
        }
        let digest = RecoveryCode.digest(code)
        return try write { db in
            try db.execute(sql: "UPDATE recovery_code SET used_at = ? WHERE user_id = ? AND code_digest = ? AND used_at IS NULL",
                           arguments: [now, account.id, digest])
            guard db.changesCount == 1 else { return false }
            _ = try audit.append(AuditEntry(action: .userTOTP, outcome: .success,
                                            actor: AuditActor(userID: account.id, role: account.role.rawValue, sessionID: nil),
                                            subject: "user:\(account.id)", detail: "recovery code used"), in: db)
            return true
        }
    }

    private func openSession(for account: AccountRow, kind: SessionKind, now: Date) async throws -> ClinicSession {
        let sessionID = UUID().uuidString.lowercased()
        let expires = now.addingTimeInterval(settings.absoluteLifetime)
        let token = try await tokens.issue(SessionClaims(
            jti: IDClaim(value: sessionID), sub: SubjectClaim(value: String(account.id)),
            exp: ExpirationClaim(value: expires), iat: IssuedAtClaim(value: now),
            role: account.role.rawValue, kind: kind.rawValue))
        let identity = SessionIdentity(sessionID: sessionID, token: token, userID: account.id, username: account.username,
                                       role: account.role, patientID: account.patientID, kind: kind,
                                       pendingSteps: account.pendingSteps)
        try write { db in
            try db.execute(sql: "UPDATE user SET failed_logins = 0, locked_until = NULL WHERE id = ?", arguments: [account.id])
            try db.execute(sql: """
                INSERT INTO session (id, user_id, kind, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [sessionID, account.id, kind.rawValue, now, now, expires])
            let pending = account.pendingSteps.map(\.rawValue).sorted().joined(separator: ",")
            _ = try audit.append(AuditEntry(action: .login, outcome: .success, actor: identity.auditActor,
                                            detail: pending.isEmpty ? "\(kind.rawValue) session" : "\(kind.rawValue) session; pending: \(pending)"),
                                 in: db)
        }
        return ClinicSession(clinic: self, identity: identity)
    }

    /// The session named by `token`, if its signature holds and its row says it is still open.
    ///
    /// - Throws: ``SessionError``.
    public func resume(token: String, now: Date = Date()) async throws -> ClinicSession {
        let claims = try await tokens.verify(token)
        guard let userID = Int64(claims.sub.value),
              let account = try store.read({ try AccountRow.fetch(id: userID, in: $0, fields: store.fields) }),
              let kind = SessionKind(rawValue: claims.kind) else { throw SessionError.invalidToken }
        let session = ClinicSession(clinic: self, identity: SessionIdentity(
            sessionID: claims.jti.value, token: token, userID: account.id, username: account.username, role: account.role,
            patientID: account.patientID, kind: kind, pendingSteps: account.pendingSteps))
        try session.touch(now: now)
        return session
    }
}
