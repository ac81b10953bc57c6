import Crypto
import Foundation
import GRDB

/// A data directory opened for use: the SQLite database, the vault beside it, and the keys that
/// open both.
///
/// The database runs in WAL mode, so terminals read while one writes; writers from several
/// processes take turns, each waiting up to ``busyTimeout`` before giving up with
/// ``StoreError/busy(_:)``. Every write runs in one `IMMEDIATE` transaction: it commits whole or
/// not at all.
public final class ClinicStore: Sendable {
    /// The file name of the database inside the data directory.
    public static let databaseFileName = "csss.sqlite"

    /// The data directory this store lives in.
    public let directory: DataDirectory
    /// The database (a GRDB pool: concurrent reads, serialised writes).
    public let database: DatabasePool
    /// The encrypted blobs.
    public let vault: Vault
    /// The key the store was opened with (to check a backup before restoring it).
    public let masterKey: MasterKey
    /// The working keys.
    public let keys: KeyRing
    /// Encrypts protected fields of rows.
    public let fields: FieldCipher
    /// Indexes protected fields for exact lookups.
    public let index: BlindIndex
    /// How long a writer waits for another process's write to finish.
    public let busyTimeout: TimeInterval

    /// Opens (creating if needed) the store in `directory` with `masterKey`, bringing the schema
    /// up to date.
    ///
    /// - Throws: ``MasterKeyError/wrongKey(_:)`` when the data was written under another key,
    ///   ``StoreError`` when the database cannot be opened.
    public init(directory: DataDirectory, masterKey: MasterKey, busyTimeout: TimeInterval = 5) throws {
        // Everything this process writes from here on (database, WAL, vault, audit head) is for its
        // owner only, whatever umask the shell had.
        umask(0o077)
        try directory.prepare()
        self.directory = directory
        self.busyTimeout = busyTimeout
        self.masterKey = masterKey
        keys = KeyRing(master: masterKey)
        fields = FieldCipher(key: keys.fieldEncryption)
        index = BlindIndex(key: keys.blindIndex)
        vault = Vault(url: directory.url.appendingPathComponent("vault", isDirectory: true),
                      wrappingKey: keys.vaultWrapping)
        try vault.prepare()

        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.label = "csss"
        let file = directory.url.appendingPathComponent(Self.databaseFileName)
        do {
            database = try DatabasePool(path: file.path, configuration: configuration)
            try Schema.migrator.migrate(database)
        } catch let error as DatabaseError {
            throw StoreError(error, path: file.path)
        }
        try checkFingerprint(path: directory.url.path)
    }

    /// Runs `updates` in one write transaction and maps SQLite's failures to ``StoreError``.
    public func write<T>(_ updates: (Database) throws -> T) throws -> T {
        do {
            return try database.write(updates)
        } catch let error as DatabaseError {
            throw StoreError(error, path: database.path)
        }
    }

    /// Runs `value` on a read-only snapshot of the database.
    public func read<T>(_ value: (Database) throws -> T) throws -> T {
        do {
            return try database.read(value)
        } catch let error as DatabaseError {
            throw StoreError(error, path: database.path)
        }
    }

    /// Closes the database's connections, for a restore that replaces its files.
    public func close() throws {
        try database.close()
    }

    /// Records the key's fingerprint on first use, and refuses a key that does not match it, so
    /// that a wrong key is reported as such instead of as damaged data later.
    private func checkFingerprint(path: String) throws {
        let fingerprint = keys.fingerprint
        let stored = try write { db -> String in
            if let existing = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'master_key_fingerprint'") {
                return existing
            }
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('master_key_fingerprint', ?)",
                           arguments: [fingerprint])
            return fingerprint
        }
        guard stored == fingerprint else { throw MasterKeyError.wrongKey(path) }
    }
}

/// Why a database operation failed, in terms a caller can act on.
public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// Another terminal held the database longer than the busy timeout.
    case busy(String)
    /// A uniqueness or reference rule refused the change (nothing was written).
    case constraint(String)
    /// The database file is damaged or not a CSSS database.
    case damaged(String, reason: String)
    /// Any other SQLite failure.
    case failed(String, reason: String)

    init(_ error: DatabaseError, path: String) {
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: self = .busy(path)
        case .SQLITE_CONSTRAINT: self = .constraint(error.message ?? "constraint failed")
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: self = .damaged(path, reason: error.message ?? "\(error.resultCode)")
        default: self = .failed(path, reason: error.message ?? "\(error.resultCode)")
        }
    }

    public var description: String {
        switch self {
        case .busy(let path): "the database \(path) is busy in another terminal; try again"
        case .constraint(let message): "refused by the database: \(message)"
        case .damaged(let path, let reason): "the database \(path) is damaged: \(reason)"
        case .failed(let path, let reason): "database error in \(path): \(reason)"
        }
    }
}
