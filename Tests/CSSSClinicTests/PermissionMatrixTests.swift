import Foundation
import GRDB
import Testing
@testable import CSSSClinic

@Suite("Permissions: the seed's matrix, resource checks and break-glass")
struct PermissionMatrixTests {
    /// The seed's matrix, as its table states it.
    static let matrix: [Permission: Set<Role>] = [
        .manageUsers: [.admin],
        .uploadScans: [.admin, .doctor, .patient],
        .viewAllPatientScans: [.admin, .doctor],
        .generateReports: [.admin, .doctor],
        .downloadOwnReports: [.admin, .doctor, .patient],
        .viewAuditLogs: [.admin],
        .configureSystem: [.admin],
        .enableDisableUsers: [.admin],
    ]

    @Test("every role × permission is allowed or refused exactly as the matrix says")
    func wholeMatrix() {
        let policy = AccessPolicy()
        for permission in Permission.allCases {
            for role in Role.allCases {
                let identity = SessionIdentity(sessionID: "s", token: "t", userID: 1, username: "u", role: role,
                                               patientID: nil, kind: .workstation, pendingSteps: [])
                let allowed = Self.matrix[permission]!.contains(role)
                #expect(policy.allows(permission, for: identity) == allowed, "\(role) / \(permission)")
                if allowed {
                    #expect(throws: Never.self) { try policy.require(permission, for: identity) }
                } else {
                    #expect(throws: AccessDenied.missingPermission(permission, role: role)) { try policy.require(permission, for: identity) }
                }
            }
        }
    }

    @Test("through real sessions: user management is the admin's, and each refusal is audited")
    func operationsFollowTheMatrix() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let patientID = try admin.addPatientForTest()
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        let patient = try await test.account("p-1", role: .patient, patientID: patientID, admin: admin)

        for session in [doctor, patient] {
            #expect(throws: AccessDenied.missingPermission(.manageUsers, role: session.identity.role)) {
                try session.addUser(username: "mallory", role: .admin)
            }
            #expect(throws: AccessDenied.missingPermission(.manageUsers, role: session.identity.role)) { try session.listUsers() }
            #expect(throws: AccessDenied.missingPermission(.enableDisableUsers, role: session.identity.role)) {
                try session.disableUser("admin")
            }
        }
        #expect(throws: AccessDenied.missingPermission(.viewAllPatientScans, role: .patient)) {
            try patient.addPatient(PatientDetails(mrn: "X-1", name: "Someone"))
        }
        #expect(try doctor.listPatients().count == 1)
        let refusals = try test.clinic.store.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit_event WHERE action = 'access.refused' AND outcome = 'refused'")
        }
        #expect(refusals == 7)
    }

    @Test("a patient reaches only their own record")
    func patientsSeeOnlyTheirOwn() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let mine = try admin.addPatientForTest(name: "Asha Verma")
        let theirs = try admin.addPatientForTest(name: "Ravi Kumar")
        let patient = try await test.account("p-asha", role: .patient, patientID: mine, admin: admin)
        #expect(try patient.patient(mine).details.name == "Asha Verma")
        #expect(throws: AccessDenied.notOwnRecord) { try patient.patient(theirs) }
        #expect(try patient.listPatients().map(\.id) == [mine])
    }

    @Test("a restricted record opens for a doctor only through break-glass with a reason, flagged in the audit")
    func breakGlass() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let vip = try admin.addPatientForTest(name: "Minister Example", restricted: true)
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        #expect(throws: AccessDenied.restrictedRecord(patientID: vip)) { try doctor.patient(vip) }
        #expect(try doctor.listPatients().isEmpty)
        #expect(throws: AccessDenied.breakGlassReasonMissing) { try doctor.breakGlass(patientID: vip, reason: " ") }
        #expect(throws: AccessDenied.breakGlassNotAllowed(role: .admin)) { try admin.breakGlass(patientID: vip, reason: "curious admin") }

        try doctor.breakGlass(patientID: vip, reason: "unconscious in the emergency department")
        #expect(try doctor.patient(vip).details.name == "Minister Example")
        let flagged = try test.clinic.store.read {
            try String.fetchAll($0, sql: "SELECT action FROM audit_event WHERE break_glass AND patient_id = ? ORDER BY seq", arguments: [vip])
        }
        #expect(flagged == ["break_glass", "patient.view"])
        // The grant runs out.
        let later = Date().addingTimeInterval(61 * 60)
        #expect(throws: AccessDenied.restrictedRecord(patientID: vip)) {
            try test.clinic.write { db in try test.clinic.policy.requireRecordAccess(to: vip, for: doctor.identity, in: db, now: later) }
        }
    }
}
