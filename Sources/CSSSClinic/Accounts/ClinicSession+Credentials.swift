import CSSSStore
import Foundation
import GRDB

/// A two-factor enrolment in progress: what the person puts into the authenticator app.
public struct TwoFactorEnrollment: Sendable {
    /// The secret in base32, for typing by hand.
    public let secret: String
    /// The `otpauth://` URI the QR code carries.
    public let uri: String
    /// The QR code of ``uri``.
    public let qrCode: QRCode
}

extension ClinicSession {
    /// Replaces the session's own password, checked against NIST SP 800-63B (``PasswordPolicy``).
    /// Allowed while the password change is pending; ends the account's other sessions.
    public mutating func changePassword(current: String, new: String, now: Date = Date()) throws {
        try replacePassword(current: current, new: new, now: now)
        identity.pendingSteps.remove(.changePassword)
    }

    private func replacePassword(current: String, new: String, now: Date) throws {
        try touch(now: now)
        guard let account = try clinic.store.read({ try AccountRow.fetch(id: identity.userID, in: $0, fields: clinic.store.fields) }),
              clinic.passwords.verify(current, against: account.passwordHash) else {
            _ = try clinic.audit.record(AuditEntry(action: .userPassword, outcome: .failure, actor: identity.auditActor,
                                                   subject: "user:\(identity.userID)", detail: "wrong current password"))
            throw AccountError.wrongCurrentPassword
        }
        guard new != current else { throw AccountError.samePassword }
        try Self.checkPolicy(new, for: account)
        let hash = try clinic.passwords.hash(new)
        try clinic.write { db in
            try db.execute(sql: "UPDATE user SET password_hash = ?, must_change_password = 0, password_changed_at = ? WHERE id = ?",
                           arguments: [hash, now, identity.userID])
            try db.execute(sql: """
                UPDATE session SET revoked_at = ?, revoked_reason = 'password changed' WHERE user_id = ? AND id != ? AND revoked_at IS NULL
                """, arguments: [now, identity.userID, identity.sessionID])
            try note(.userPassword, subject: "user:\(identity.userID)", detail: "password changed", in: db)
        }
    }

    private static func checkPolicy(_ password: String, for account: AccountRow) throws(AccountError) {
        do {
            try PasswordPolicy().check(password, context: [account.username, account.displayName ?? "", "csss"])
        } catch {
            throw .passwordRejected(error)
        }
    }

    /// Starts two-factor enrolment: a new secret, kept pending until ``confirmTwoFactor(code:now:)``
    /// proves the app has it. Allowed while enrolment is pending.
    public func beginTwoFactorEnrollment(issuer: String = "CSSS", now: Date = Date()) throws -> TwoFactorEnrollment {
        try touch(now: now)
        let secret = TOTP.generateSecret()
        let totp = TOTP(secret: secret)
        try clinic.write { db in
            try db.execute(sql: "UPDATE user SET totp_pending_secret_cipher = ? WHERE id = ?",
                           arguments: [clinic.store.fields.seal(Data(secret), field: AccountRow.pendingTOTPField), identity.userID])
            try note(.userTOTP, subject: "user:\(identity.userID)", detail: "enrolment started", in: db)
        }
        let uri = totp.provisioningURI(issuer: issuer, account: identity.username)
        return TwoFactorEnrollment(secret: Base32.encode(secret), uri: uri, qrCode: try QRCode(encoding: uri))
    }

    /// Finishes enrolment with a code from the app, and returns ten single-use recovery codes,
    /// shown once and stored only as hashes.
    public mutating func confirmTwoFactor(code: String, now: Date = Date()) throws -> [String] {
        let codes = try activateTwoFactor(code: code, now: now)
        identity.pendingSteps.remove(.enrollTwoFactor)
        return codes
    }

    private func activateTwoFactor(code: String, now: Date) throws -> [String] {
        try touch(now: now)
        guard let account = try clinic.store.read({ try AccountRow.fetch(id: identity.userID, in: $0, fields: clinic.store.fields) }),
              let pending = account.pendingTOTPSecret else { throw AccountError.noEnrollmentPending }
        guard let step = TOTP(secret: pending).matchingStep(for: code, at: now) else {
            _ = try clinic.audit.record(AuditEntry(action: .userTOTP, outcome: .failure, actor: identity.auditActor,
                                                   subject: "user:\(identity.userID)", detail: "enrolment code wrong"))
            throw AccountError.wrongEnrollmentCode
        }
        let codes = RecoveryCode.generate()
        try clinic.write { db in
            try db.execute(sql: """
                UPDATE user SET totp_secret_cipher = ?, totp_pending_secret_cipher = NULL, totp_last_step = ? WHERE id = ?
                """, arguments: [clinic.store.fields.seal(Data(pending), field: AccountRow.totpField), Int64(step), identity.userID])
            try db.execute(sql: "DELETE FROM recovery_code WHERE user_id = ?", arguments: [identity.userID])
            for code in codes {
                try db.execute(sql: "INSERT INTO recovery_code (user_id, code_digest) VALUES (?, ?)",
                               arguments: [identity.userID, RecoveryCode.digest(code)])
            }
            try note(.userTOTP, subject: "user:\(identity.userID)", detail: "two-factor enrolled", in: db)
        }
        return codes
    }

}
