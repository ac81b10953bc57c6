import Foundation
import GRDB

/// Decides whether a session may do something, in the clinic's rules rather than in any screen:
/// the role's ``Permission``s first, then the record itself (a patient reaches only their own
/// records; a restricted record needs an active break-glass grant).
public struct AccessPolicy: Sendable {
    /// Whether `identity` holds `permission` and has no step pending.
    public func allows(_ permission: Permission, for identity: SessionIdentity) -> Bool {
        identity.pendingSteps.isEmpty && identity.role.permissions.contains(permission)
    }

    /// Throws unless `identity` holds `permission`.
    public func require(_ permission: Permission, for identity: SessionIdentity) throws {
        if let step = identity.pendingSteps.sorted(by: { $0.rawValue < $1.rawValue }).first {
            throw AccessDenied.pendingStep(step)
        }
        guard identity.role.permissions.contains(permission) else {
            throw AccessDenied.missingPermission(permission, role: identity.role)
        }
    }

    /// Throws unless `identity` may open the records of patient `patientID`; returns whether the
    /// access rests on a break-glass grant, which the audit event must flag.
    @discardableResult
    public func requireRecordAccess(to patientID: Int64, for identity: SessionIdentity,
                                    in db: Database, now: Date = Date()) throws -> Bool {
        if let step = identity.pendingSteps.sorted(by: { $0.rawValue < $1.rawValue }).first {
            throw AccessDenied.pendingStep(step)
        }
        if identity.role == .patient {
            guard identity.patientID == patientID else { throw AccessDenied.notOwnRecord }
            return false
        }
        try require(.viewAllPatientScans, for: identity)
        let restricted = try Bool.fetchOne(db, sql: "SELECT restricted FROM patient WHERE id = ?", arguments: [patientID]) ?? false
        guard restricted else { return false }
        let granted = try Bool.fetchOne(db, sql: """
            SELECT EXISTS (SELECT 1 FROM break_glass WHERE user_id = ? AND patient_id = ? AND expires_at > ?)
            """, arguments: [identity.userID, patientID, now]) ?? false
        guard granted else { throw AccessDenied.restrictedRecord(patientID: patientID) }
        return true
    }
}
