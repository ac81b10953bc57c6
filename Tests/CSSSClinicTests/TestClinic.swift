import CSSSStore
import CSSSTestSupport
import Foundation
@testable import CSSSClinic

/// A real installation in a temporary folder (real SQLite file, real vault), with a cheap
/// Argon2id cost so that tests log in quickly, and helpers that take accounts through their first
/// login the way a person would.
final class TestClinic {
    let folder: TemporaryFolder
    let clinic: Clinic
    let adminPassword = "sunlit harbour of quiet lanterns"
    private(set) var adminTOTP: TOTP!
    let variables: [String: String]

    static let cheapCost = Argon2id(memoryKiB: 1024, iterations: 1, parallelism: 1)

    init(settings: SecuritySettings = SecuritySettings()) async throws {
        folder = try TemporaryFolder("csss-clinic")
        // A master key of its own, so that two test installations never vouch for each other.
        let key = (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255)) }.joined()
        variables = ["CSSS_HOME": folder.url.path, "CSSS_MASTER_KEY": key]
        let environment = ClinicEnvironment(variables: variables)
        let report = try await Clinic.initialize(environment: environment, variables: variables, passwordCost: Self.cheapCost)
        clinic = try await Clinic.open(environment: environment, variables: variables, settings: settings,
                                       passwordCost: Self.cheapCost)
        var first = try await clinic.login(username: "admin", password: report.oneTimePassword, kind: .workstation)
        try first.changePassword(current: report.oneTimePassword, new: adminPassword)
        let enrollment = try first.beginTwoFactorEnrollment()
        let totp = TOTP(secret: try Base32.decode(enrollment.secret))
        _ = try first.confirmTwoFactor(code: totp.code(at: Date()))
        adminTOTP = totp
        try first.logout()
    }

    /// Another handle on the same installation, as a second terminal would open it.
    func secondTerminal() async throws -> Clinic {
        try await Clinic.open(environment: ClinicEnvironment(variables: variables), variables: variables,
                              settings: clinic.settings, passwordCost: Self.cheapCost)
    }

    /// Seconds ahead of the real clock for the next admin login: a TOTP step is accepted once
    /// (enrolment spent the current one), so each login presents the next step's code.
    private var adminClockOffset: TimeInterval = 0

    /// An admin session, logged in with the next unused TOTP step (or at `now`, when given).
    func admin(at now: Date? = nil) async throws -> ClinicSession {
        let now = now ?? {
            adminClockOffset += 30
            return Date().addingTimeInterval(adminClockOffset)
        }()
        return try await clinic.login(username: "admin", password: adminPassword,
                                      secondFactor: adminTOTP.code(at: now), kind: .workstation, now: now)
    }

    /// Creates an account through the admin and takes it through its first password change.
    func account(_ username: String, role: Role, patientID: Int64? = nil, admin: ClinicSession,
                 kind: SessionKind = .workstation) async throws -> ClinicSession {
        let created = try admin.addUser(username: username, role: role, displayName: username.capitalized, patientID: patientID)
        var session = try await clinic.login(username: username, password: created.oneTimePassword, kind: kind)
        try session.changePassword(current: created.oneTimePassword, new: Self.password(for: username))
        return session
    }

    static func password(for username: String) -> String {
        "violet tram at dawn, seat \(username.count * 7 + 3)"
    }

    /// The raw bytes of every file the installation keeps: database, WAL, vault.
    func everyStoredByte() throws -> [(path: String, bytes: Data)] {
        let enumerator = FileManager.default.enumerator(at: folder.url, includingPropertiesForKeys: [.isRegularFileKey])!
        var files: [(String, Data)] = []
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files.append((url.path, try Data(contentsOf: url)))
        }
        return files
    }
}
