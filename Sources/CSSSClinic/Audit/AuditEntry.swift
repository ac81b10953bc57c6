/// What was done, as recorded in the audit trail: a dotted name such as `patient.view`.
///
/// A struct rather than an enum so that a stored action this build does not know still reads back
/// (and verifies) instead of failing to decode.
public struct AuditAction: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public var description: String { rawValue }

    public static let login = AuditAction(rawValue: "login")
    public static let loginFailed = AuditAction(rawValue: "login.failed")
    public static let logout = AuditAction(rawValue: "logout")
    public static let sessionRevoked = AuditAction(rawValue: "session.revoked")
    public static let patientCreate = AuditAction(rawValue: "patient.create")
    public static let patientView = AuditAction(rawValue: "patient.view")
    public static let patientList = AuditAction(rawValue: "patient.list")
    public static let scanImport = AuditAction(rawValue: "scan.import")
    public static let scanView = AuditAction(rawValue: "scan.view")
    public static let scanQuarantine = AuditAction(rawValue: "scan.quarantine")
    public static let predictionCreate = AuditAction(rawValue: "prediction.create")
    public static let reportCreate = AuditAction(rawValue: "report.create")
    public static let reportAmend = AuditAction(rawValue: "report.amend")
    public static let reportList = AuditAction(rawValue: "report.list")
    public static let reportVerify = AuditAction(rawValue: "report.verify")
    public static let deliveryRequest = AuditAction(rawValue: "delivery.request")
    public static let deliveryList = AuditAction(rawValue: "delivery.list")
    public static let deliverySent = AuditAction(rawValue: "delivery.sent")
    public static let deliveryFailed = AuditAction(rawValue: "delivery.failed")
    public static let deliveryDead = AuditAction(rawValue: "delivery.dead")
    public static let reportView = AuditAction(rawValue: "report.view")
    public static let reportExport = AuditAction(rawValue: "report.export")
    public static let userCreate = AuditAction(rawValue: "user.create")
    public static let userList = AuditAction(rawValue: "user.list")
    public static let userDisable = AuditAction(rawValue: "user.disable")
    public static let userEnable = AuditAction(rawValue: "user.enable")
    public static let userUnlock = AuditAction(rawValue: "user.unlock")
    public static let userPassword = AuditAction(rawValue: "user.password")
    public static let userTOTP = AuditAction(rawValue: "user.totp")
    public static let auditView = AuditAction(rawValue: "audit.view")
    public static let auditExport = AuditAction(rawValue: "audit.export")
    public static let auditVerify = AuditAction(rawValue: "audit.verify")
    public static let auditPrune = AuditAction(rawValue: "audit.prune")
    public static let accessRefused = AuditAction(rawValue: "access.refused")
    public static let breakGlass = AuditAction(rawValue: "break_glass")
    public static let backup = AuditAction(rawValue: "backup")
    public static let restore = AuditAction(rawValue: "restore")
}

/// How an audited action ended.
public enum AuditOutcome: String, Hashable, Sendable, CaseIterable {
    /// The action was carried out.
    case success
    /// The action was attempted and failed (a wrong password, a damaged file).
    case failure
    /// The action was not allowed (the role or the patient's consent did not permit it).
    case refused
}

/// Who did an audited action: the signed-in user and the session, or the system itself.
public struct AuditActor: Hashable, Sendable {
    /// The user's id, `nil` for the system or an unknown user (a failed login names no user).
    public var userID: Int64?
    /// The user's role at the time (`admin`, `doctor`, `patient`, `system`).
    public var role: String?
    /// The session the action was done in.
    public var sessionID: String?

    public init(userID: Int64?, role: String?, sessionID: String?) {
        self.userID = userID
        self.role = role
        self.sessionID = sessionID
    }

    /// CSSS itself (a scheduled prune, a migration), with no user behind it.
    public static let system = AuditActor(userID: nil, role: "system", sessionID: nil)
}

/// One thing to record in the audit trail, as a caller describes it; ``AuditTrail`` adds the
/// sequence number, the time and the chain hashes.
///
/// An entry names people and records by id only. `subject` and `detail` must never hold names,
/// medical record numbers, dates of birth, contact details, file names or any other protected
/// health information: the trail is exported and kept for years, and is not encrypted.
public struct AuditEntry: Hashable, Sendable {
    /// What was done.
    public var action: AuditAction
    /// How it ended.
    public var outcome: AuditOutcome
    /// Who did it.
    public var actor: AuditActor
    /// The patient whose record was touched, if any (an id, never a name).
    public var patientID: Int64?
    /// The record acted on, as `kind:id` (`scan:12`, `report:3`, `user:7`).
    public var subject: String?
    /// A short machine-readable note (`reason=role`, `format=csv`): ids and codes only, never
    /// names or other protected health information.
    public var detail: String?
    /// Whether the action was done under emergency ("break glass") access.
    public var breakGlass: Bool

    public init(action: AuditAction, outcome: AuditOutcome = .success, actor: AuditActor,
                patientID: Int64? = nil, subject: String? = nil, detail: String? = nil,
                breakGlass: Bool = false) {
        self.action = action
        self.outcome = outcome
        self.actor = actor
        self.patientID = patientID
        self.subject = subject
        self.detail = detail
        self.breakGlass = breakGlass
    }
}
