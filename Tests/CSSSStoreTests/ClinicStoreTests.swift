import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSStore

@Suite("Store: keys, database and migrations")
struct ClinicStoreTests {
    @Test("init's key file is 0600, reopens the same store, and a group-readable key file is refused")
    func keyFile() throws {
        let folder = try TemporaryFolder("csss-store")
        let directory = DataDirectory(url: folder.url)
        try directory.prepare()
        let key = try MasterKey.createKeyFile(in: directory)
        let keyFile = folder.file(MasterKey.keyFileName)
        #expect((try FileManager.default.attributesOfItem(atPath: keyFile.path)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: MasterKeyError.keyFileExists(keyFile.path)) { try MasterKey.createKeyFile(in: directory) }

        let loaded = try MasterKey.load(for: directory, environment: [:])
        #expect(KeyRing(master: loaded).fingerprint == KeyRing(master: key).fingerprint)

        chmod(keyFile.path, 0o640)
        #expect(throws: MasterKeyError.keyFileTooOpen(keyFile.path, mode: "640")) {
            try MasterKey.load(for: directory, environment: [:])
        }
    }

    @Test("CSSS_MASTER_KEY is read as hex or base64 and wins over the key file; junk is refused by name")
    func environmentKey() throws {
        let folder = try TemporaryFolder("csss-store")
        let directory = DataDirectory(url: folder.url)
        let hex = String(repeating: "ab", count: 32)
        let base64 = Data(repeating: 0xab, count: 32).base64EncodedString()
        let fromHex = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": hex])
        let fromBase64 = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": base64])
        #expect(fromHex.source == .environment)
        #expect(KeyRing(master: fromHex).fingerprint == KeyRing(master: fromBase64).fingerprint)
        #expect(throws: MasterKeyError.malformed("CSSS_MASTER_KEY")) {
            try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": "hunter2"])
        }
        #expect(throws: MasterKeyError.missing(directory.url.path)) { try MasterKey.load(for: directory, environment: [:]) }
    }

    @Test("the database is in WAL mode with every table, and another master key is refused as wrong")
    func openAndMigrate() throws {
        let folder = try TemporaryFolder("csss-store")
        let directory = DataDirectory(url: folder.url)
        let key = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": String(repeating: "01", count: 32)])
        let store = try ClinicStore(directory: directory, masterKey: key)
        let mode = try store.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let tables = try store.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
        for table in ["user", "patient", "scan", "prediction", "report", "report_version", "delivery",
                      "audit_event", "audit_checkpoint", "session", "setting", "quarantine"] {
            #expect(tables.contains(table), "missing table \(table)")
        }

        let other = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": String(repeating: "02", count: 32)])
        #expect(throws: MasterKeyError.wrongKey(directory.url.path)) { try ClinicStore(directory: directory, masterKey: other) }
    }

    @Test("a failed transaction leaves no partial change")
    func transactionsAreAtomic() throws {
        let folder = try TemporaryFolder("csss-store")
        let directory = DataDirectory(url: folder.url)
        let key = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": String(repeating: "01", count: 32)])
        let store = try ClinicStore(directory: directory, masterKey: key)
        #expect(throws: StoreError.self) {
            try store.write { db in
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('a', '1')")
                try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('a', '2')")  // duplicate key
            }
        }
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM setting WHERE key = 'a'") } == 0)
    }
}

@Suite("Store: passphrase keys")
struct PassphraseKeyTests {
    @Test("a passphrase-keyed directory opens with its passphrase only; the salt file is 0600 and not replaced")
    func passphrase() throws {
        let folder = try TemporaryFolder("csss-passphrase")
        let directory = DataDirectory(url: folder.url)
        try directory.prepare()
        let cheap = Argon2id(memoryKiB: 1024, iterations: 1, parallelism: 1)
        let created = try PassphraseKey.create(in: directory, cost: cheap)
        let key = try created.derive(passphrase: "seven quiet owls at the gate")
        _ = try ClinicStore(directory: directory, masterKey: key).close()
        let file = folder.file(PassphraseKey.fileName).path
        #expect((try FileManager.default.attributesOfItem(atPath: file)[.posixPermissions] as? Int) == 0o600)
        #expect(throws: MasterKeyError.keyFileExists(file)) { try PassphraseKey.create(in: directory, cost: cheap) }

        #expect(throws: MasterKeyError.passphraseRequired(directory.url.path)) { try MasterKey.load(for: directory, environment: [:]) }
        let again = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_PASSPHRASE": "seven quiet owls at the gate"])
        #expect(again.source == .passphrase(file))
        _ = try ClinicStore(directory: directory, masterKey: again).close()
        let wrong = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_PASSPHRASE": "seven quiet owls at the door"])
        #expect(throws: MasterKeyError.wrongKey(directory.url.path)) { try ClinicStore(directory: directory, masterKey: wrong) }
    }
}
