import Foundation

/// Writes a small file that holds key material: created only if absent (never replacing a key the
/// data depends on), readable by its owner only, and flushed before it counts as written.
enum SecretFile {
    static func create(at path: String, contents: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw MasterKeyError.keyFileExists(path) }
            throw MasterKeyError.unreadableKeyFile(path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        let bytes = Array(contents.utf8)
        guard write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw MasterKeyError.unreadableKeyFile(path, reason: reason)
        }
    }
}
