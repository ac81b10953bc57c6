import Foundation

/// What an administrator sees of an account.
public struct UserSummary: Sendable, Equatable {
    public let id: Int64
    public let username: String
    public let role: Role
    public let displayName: String?
    public let patientID: Int64?
    public let enabled: Bool
    public let lockedUntil: Date?
    public let twoFactorEnrolled: Bool
    public let mustChangePassword: Bool
    public let createdAt: Date

    init(_ account: AccountRow) {
        id = account.id
        username = account.username
        role = account.role
        displayName = account.displayName
        patientID = account.patientID
        enabled = account.enabled
        lockedUntil = account.lockedUntil
        twoFactorEnrolled = account.totpSecret != nil
        mustChangePassword = account.mustChangePassword
        createdAt = account.createdAt
    }

    /// The summary as ordered JSON for `--json`.
    public var json: JSONValue {
        .object([
            ("id", .integer(Int(id))), ("username", .string(username)), ("role", .string(role.rawValue)),
            ("display_name", displayName.map(JSONValue.string) ?? .null),
            ("patient_id", patientID.map { .integer(Int($0)) } ?? .null),
            ("enabled", .bool(enabled)),
            ("locked_until", lockedUntil.map { .string(ISO8601DateFormatter().string(from: $0)) } ?? .null),
            ("two_factor", .bool(twoFactorEnrolled)), ("must_change_password", .bool(mustChangePassword)),
        ])
    }
}

/// A new account and the one-time password to hand to its owner, who must change it at first login.
public struct NewAccount: Sendable, Equatable {
    public let user: UserSummary
    public let oneTimePassword: String
}

/// Why an account change was not made.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case unknownUser(String)
    case usernameTaken(String)
    case invalidUsername(String)
    case patientAccountNeedsPatient
    case unknownPatient(Int64)
    case wrongCurrentPassword
    case passwordRejected(PasswordPolicyViolation)
    case samePassword
    case noEnrollmentPending
    case wrongEnrollmentCode
    case lastAdmin

    public var description: String {
        switch self {
        case .unknownUser(let name): "no user named '\(name)'"
        case .usernameTaken(let name): "the user name '\(name)' is taken"
        case .invalidUsername(let name): "'\(name)' is not a valid user name: use 3–32 letters, digits, '.', '_' or '-'"
        case .patientAccountNeedsPatient: "a patient account must be linked to a patient record (--patient ID)"
        case .unknownPatient(let id): "no patient with id \(id)"
        case .wrongCurrentPassword: "the current password is wrong"
        case .passwordRejected(let violation): "new password refused: \(violation)"
        case .samePassword: "the new password must differ from the current one"
        case .noEnrollmentPending: "no two-factor enrolment is pending: run 'csss user totp-enroll' first"
        case .wrongEnrollmentCode: "that code does not match the new authenticator secret; check the app's clock and try again"
        case .lastAdmin: "refused: this is the last enabled administrator"
        }
    }
}
