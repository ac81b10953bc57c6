import CSSSStore
import Foundation
import GRDB

/// What `csss init` made.
public struct ClinicSetupReport: Sendable, Equatable {
    public let dataDirectory: String
    public let adminUser: String
    /// Shown once; the first login must replace it (and enrol two-factor).
    public let oneTimePassword: String
    public let keySource: MasterKey.Source

    /// Where the master key lives, in words, for `csss init` to tell the administrator.
    public var keyDescription: String {
        switch keySource {
        case .environment: "CSSS_MASTER_KEY (keep it in your secret store; it is not written anywhere)"
        case .keyFile(let path): "\(path) (mode 0600; back it up apart from the data: without it nothing opens)"
        case .passphrase(let path): "derived from CSSS_MASTER_PASSPHRASE with Argon2id (salt in \(path))"
        }
    }

    /// The report as `csss init --json` prints it.
    public var json: JSONValue {
        .object([("data_dir", .string(dataDirectory)), ("admin_user", .string(adminUser)),
                 ("one_time_password", .string(oneTimePassword))])
    }
}

/// Why `csss init` stopped.
public enum ClinicSetupError: Error, Equatable, CustomStringConvertible {
    case alreadyInitialised(String)

    public var description: String {
        switch self {
        case .alreadyInitialised(let path): "\(path) is already initialised; it has accounts"
        }
    }
}

extension Clinic {
    /// Sets up a new installation: the data directory, its master key (from `CSSS_MASTER_KEY`,
    /// else `CSSS_MASTER_PASSPHRASE` stretched with Argon2id, else a new 0600 key file), the database, and the first administrator
    /// with a one-time password. There is no default password: the one printed here works once.
    public static func initialize(environment: ClinicEnvironment,
                                  variables: [String: String] = ProcessInfo.processInfo.environment,
                                  adminUser: String = "admin",
                                  passwordCost: Argon2id = .passwordHashing,
                                  now: Date = Date()) async throws -> ClinicSetupReport {
        let directory = DataDirectory(environment: variables)
        try directory.prepare()
        let masterKey: MasterKey
        do {
            masterKey = try MasterKey.load(for: directory, environment: variables)
        } catch MasterKeyError.missing {
            if let passphrase = variables["CSSS_MASTER_PASSPHRASE"], !passphrase.isEmpty {
                do {
                    try PasswordPolicy().check(passphrase, context: ["csss"])
                } catch {
                    throw ConfigurationError.invalidValue(key: "CSSS_MASTER_PASSPHRASE", value: "(hidden)", expected: "\(error)")
                }
                masterKey = try PassphraseKey.create(in: directory).derive(passphrase: passphrase)
            } else {
                masterKey = try MasterKey.createKeyFile(in: directory)
            }
        }
        let clinic = try await Clinic.assemble(directory: directory, masterKey: masterKey, environment: environment,
                                               settings: SecuritySettings(environment: environment), passwordCost: passwordCost)
        let account = try clinic.write { db -> NewAccount in
            guard try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") == 0 else {
                throw ClinicSetupError.alreadyInitialised(directory.url.path)
            }
            return try clinic.createAccount(username: adminUser, role: .admin, displayName: "Administrator", patientID: nil,
                                            actor: .system, in: db, now: now)
        }
        return ClinicSetupReport(dataDirectory: directory.url.path, adminUser: adminUser,
                                 oneTimePassword: account.oneTimePassword, keySource: masterKey.source)
    }
}
