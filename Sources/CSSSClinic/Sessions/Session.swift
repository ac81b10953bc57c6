import Foundation

/// Where a session runs, which decides how soon inactivity ends it.
public enum SessionKind: String, Sendable, Codable, CaseIterable {
    /// A doctor's or admin's terminal (idle logoff after ``SecuritySettings/idleTimeout``).
    case workstation
    /// The patients' kiosk, shared by strangers (idle logoff after ``SecuritySettings/kioskIdleTimeout``).
    case kiosk
    /// One `csss` subcommand run by a person or a script; it logs out when the command ends.
    case command
}

/// Something a person must do before the session may touch anything else.
public enum PendingStep: String, Sendable, Hashable, CustomStringConvertible {
    /// The password is a one-time password (new account or reset) and must be replaced.
    case changePassword
    /// The role requires two-factor authentication and none is enrolled yet.
    case enrollTwoFactor

    public var description: String {
        switch self {
        case .changePassword: "change the one-time password first ('csss user passwd')"
        case .enrollTwoFactor: "enrol two-factor authentication first ('csss user totp-enroll')"
        }
    }
}

/// Who is logged in: the identity that every check and audit event of a ``ClinicSession`` uses.
public struct SessionIdentity: Sendable, Equatable {
    /// The session's id (the token's `jti`, and the key of its row).
    public let sessionID: String
    /// The signed token that names this session.
    public let token: String
    public let userID: Int64
    public let username: String
    public let role: Role
    /// The patient record a patient account belongs to; `nil` for staff.
    public let patientID: Int64?
    public let kind: SessionKind
    /// Steps that must be done before anything else is allowed.
    public internal(set) var pendingSteps: Set<PendingStep>

    var auditActor: AuditActor {
        AuditActor(userID: userID, role: role.rawValue, sessionID: sessionID)
    }
}
