import Crypto
import Foundation

/// The size and SHA-256 of a file, read in chunks so that a large scan is never held whole in memory.
enum FileDigest {
    static func of(_ url: URL) throws -> (size: Int64, sha256: String) {
        let handle: FileHandle
        do { handle = try FileHandle(forReadingFrom: url) } catch {
            throw BackupError.io(url.path, reason: error.localizedDescription)
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
                size += Int64(chunk.count)
            }
        } catch {
            throw BackupError.io(url.path, reason: error.localizedDescription)
        }
        return (size, hasher.finalize().map { String(format: "%02x", $0) }.joined())
    }
}
