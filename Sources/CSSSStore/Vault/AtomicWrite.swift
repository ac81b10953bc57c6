import Foundation

/// Writes a file so that readers, and a crash, see either nothing or the whole file: the bytes go
/// to a staging file on the same file system, are flushed with `fsync`, and are renamed into place;
/// the folder is flushed too, so that the rename itself survives a power cut.
enum AtomicWrite {
    static func write(_ contents: Data, to destination: URL, staging: URL) throws {
        let folder = destination.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw VaultError.unwritable(folder.path, reason: error.localizedDescription)
        }
        let staged = staging.appendingPathComponent(UUID().uuidString + ".part")
        let descriptor = open(staged.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw failure(staged) }
        var written = 0
        let ok = contents.withUnsafeBytes { buffer -> Bool in
            while written < buffer.count {
                let count = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if count < 0 { if errno == EINTR { continue }; return false }
                written += count
            }
            return fsync(descriptor) == 0
        }
        let error = failure(staged)
        close(descriptor)
        guard ok else { unlink(staged.path); throw error }
        guard rename(staged.path, destination.path) == 0 else {
            let error = failure(destination)
            unlink(staged.path)
            throw error
        }
        syncFolder(folder)
    }

    private static func syncFolder(_ folder: URL) {
        let descriptor = open(folder.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ url: URL) -> VaultError {
        .unwritable(url.path, reason: String(cString: strerror(errno)))
    }
}
