import Crypto
import Foundation
import GRDB

extension StoreBackup {
    /// Checks the backup in `source` and puts its database and vault in place of those in
    /// `directory`.
    ///
    /// Nothing in `directory` changes until the backup has passed every check: the manifest's sizes
    /// and SHA-256s (on the copies that will be installed), SQLite's integrity check, the master key's
    /// fingerprint (in the manifest and in the database), and the presence of every blob the database
    /// refers to. The data it replaces is moved, not deleted, into `directory/replaced-<timestamp>/`.
    /// No ``ClinicStore`` may have `directory` open meanwhile.
    ///
    /// - Throws: ``BackupError`` naming the first file or check that failed.
    @discardableResult
    public static func restore(from source: URL, into directory: DataDirectory,
                               masterKey: MasterKey) throws -> BackupManifest {
        let manifest = try readManifest(in: source)
        guard manifest.keyFingerprint == KeyRing(master: masterKey).fingerprint else { throw BackupError.wrongKey }
        try directory.prepare()
        // Staged inside the data directory so the final moves are renames on one file system.
        let staging = directory.url.appendingPathComponent(".restoring-\(UUID().uuidString)", isDirectory: true)
        try makeFolder(staging)
        defer { try? FileManager.default.removeItem(at: staging) }

        try copyAndVerify(manifest, from: source, into: staging)
        try makeFolder(staging.appendingPathComponent("vault", isDirectory: true))
        try checkDatabase(in: staging, fingerprint: manifest.keyFingerprint)
        try swap(staging, into: directory)
        return manifest
    }

    private static func readManifest(in source: URL) throws -> BackupManifest {
        let file = source.appendingPathComponent(BackupManifest.fileName)
        guard FileManager.default.fileExists(atPath: file.path) else { throw BackupError.manifestMissing(source.path) }
        let manifest: BackupManifest
        do {
            manifest = try BackupManifest.decoder.decode(BackupManifest.self, from: Data(contentsOf: file))
        } catch {
            throw BackupError.manifestUnreadable(file.path, reason: "\(error)")
        }
        guard manifest.formatVersion == BackupManifest.currentFormatVersion else {
            throw BackupError.unsupportedFormat(version: manifest.formatVersion)
        }
        guard manifest.files.contains(where: { $0.path == ClinicStore.databaseFileName }) else {
            throw BackupError.fileMismatch(ClinicStore.databaseFileName)
        }
        return manifest
    }

    /// Only the database and `vault/<shard>/<id>.blob` files: a manifest cannot make restore write
    /// anywhere else.
    private static func isSafe(_ path: String) -> Bool {
        if path == ClinicStore.databaseFileName { return true }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "vault", parts[2].hasSuffix(".blob"),
              let id = BlobID(rawValue: String(parts[2].dropLast(5))) else { return false }
        return parts[1] == id.rawValue.prefix(2)
    }

    /// Copies first and checks the copies, so what is installed is exactly what was checked.
    private static func copyAndVerify(_ manifest: BackupManifest, from source: URL, into staging: URL) throws {
        for file in manifest.files {
            guard isSafe(file.path) else { throw BackupError.unsafePath(file.path) }
            let from = source.appendingPathComponent(file.path)
            let to = staging.appendingPathComponent(file.path)
            guard FileManager.default.fileExists(atPath: from.path) else { throw BackupError.fileMismatch(file.path) }
            try makeFolder(to.deletingLastPathComponent())
            do {
                try FileManager.default.copyItem(at: from, to: to)
            } catch {
                throw BackupError.io(from.path, reason: error.localizedDescription)
            }
            let digest = try FileDigest.of(to)
            guard digest.size == file.size, digest.sha256 == file.sha256 else {
                throw BackupError.fileMismatch(file.path)
            }
        }
    }

    private static func checkDatabase(in staging: URL, fingerprint: String) throws {
        let file = staging.appendingPathComponent(ClinicStore.databaseFileName)
        let vault = Vault(url: staging.appendingPathComponent("vault", isDirectory: true),
                          wrappingKey: .init(size: .bits256))
        let referenced: [String]
        do {
            let database = try DatabaseQueue(path: file.path)
            defer { try? database.close() }
            referenced = try database.read { db in
                let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard problems == ["ok"] else {
                    throw BackupError.integrityCheckFailed(problems.prefix(3).joined(separator: "; "))
                }
                let stored = try String.fetchOne(db, sql: "SELECT value FROM setting WHERE key = 'master_key_fingerprint'")
                guard stored == fingerprint else { throw BackupError.wrongKey }
                return try String.fetchAll(db, sql: """
                    SELECT blob_id FROM scan UNION SELECT blob_id FROM quarantine
                    UNION SELECT heatmap_blob_id FROM prediction WHERE heatmap_blob_id IS NOT NULL
                    UNION SELECT blob_id FROM report_version
                    """)
            }
        } catch let error as DatabaseError {
            throw BackupError.integrityCheckFailed(error.message ?? "\(error.resultCode)")
        }
        for raw in referenced {
            // Only the file's presence is checked here: its bytes were checked against the manifest.
            guard let id = BlobID(rawValue: raw), vault.contains(id) else { throw BackupError.missingBlob(raw) }
        }
    }

    /// Moves the current data aside, then the restored data in; if a move fails, puts back what
    /// was moved aside.
    private static func swap(_ staging: URL, into directory: DataDirectory) throws {
        let database = ClinicStore.databaseFileName
        let current = [database, database + "-wal", database + "-shm", "vault"]
            .filter { FileManager.default.fileExists(atPath: directory.url.appendingPathComponent($0).path) }
        var movedAside: [String] = []
        var aside: URL?
        do {
            if !current.isEmpty {
                let folder = try replacedFolder(in: directory)
                aside = folder
                for name in current {
                    try move(directory.url.appendingPathComponent(name), to: folder.appendingPathComponent(name))
                    movedAside.append(name)
                }
            }
            for name in [database, "vault"] {
                try move(staging.appendingPathComponent(name), to: directory.url.appendingPathComponent(name))
            }
        } catch {
            if let aside {
                for name in movedAside {
                    let target = directory.url.appendingPathComponent(name)
                    if FileManager.default.fileExists(atPath: target.path) {
                        try? move(target, to: staging.appendingPathComponent(name))
                    }
                    try? move(aside.appendingPathComponent(name), to: target)
                }
            }
            throw error
        }
    }

    private static func replacedFolder(in directory: DataDirectory) throws -> URL {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        let stamp = formatter.string(from: Date())
        var folder = directory.url.appendingPathComponent("replaced-\(stamp)", isDirectory: true)
        var attempt = 1
        while FileManager.default.fileExists(atPath: folder.path) {
            attempt += 1
            folder = directory.url.appendingPathComponent("replaced-\(stamp)-\(attempt)", isDirectory: true)
        }
        try makeFolder(folder)
        return folder
    }
}
