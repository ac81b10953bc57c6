import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSStore

@Suite("Store: backup and restore")
struct StoreBackupTests {
    static let environment = ["CSSS_MASTER_KEY": String(repeating: "01", count: 32)]

    static func openStore(_ url: URL, environment: [String: String] = environment) throws -> ClinicStore {
        let directory = DataDirectory(url: url)
        return try ClinicStore(directory: directory, masterKey: try MasterKey.load(for: directory, environment: environment))
    }

    /// A user, then a quarantine row naming a fresh blob of `contents`; returns the blob id.
    @discardableResult
    static func insertBlobRow(_ store: ClinicStore, contents: Data) throws -> BlobID {
        let id = try store.vault.store(contents)
        try store.write { db in
            if try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM user") == 0 {
                try db.execute(sql: """
                    INSERT INTO user (username, role, password_hash, password_changed_at, created_at)
                    VALUES ('admin', 'admin', 'x', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)
                    """)
            }
            try db.execute(sql: """
                INSERT INTO quarantine (blob_id, reason, original_name_cipher, byte_count, quarantined_at, quarantined_by)
                VALUES (?, 'test', ?, ?, CURRENT_TIMESTAMP, 1)
                """, arguments: [id.rawValue, store.fields.seal("file.bin", field: "quarantine.original_name"), contents.count])
        }
        return id
    }

    @Test("a backup restored into a data directory gives back its rows and blobs, and a store opens on it")
    func roundTrip() throws {
        let folder = try TemporaryFolder("csss-backup")
        let backup = folder.file("backup")
        let first: BlobID
        do {
            let store = try Self.openStore(folder.file("data"))
            first = try Self.insertBlobRow(store, contents: Data("first scan".utf8))
            try Self.insertBlobRow(store, contents: Data("second scan".utf8))
            let manifest = try StoreBackup.create(from: store, to: backup)
            #expect(manifest.keyFingerprint == store.keys.fingerprint)
            #expect(manifest.files.count == 3)
            #expect(!FileManager.default.fileExists(atPath: backup.appendingPathComponent(MasterKey.keyFileName).path))
            // Written after the backup: the restore must take it away again.
            try Self.insertBlobRow(store, contents: Data("after the backup".utf8))
        }
        let restored = try StoreBackup.restore(from: backup, into: DataDirectory(url: folder.file("data")),
                                               masterKey: try MasterKey.load(for: DataDirectory(url: folder.url), environment: Self.environment))
        #expect(restored.files.count == 3)

        let store = try Self.openStore(folder.file("data"))
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM quarantine") } == 2)
        #expect(try store.vault.load(first) == Data("first scan".utf8))
        #expect(try store.vault.allBlobIDs().count == 2)
        let replaced = try FileManager.default.contentsOfDirectory(atPath: folder.file("data").path)
            .filter { $0.hasPrefix("replaced-") }
        #expect(replaced.count == 1, "the data replaced is moved aside, not deleted")
    }

    @Test("a backup refuses a destination that holds files")
    func destinationMustBeEmpty() throws {
        let folder = try TemporaryFolder("csss-backup")
        let store = try Self.openStore(folder.file("data"))
        try FileManager.default.createDirectory(at: folder.file("backup"), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: folder.file("backup/old"))
        #expect(throws: BackupError.destinationNotEmpty(folder.file("backup").path)) {
            try StoreBackup.create(from: store, to: folder.file("backup"))
        }
    }

    @Test("a changed byte in a backed-up blob or database is refused by name and the current data is untouched")
    func corruptionIsRefused() throws {
        let folder = try TemporaryFolder("csss-backup")
        let data = folder.file("data")
        let manifest: BackupManifest
        do {
            let store = try Self.openStore(data)
            try Self.insertBlobRow(store, contents: Data("scan".utf8))
            manifest = try StoreBackup.create(from: store, to: folder.file("backup"))
        }
        let before = try Data(contentsOf: data.appendingPathComponent(ClinicStore.databaseFileName))
        let key = try MasterKey.load(for: DataDirectory(url: data), environment: Self.environment)
        for file in manifest.files.map(\.path) {
            let copy = folder.file("copy-\(UUID().uuidString)")
            try FileManager.default.copyItem(at: folder.file("backup"), to: copy)
            let target = copy.appendingPathComponent(file)
            var bytes = try Data(contentsOf: target)
            bytes[bytes.count / 2] ^= 0x40
            try bytes.write(to: target)
            #expect(throws: BackupError.fileMismatch(file)) {
                try StoreBackup.restore(from: copy, into: DataDirectory(url: data), masterKey: key)
            }
        }
        #expect(try Data(contentsOf: data.appendingPathComponent(ClinicStore.databaseFileName)) == before)
        let entries = try FileManager.default.contentsOfDirectory(atPath: data.path)
        #expect(!entries.contains { $0.hasPrefix("replaced-") || $0.hasPrefix(".restoring-") })
    }

    @Test("a backup without its manifest, or restored with another key, is refused")
    func manifestAndKey() throws {
        let folder = try TemporaryFolder("csss-backup")
        do {
            let store = try Self.openStore(folder.file("data"))
            try StoreBackup.create(from: store, to: folder.file("backup"))
        }
        let other = try MasterKey.load(for: DataDirectory(url: folder.url),
                                       environment: ["CSSS_MASTER_KEY": String(repeating: "02", count: 32)])
        #expect(throws: BackupError.wrongKey) {
            try StoreBackup.restore(from: folder.file("backup"), into: DataDirectory(url: folder.file("elsewhere")), masterKey: other)
        }
        try FileManager.default.removeItem(at: folder.file("backup/manifest.json"))
        let key = try MasterKey.load(for: DataDirectory(url: folder.url), environment: Self.environment)
        #expect(throws: BackupError.manifestMissing(folder.file("backup").path)) {
            try StoreBackup.restore(from: folder.file("backup"), into: DataDirectory(url: folder.file("elsewhere")), masterKey: key)
        }
    }

    @Test("a backup taken while another store keeps writing restores to a consistent database with every blob")
    func backupDuringWrites() throws {
        let folder = try TemporaryFolder("csss-backup")
        let data = folder.file("data")
        let store = try Self.openStore(data)
        try Self.insertBlobRow(store, contents: Data("seed".utf8))
        let running = Flag()
        let done = DispatchSemaphore(value: 0)
        let writer = try Self.openStore(data)
        Thread.detachNewThread {
            var count = 0
            while running.isSet {
                count += 1
                _ = try? Self.insertBlobRow(writer, contents: Data("row \(count)".utf8))
            }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.2)
        let manifest = try StoreBackup.create(from: store, to: folder.file("backup"))
        Thread.sleep(forTimeInterval: 0.1)
        running.clear()
        done.wait()

        let restoredFolder = folder.file("restored")
        try StoreBackup.restore(from: folder.file("backup"), into: DataDirectory(url: restoredFolder),
                                masterKey: try MasterKey.load(for: DataDirectory(url: data), environment: Self.environment))
        let restored = try Self.openStore(restoredFolder)
        try restored.read { db in
            #expect(try String.fetchAll(db, sql: "PRAGMA integrity_check") == ["ok"])
            let ids = try String.fetchAll(db, sql: "SELECT blob_id FROM quarantine")
            #expect(ids.count > 1, "the writer had written rows before the snapshot")
            for raw in ids { #expect(throws: Never.self) { try restored.vault.load(BlobID(rawValue: raw)!) } }
        }
        #expect(manifest.files.count >= 2)
    }
}

/// A flag one thread clears and another polls.
final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = true
    var isSet: Bool { lock.withLock { value } }
    func clear() { lock.withLock { value = false } }
}
