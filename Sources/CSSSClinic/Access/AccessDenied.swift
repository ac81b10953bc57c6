/// Why an action was refused. Refusals are audited before they are thrown.
public enum AccessDenied: Error, Equatable, CustomStringConvertible {
    /// The role lacks the permission.
    case missingPermission(Permission, role: Role)
    /// A patient asked for another patient's records.
    case notOwnRecord
    /// The record is restricted: a doctor may open it through break-glass, with a reason.
    case restrictedRecord(patientID: Int64)
    /// Break-glass is for doctors.
    case breakGlassNotAllowed(role: Role)
    /// A break-glass request must say why.
    case breakGlassReasonMissing
    /// The session must first finish a pending step.
    case pendingStep(PendingStep)

    public var description: String {
        switch self {
        case .missingPermission(let permission, let role):
            "refused: a \(role.rawValue) may not \(permission.rawValue)"
        case .notOwnRecord:
            "refused: patients can only see their own records"
        case .restrictedRecord(let patientID):
            "refused: patient \(patientID)'s record is restricted; a doctor may use emergency access ('--break-glass REASON')"
        case .breakGlassNotAllowed(let role):
            "refused: emergency access is for doctors, not \(role.rawValue)s"
        case .breakGlassReasonMissing:
            "refused: emergency access needs a reason"
        case .pendingStep(let step):
            "refused: \(step)"
        }
    }
}
