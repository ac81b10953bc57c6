import Crypto
import Foundation

/// A master key stretched from a passphrase with Argon2id, for installations that would rather
/// type a secret at start-up than keep a key file. The salt and cost are kept in `master.kdf`
/// beside the database; they are not secret, and without the passphrase they open nothing.
public struct PassphraseKey: Sendable, Equatable {
    /// The file name of the stored parameters inside the data directory.
    public static let fileName = "master.kdf"

    let cost: Argon2id
    let salt: [UInt8]
    let file: String

    /// Creates new parameters (a random 16-byte salt) for `directory` and writes them, owner-only.
    /// Refuses to replace existing ones: that would orphan the data keyed by them.
    public static func create(in directory: DataDirectory, cost: Argon2id = .keyDerivation) throws -> PassphraseKey {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let file = directory.url.appendingPathComponent(fileName).path
        let text = "{\"algorithm\":\"argon2id\",\"memory_kib\":\(cost.memoryKiB),\"iterations\":\(cost.iterations),"
            + "\"parallelism\":\(cost.parallelism),\"salt\":\"\(Data(salt).base64EncodedString())\"}\n"
        try SecretFile.create(at: file, contents: text)
        return PassphraseKey(cost: cost, salt: salt, file: file)
    }

    /// The parameters stored in `directory`, or `nil` when it is not keyed by a passphrase.
    public static func stored(in directory: DataDirectory) throws -> PassphraseKey? {
        let url = directory.url.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        struct Stored: Decodable {
            let algorithm: String
            let memory_kib: UInt32
            let iterations: UInt32
            let parallelism: UInt32
            let salt: String
        }
        guard let data = try? Data(contentsOf: url),
              let stored = try? JSONDecoder().decode(Stored.self, from: data), stored.algorithm == "argon2id",
              let salt = Data(base64Encoded: stored.salt), salt.count >= 16 else {
            throw MasterKeyError.malformed(url.path)
        }
        return PassphraseKey(cost: Argon2id(memoryKiB: stored.memory_kib, iterations: stored.iterations,
                                            parallelism: stored.parallelism),
                             salt: Array(salt), file: url.path)
    }

    /// The master key for `passphrase`. A wrong passphrase gives a wrong key, which opening the
    /// store reports as ``MasterKeyError/wrongKey(_:)``.
    public func derive(passphrase: String) throws -> MasterKey {
        let bytes = try cost.deriveKey(passphrase: passphrase, salt: salt, length: 32)
        return MasterKey(key: SymmetricKey(data: bytes), source: .passphrase(file))
    }
}
