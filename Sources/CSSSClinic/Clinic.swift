import CSSSStore
import Foundation
import GRDB

/// An opened installation: its store, its security settings and its audit trail. Every person's
/// work goes through a ``ClinicSession`` obtained from ``login(username:password:secondFactor:kind:)``
/// or ``resume(token:)``, so that the same checks and the same audit apply to the workstation,
/// the kiosk and the command line alike.
public final class Clinic: Sendable {
    public let store: ClinicStore
    public let settings: SecuritySettings
    public let audit: AuditTrail
    let tokens: SessionTokens
    let policy = AccessPolicy()
    let passwords: PasswordHashing

    /// Opens the installation that `environment` names (`CSSS_HOME`, master key, `JWT_SECRET_KEY`,
    /// the limits of ``SecuritySettings``).
    public static func open(environment: ClinicEnvironment,
                            variables: [String: String] = ProcessInfo.processInfo.environment,
                            settings: SecuritySettings? = nil,
                            passwordCost: Argon2id = .passwordHashing) async throws -> Clinic {
        let directory = DataDirectory(environment: variables)
        let masterKey = try MasterKey.load(for: directory, environment: variables)
        return try await assemble(directory: directory, masterKey: masterKey, environment: environment,
                                  settings: settings ?? SecuritySettings(environment: environment), passwordCost: passwordCost)
    }

    /// The store, the session keys and the settings put together: what `open` and `initialize` share.
    static func assemble(directory: DataDirectory, masterKey: MasterKey, environment: ClinicEnvironment,
                         settings: SecuritySettings, passwordCost: Argon2id) async throws -> Clinic {
        let store = try ClinicStore(directory: directory, masterKey: masterKey, busyTimeout: settings.busyTimeout)
        let secret = try SessionTokens.secret(environment: environment, derived: store.keys.sessionSigning)
        return Clinic(store: store, settings: settings, tokens: await SessionTokens(secret: secret),
                      passwords: PasswordHashing(cost: passwordCost))
    }

    init(store: ClinicStore, settings: SecuritySettings, tokens: SessionTokens, passwords: PasswordHashing) {
        self.store = store
        self.settings = settings
        self.tokens = tokens
        self.passwords = passwords
        audit = AuditTrail(store: store)
    }

    /// Runs `body` in one write transaction (where it appends its audit events, so that a change
    /// and its record commit together or not at all), then moves the audit trail's head forward.
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        let result = try store.write(body)
        if let newest = try? store.read({ try AuditEvent.fetchOne($0, sql: "SELECT * FROM audit_event ORDER BY seq DESC LIMIT 1") }) {
            audit.noteCommitted(newest)
        }
        return result
    }
}
