import CSSSStore
import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSClinic

@Suite("Login: one-time passwords, two-factor, lockout")
struct LoginTests {
    private func count(_ action: AuditAction, in clinic: Clinic) throws -> Int {
        try clinic.store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM audit_event WHERE action = ?", arguments: [action.rawValue]) ?? 0 }
    }

    @Test("init's one-time password logs in once, and until it is changed and two-factor enrolled nothing else is allowed")
    func firstLoginIsRestricted() async throws {
        let folder = try TemporaryFolder("csss-init")
        let variables = ["CSSS_HOME": folder.url.path]
        let environment = ClinicEnvironment(variables: variables)
        let report = try await Clinic.initialize(environment: environment, variables: variables, passwordCost: TestClinic.cheapCost)
        #expect(report.adminUser == "admin")
        #expect(report.oneTimePassword.count >= 16)
        // No key was given, so init wrote the key file, owner-only.
        let keyFile = folder.file(MasterKey.keyFileName).path
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)
        await #expect(throws: ClinicSetupError.alreadyInitialised(folder.url.path)) {
            try await Clinic.initialize(environment: environment, variables: variables, passwordCost: TestClinic.cheapCost)
        }

        let clinic = try await Clinic.open(environment: environment, variables: variables, passwordCost: TestClinic.cheapCost)
        var session = try await clinic.login(username: "admin", password: report.oneTimePassword, kind: .workstation)
        #expect(session.identity.pendingSteps == [.changePassword, .enrollTwoFactor])
        #expect(throws: AccessDenied.pendingStep(.changePassword)) { try session.listUsers() }

        #expect(throws: AccountError.passwordRejected(.tooShort(minimum: 12))) {
            try session.changePassword(current: report.oneTimePassword, new: "short")
        }
        try session.changePassword(current: report.oneTimePassword, new: "lanterns over a quiet harbour")
        #expect(throws: AccessDenied.pendingStep(.enrollTwoFactor)) { try session.listUsers() }
        let enrollment = try session.beginTwoFactorEnrollment()
        #expect(enrollment.uri.hasPrefix("otpauth://totp/"))
        let totp = TOTP(secret: try Base32.decode(enrollment.secret))
        #expect(throws: AccountError.wrongEnrollmentCode) { try session.confirmTwoFactor(code: "000000") == [] }
        let codes = try session.confirmTwoFactor(code: totp.code(at: Date()))
        #expect(codes.count == 10 && Set(codes).count == 10)
        #expect(try session.listUsers().map(\.username) == ["admin"])

        // The one-time password no longer works.
        await #expect(throws: LoginError.refused) {
            try await clinic.login(username: "admin", password: report.oneTimePassword, kind: .workstation)
        }
    }

    @Test("an unknown user, a wrong password and a disabled account get the same message, and each attempt is audited")
    func refusalsLookAlike() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        _ = try await test.account("dr.rao", role: .doctor, admin: admin)
        try admin.disableUser("dr.rao")
        let before = try count(.loginFailed, in: test.clinic)
        var messages: [String] = []
        for (user, password) in [("nobody", "whatever it is here"), ("admin", "not the password at all"),
                                 ("dr.rao", TestClinic.password(for: "dr.rao"))] {
            do {
                _ = try await test.clinic.login(username: user, password: password, secondFactor: "123456", kind: .workstation)
            } catch {
                messages.append("\(error)")
            }
        }
        #expect(messages.count == 3 && Set(messages).count == 1)
        #expect(try count(.loginFailed, in: test.clinic) == before + 3)
        // The audit names accounts by id, never by the name that was typed.
        let details = try test.clinic.store.read { try String.fetchAll($0, sql: "SELECT COALESCE(detail, '') FROM audit_event") }
        #expect(!details.contains { $0.contains("nobody") })
    }

    @Test("five failures lock the account for 15 minutes even with the right password; an admin or time unlocks it")
    func lockout() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        _ = try await test.account("dr.rao", role: .doctor, admin: admin)
        let start = Date()
        for attempt in 0..<5 {
            await #expect(throws: LoginError.refused) {
                try await test.clinic.login(username: "dr.rao", password: "wrong password number \(attempt)", kind: .workstation, now: start)
            }
        }
        let right = TestClinic.password(for: "dr.rao")
        await #expect(throws: LoginError.refused) {
            try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation, now: start.addingTimeInterval(60))
        }
        // After the lockout runs out, the right password works again.
        _ = try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation, now: start.addingTimeInterval(15 * 60 + 1))

        for attempt in 0..<5 {
            _ = try? await test.clinic.login(username: "dr.rao", password: "wrong again \(attempt)", kind: .workstation)
        }
        await #expect(throws: LoginError.refused) { try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation) }
        try admin.unlockUser("dr.rao")
        _ = try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation)
    }

    @Test("the lockout threshold and duration are configurable")
    func lockoutIsConfigurable() async throws {
        var settings = SecuritySettings()
        settings.lockoutThreshold = 2
        settings.lockoutDuration = 30
        let test = try await TestClinic(settings: settings)
        let admin = try await test.admin()
        _ = try await test.account("dr.rao", role: .doctor, admin: admin)
        let start = Date()
        for _ in 0..<2 { _ = try? await test.clinic.login(username: "dr.rao", password: "wrong wrong wrong", kind: .workstation, now: start) }
        let right = TestClinic.password(for: "dr.rao")
        await #expect(throws: LoginError.refused) {
            try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation, now: start.addingTimeInterval(10))
        }
        _ = try await test.clinic.login(username: "dr.rao", password: right, kind: .workstation, now: start.addingTimeInterval(31))
        #expect(try SecuritySettings(environment: ClinicEnvironment(variables: ["CSSS_LOCKOUT_THRESHOLD": "3", "CSSS_LOCKOUT_MINUTES": "2"]))
            .lockoutDuration == 120)
    }

    @Test("a TOTP code is required for an enrolled account, works once, and a recovery code works once")
    func secondFactor() async throws {
        let test = try await TestClinic()
        let now = Date()
        await #expect(throws: LoginError.secondFactorRequired) {
            try await test.clinic.login(username: "admin", password: test.adminPassword, kind: .workstation, now: now)
        }
        // Enrolment used the current step, so a code from the next step is the first fresh one.
        let next = now.addingTimeInterval(30)
        _ = try await test.admin(at: next)
        await #expect(throws: LoginError.secondFactorRefused) { try await test.admin(at: next) }

        // A fresh admin enrolment gives recovery codes; each works exactly once.
        let test2 = try await TestClinic()
        var admin = try await test2.admin(at: now.addingTimeInterval(30))
        try admin.resetTwoFactor(of: "admin")
        var again = try await test2.clinic.login(username: "admin", password: test2.adminPassword, kind: .workstation)
        let enrollment = try again.beginTwoFactorEnrollment()
        let codes = try again.confirmTwoFactor(code: TOTP(secret: try Base32.decode(enrollment.secret)).code(at: Date()))
        admin = try await test2.clinic.login(username: "admin", password: test2.adminPassword, secondFactor: codes[3].uppercased(), kind: .workstation)
        await #expect(throws: LoginError.secondFactorRefused) {
            try await test2.clinic.login(username: "admin", password: test2.adminPassword, secondFactor: codes[3], kind: .workstation)
        }
        _ = admin
    }
}

@Suite("Login: password hashes")
struct PasswordHashTests {
    @Test("a password stored at an older Argon2id cost is rehashed at the current cost on login")
    func rehashOnLogin() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        _ = try await test.account("dr.rao", role: .doctor, admin: admin)
        let stronger = Argon2id(memoryKiB: 2048, iterations: 2, parallelism: 1)
        let reopened = try await Clinic.open(environment: ClinicEnvironment(variables: test.variables), variables: test.variables,
                                             passwordCost: stronger)
        _ = try await reopened.login(username: "dr.rao", password: TestClinic.password(for: "dr.rao"), kind: .workstation)
        let stored = try reopened.store.read { try String.fetchOne($0, sql: "SELECT password_hash FROM user WHERE username = 'dr.rao'") }
        #expect(stored.flatMap(Argon2id.parameters(ofEncoded:)) == stronger)
        #expect(stored?.hasPrefix("$argon2id$v=19$m=2048,t=2,p=1$") == true)
    }

    @Test("a password typed in another Unicode normal form is the same password")
    func unicodeNormalForms() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let created = try admin.addUser(username: "dr.munoz", role: .doctor)
        var session = try await test.clinic.login(username: "dr.munoz", password: created.oneTimePassword, kind: .workstation)
        try session.changePassword(current: created.oneTimePassword, new: "ma\u{F1}ana en el caf\u{E9} azul")  // precomposed
        _ = try await test.clinic.login(username: "dr.munoz", password: "man\u{303}ana en el cafe\u{301} azul", kind: .workstation)
    }
}
