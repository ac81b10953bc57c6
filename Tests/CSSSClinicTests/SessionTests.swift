import Foundation
import GRDB
import Testing
@testable import CSSSClinic

@Suite("Sessions: tokens, logout, revocation, idle and absolute timeouts")
struct SessionTests {
    @Test("a token resumes its session until logout, then stops working at once")
    func logout() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        let resumed = try await test.clinic.resume(token: doctor.identity.token)
        #expect(resumed.identity.userID == doctor.identity.userID)
        try doctor.logout()
        await #expect(throws: SessionError.revoked) { try await test.clinic.resume(token: doctor.identity.token) }
    }

    @Test("an administrator's revocation and disabling an account end sessions in another terminal")
    func revocation() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        let otherTerminal = try await test.secondTerminal()
        let remote = try await otherTerminal.resume(token: doctor.identity.token)
        try admin.revokeSession(doctor.identity.sessionID)
        #expect(throws: SessionError.revoked) { try remote.listPatients() }

        let second = try await test.clinic.login(username: "dr.rao", password: TestClinic.password(for: "dr.rao"), kind: .workstation)
        try admin.disableUser("dr.rao")
        #expect(throws: SessionError.revoked) { try second.listPatients() }
    }

    @Test("idle logoff: 10 minutes at a workstation, 60 seconds at the kiosk; 8 hours at most in all")
    func timeouts() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let patientRecord = try admin.addPatientForTest()
        let start = Date()
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        let kiosk = try await test.account("p-1", role: .patient, patientID: patientRecord, admin: admin, kind: .kiosk)

        try doctor.touch(now: start.addingTimeInterval(9 * 60))
        try kiosk.touch(now: start.addingTimeInterval(50))
        #expect(throws: SessionError.idleTimeout) { try kiosk.touch(now: start.addingTimeInterval(50 + 61)) }
        #expect(throws: SessionError.revoked) { try kiosk.touch(now: start.addingTimeInterval(50 + 62)) }

        // Active every 5 minutes, the doctor still meets the absolute limit.
        var clock = start.addingTimeInterval(9 * 60)
        while clock < start.addingTimeInterval(8 * 3600 - 300) {
            clock.addTimeInterval(300)
            try doctor.touch(now: clock)
        }
        #expect(throws: SessionError.expired) { try doctor.touch(now: start.addingTimeInterval(8 * 3600 + 1)) }

        let idle = try await test.account("dr.idle", role: .doctor, admin: admin)
        #expect(throws: SessionError.idleTimeout) { try idle.touch(now: Date().addingTimeInterval(10 * 60 + 5)) }
    }

    @Test("a token signed with another key, or altered, is refused")
    func forgedTokens() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        var parts = admin.identity.token.split(separator: ".").map(String.init)
        // Another role in the claims, the signature left as it was.
        let claims = String(decoding: Data(base64Encoded: Self.padded(parts[1]))!, as: UTF8.self)
            .replacingOccurrences(of: "\"admin\"", with: "\"patient\"")
        parts[1] = Data(claims.utf8).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        await #expect(throws: SessionError.invalidToken) { try await test.clinic.resume(token: parts.joined(separator: ".")) }
        let other = try await TestClinic()
        await #expect(throws: SessionError.invalidToken) { try await other.clinic.resume(token: admin.identity.token) }
    }
}

extension SessionTests {
    /// Base64url without padding, made decodable by Foundation.
    static func padded(_ text: String) -> String {
        let standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return standard + String(repeating: "=", count: (4 - standard.count % 4) % 4)
    }
}

extension ClinicSession {
    /// A plain patient record for tests that need one.
    func addPatientForTest(mrn: String = "MRN-\(Int.random(in: 1000...999_999))", name: String = "Test Patient",
                           restricted: Bool = false) throws -> Int64 {
        try addPatient(PatientDetails(mrn: mrn, name: name, restricted: restricted)).id
    }
}
