import Crypto
import Foundation

/// The one secret every other key of a data directory is derived from (see ``KeyRing``).
///
/// It comes, in this order, from `CSSS_MASTER_KEY` (32 bytes as base64 or 64 hex digits), from the
/// key file `master.key` that `csss init` writes beside the database with mode 0600, or from a
/// passphrase stretched with Argon2id (see ``PassphraseKey``). The key never enters the database:
/// someone holding only the database file or the vault holds only ciphertext.
public struct MasterKey: Sendable {
    /// Where a master key came from, for messages and `csss init`'s report.
    public enum Source: Sendable, Equatable {
        case environment
        case keyFile(String)
        case passphrase(String)
    }

    /// The name of the key file inside the data directory.
    public static let keyFileName = "master.key"

    let key: SymmetricKey
    /// Where this key came from.
    public let source: Source

    init(key: SymmetricKey, source: Source) {
        self.key = key
        self.source = source
    }

    /// Loads the master key for `directory`: `CSSS_MASTER_KEY`, else the key file, else the
    /// passphrase in `CSSS_MASTER_PASSPHRASE` with the directory's stored Argon2id salt.
    ///
    /// - Throws: ``MasterKeyError`` naming what is missing or wrong.
    public static func load(for directory: DataDirectory,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        if let text = environment["CSSS_MASTER_KEY"], !text.isEmpty {
            return MasterKey(key: try decode(text, origin: "CSSS_MASTER_KEY"), source: .environment)
        }
        let keyFile = directory.url.appendingPathComponent(keyFileName)
        if FileManager.default.fileExists(atPath: keyFile.path) {
            return try readKeyFile(keyFile)
        }
        if let passphraseKey = try PassphraseKey.stored(in: directory) {
            guard let passphrase = environment["CSSS_MASTER_PASSPHRASE"], !passphrase.isEmpty else {
                throw MasterKeyError.passphraseRequired(directory.url.path)
            }
            return try passphraseKey.derive(passphrase: passphrase)
        }
        throw MasterKeyError.missing(directory.url.path)
    }

    /// Creates a random master key and writes it to the directory's key file, readable by its
    /// owner only. Refuses to replace an existing key file: that would orphan every encrypted blob.
    public static func createKeyFile(in directory: DataDirectory) throws -> MasterKey {
        let keyFile = directory.url.appendingPathComponent(keyFileName)
        let key = SymmetricKey(size: .bits256)
        let text = key.withUnsafeBytes { Data($0).base64EncodedString() } + "\n"
        try SecretFile.create(at: keyFile.path, contents: text)
        return MasterKey(key: key, source: .keyFile(keyFile.path))
    }

    static func readKeyFile(_ url: URL) throws -> MasterKey {
        var status = stat()
        guard stat(url.path, &status) == 0 else {
            throw MasterKeyError.unreadableKeyFile(url.path, reason: String(cString: strerror(errno)))
        }
        // A key file others can read is a leaked key: refuse it rather than quietly use it.
        guard status.st_mode & 0o077 == 0 else {
            throw MasterKeyError.keyFileTooOpen(url.path, mode: String(status.st_mode & 0o777, radix: 8))
        }
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch {
            throw MasterKeyError.unreadableKeyFile(url.path, reason: error.localizedDescription)
        }
        return MasterKey(key: try decode(text, origin: url.path), source: .keyFile(url.path))
    }

    /// Reads 32 bytes written as base64 or as 64 hexadecimal digits.
    static func decode(_ text: String, origin: String) throws -> SymmetricKey {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 64, let bytes = hexBytes(trimmed) { return SymmetricKey(data: bytes) }
        if let data = Data(base64Encoded: trimmed), data.count == 32 { return SymmetricKey(data: data) }
        throw MasterKeyError.malformed(origin)
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        var iterator = text.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            guard let h = hexValue(high), let l = hexValue(low) else { return nil }
            bytes.append(h << 4 | l)
        }
        return bytes.count == 32 ? bytes : nil
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why no usable master key was found.
public enum MasterKeyError: Error, Equatable, CustomStringConvertible {
    /// Neither `CSSS_MASTER_KEY`, a key file nor a passphrase setup exists for the directory.
    case missing(String)
    /// The directory's key is derived from a passphrase, and `CSSS_MASTER_PASSPHRASE` is not set.
    case passphraseRequired(String)
    /// The key text (named by its origin) is not 32 bytes of base64 or hex.
    case malformed(String)
    /// The key file can be read by others than its owner.
    case keyFileTooOpen(String, mode: String)
    /// The key file could not be read or written.
    case unreadableKeyFile(String, reason: String)
    /// `csss init` found a key file already there.
    case keyFileExists(String)
    /// The key opens nothing in this data directory: it is not the key the data was written with.
    case wrongKey(String)

    public var description: String {
        switch self {
        case .missing(let path):
            "no master key for \(path): run 'csss init', or set CSSS_MASTER_KEY"
        case .passphraseRequired(let path):
            "the data in \(path) is keyed by a passphrase: set CSSS_MASTER_PASSPHRASE"
        case .malformed(let origin):
            "\(origin) is not a master key: expected 32 bytes as base64 or 64 hex digits"
        case .keyFileTooOpen(let path, let mode):
            "key file \(path) has mode \(mode): others can read it; run 'chmod 600 \(path)' if it was not leaked"
        case .unreadableKeyFile(let path, let reason):
            "cannot use key file \(path): \(reason)"
        case .keyFileExists(let path):
            "key file \(path) already exists; refusing to replace the key the data is encrypted with"
        case .wrongKey(let path):
            "the master key does not match the data in \(path)"
        }
    }
}
