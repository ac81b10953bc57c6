import CSSSStore
import Foundation
import GRDB

/// One row of the `user` table with its protected fields opened; internal to the clinic's rules.
struct AccountRow: Sendable {
    let id: Int64
    let username: String
    let role: Role
    let displayName: String?
    let patientID: Int64?
    let passwordHash: String
    let mustChangePassword: Bool
    let enabled: Bool
    let failedLogins: Int
    let lockedUntil: Date?
    let totpSecret: [UInt8]?
    let pendingTOTPSecret: [UInt8]?
    let createdAt: Date

    static let displayNameField = "user.display_name"
    static let totpField = "user.totp_secret"
    static let pendingTOTPField = "user.totp_pending_secret"

    /// What the person must do before anything else.
    var pendingSteps: Set<PendingStep> {
        var steps: Set<PendingStep> = []
        if mustChangePassword { steps.insert(.changePassword) }
        if role.requiresTwoFactor && totpSecret == nil { steps.insert(.enrollTwoFactor) }
        return steps
    }

    init(row: Row, fields: FieldCipher) throws {
        id = row["id"]
        username = row["username"]
        guard let role = Role(rawValue: row["role"]) else {
            throw StoreError.damaged("user \(row["id"] as Int64)", reason: "unknown role")
        }
        self.role = role
        displayName = try (row["display_name_cipher"] as Data?).map { try fields.openText($0, field: Self.displayNameField) }
        patientID = row["patient_id"]
        passwordHash = row["password_hash"]
        mustChangePassword = row["must_change_password"]
        enabled = row["enabled"]
        failedLogins = row["failed_logins"]
        lockedUntil = row["locked_until"]
        totpSecret = try (row["totp_secret_cipher"] as Data?).map { Array(try fields.open($0, field: Self.totpField)) }
        pendingTOTPSecret = try (row["totp_pending_secret_cipher"] as Data?).map {
            Array(try fields.open($0, field: Self.pendingTOTPField))
        }
        createdAt = row["created_at"]
    }

    static func fetch(username: String, in db: Database, fields: FieldCipher) throws -> AccountRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM user WHERE username = ?", arguments: [username])
            .map { try AccountRow(row: $0, fields: fields) }
    }

    static func fetch(id: Int64, in db: Database, fields: FieldCipher) throws -> AccountRow? {
        try Row.fetchOne(db, sql: "SELECT * FROM user WHERE id = ?", arguments: [id])
            .map { try AccountRow(row: $0, fields: fields) }
    }
}
