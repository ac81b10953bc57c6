import Foundation
import GRDB

/// Copies a data directory's database and vault into a self-checking backup folder, and puts such a
/// folder back in place of a data directory's data.
///
/// A backup folder holds `csss.sqlite` (a consistent snapshot taken with SQLite's online backup, so
/// terminals may keep writing meanwhile), `vault/` (the encrypted blob files) and `manifest.json`
/// (see ``BackupManifest``), written last. It does **not** hold the master key or `master.key`: a
/// backup is useless without the key, which must be kept somewhere else.
///
/// ```swift
/// let manifest = try StoreBackup.create(from: store, to: URL(fileURLWithPath: "/backups/2024-05-01"))
/// try StoreBackup.restore(from: backupURL, into: DataDirectory(), masterKey: key)
/// ```
public struct StoreBackup {
    /// Backs up `store` into `destination`, which must not exist or be an empty folder.
    ///
    /// The files are written into a hidden folder beside `destination` and renamed into place at the
    /// end, so `destination` holds either nothing or a whole backup.
    ///
    /// - Throws: ``BackupError`` naming the file or folder that could not be used, ``StoreError`` when
    ///   SQLite fails.
    @discardableResult
    public static func create(from store: ClinicStore, to destination: URL) throws -> BackupManifest {
        let destination = destination.standardizedFileURL
        try checkDestination(destination)
        let parent = destination.deletingLastPathComponent()
        let staging = parent.appendingPathComponent(".\(destination.lastPathComponent).partial-\(UUID().uuidString)",
                                                    isDirectory: true)
        try makeFolder(staging)
        do {
            let manifest = try write(store, into: staging)
            try move(staging, to: destination)
            return manifest
        } catch {
            try? FileManager.default.removeItem(at: staging)
            throw error
        }
    }

    private static func write(_ store: ClinicStore, into staging: URL) throws -> BackupManifest {
        let databaseFile = staging.appendingPathComponent(ClinicStore.databaseFileName)
        do {
            // One read transaction of the pool: a snapshot that writers in other connections or
            // processes neither block nor change.
            let copy = try DatabaseQueue(path: databaseFile.path)
            try store.database.backup(to: copy)
            try copy.close()
        } catch let error as DatabaseError {
            throw StoreError(error, path: databaseFile.path)
        }
        var files = [try entry(ClinicStore.databaseFileName, in: staging)]

        // Blobs are write-once and written before the rows that name them commit, so every blob the
        // snapshot refers to is on disk by now; newer blobs copied too are harmless.
        let vaultFolder = staging.appendingPathComponent("vault", isDirectory: true)
        for id in try store.vault.allBlobIDs() {
            let source = store.vault.location(of: id)
            let shard = String(id.rawValue.prefix(2))
            let relative = "vault/\(shard)/\(id.rawValue).blob"
            try makeFolder(vaultFolder.appendingPathComponent(shard, isDirectory: true))
            do {
                try FileManager.default.copyItem(at: source, to: staging.appendingPathComponent(relative))
            } catch {
                throw BackupError.io(source.path, reason: error.localizedDescription)
            }
            files.append(try entry(relative, in: staging))
        }

        let createdAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
        let manifest = BackupManifest(formatVersion: BackupManifest.currentFormatVersion, createdAt: createdAt,
                                      keyFingerprint: store.keys.fingerprint, files: files)
        let manifestFile = staging.appendingPathComponent(BackupManifest.fileName)
        do {
            try BackupManifest.encoder.encode(manifest).write(to: manifestFile, options: .atomic)
        } catch {
            throw BackupError.io(manifestFile.path, reason: error.localizedDescription)
        }
        return manifest
    }

    private static func entry(_ relative: String, in folder: URL) throws -> BackupManifest.File {
        let digest = try FileDigest.of(folder.appendingPathComponent(relative))
        return BackupManifest.File(path: relative, size: digest.size, sha256: digest.sha256)
    }

    private static func checkDestination(_ destination: URL) throws {
        let fileManager = FileManager.default
        var isDirectory: ObjCBool = false
        guard fileManager.fileExists(atPath: destination.path, isDirectory: &isDirectory) else { return }
        let contents = (try? fileManager.contentsOfDirectory(atPath: destination.path)) ?? ["?"]
        guard isDirectory.boolValue, contents.isEmpty else { throw BackupError.destinationNotEmpty(destination.path) }
    }

    static func makeFolder(_ url: URL) throws {
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw BackupError.io(url.path, reason: error.localizedDescription)
        }
    }

    /// `rename(2)`: atomic on one file system, and it replaces an empty folder.
    static func move(_ source: URL, to destination: URL) throws {
        guard rename(source.path, destination.path) == 0 else {
            throw BackupError.io(destination.path, reason: String(cString: strerror(errno)))
        }
    }
}
