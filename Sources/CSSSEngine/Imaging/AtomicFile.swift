#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Writes a whole file or nothing: the bytes go to a new temporary file beside the target, are flushed to
/// disk, and the temporary file is then renamed over the target.
///
/// A reader never sees a half-written file, a crash leaves at worst a hidden `.<name>.<random>.tmp`
/// file and never a truncated target, and a failure removes the temporary file. The temporary file is
/// created with `O_EXCL`, so a file or link already at that name is never followed or overwritten.
enum AtomicFile {
    /// Why the write failed: the system call and its `strerror` message.
    struct Failure: Error, Sendable {
        let reason: String
    }

    /// Replaces the file at `url` with `data`, or leaves everything as it was.
    static func write(_ data: Data, to url: URL) throws(Failure) {
        let folder = url.deletingLastPathComponent().path
        let temporary = temporaryPath(for: url)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw failure("cannot create a temporary file in \(folder)") }
        do throws(Failure) {
            try writeAll(data, to: descriptor)
            guard fsync(descriptor) == 0 else { throw failure("cannot flush the file to disk") }
        } catch {
            close(descriptor)
            unlink(temporary)
            throw error
        }
        // close() can report a deferred write error (NFS), so it is checked like a write.
        guard close(descriptor) == 0 else {
            let error = failure("cannot close the file")
            unlink(temporary)
            throw error
        }
        guard rename(temporary, url.path) == 0 else {
            let error = failure("cannot rename the temporary file into place")
            unlink(temporary)
            throw error
        }
        syncFolder(folder)
    }

    /// A fresh hidden name beside `url` for its temporary file: `.<name>.<random>.tmp`.
    static func temporaryPath(for url: URL) -> String {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(String(UInt64.random(in: 0...UInt64.max), radix: 36)).tmp").path
    }

    /// Puts a complete temporary file, written by someone else at ``temporaryPath(for:)``, in place of
    /// `url`: flushes it to disk and renames it. On failure the temporary file is removed.
    static func commit(_ temporary: String, to url: URL) throws(Failure) {
        let descriptor = open(temporary, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0, fsync(descriptor) == 0 else {
            let error = failure("cannot flush the file to disk")
            if descriptor >= 0 { close(descriptor) }
            unlink(temporary)
            throw error
        }
        close(descriptor)
        guard rename(temporary, url.path) == 0 else {
            let error = failure("cannot rename the temporary file into place")
            unlink(temporary)
            throw error
        }
        syncFolder(url.deletingLastPathComponent().path)
    }

    private static func writeAll(_ data: Data, to descriptor: Int32) throws(Failure) {
        let result: Result<Void, Failure> = data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = writeSome(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return .failure(failure("cannot write"))
                }
                offset += written
            }
            return .success(())
        }
        try result.get()
    }

    /// Makes the rename itself durable. Best effort: the file is complete whether or not this succeeds,
    /// and some file systems refuse `fsync` on a folder.
    private static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }

    private static func failure(_ what: String) -> Failure {
        Failure(reason: "\(what): \(String(cString: strerror(errno)))")
    }
}

/// `write(2)`, reached from outside ``AtomicFile``, whose own `write(_:to:)` hides it.
private func writeSome(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
