import CArgon2

/// Argon2id costs, and the password hashing and key derivation done with them (libargon2, version 0x13).
///
/// Passwords are stored as PHC strings (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) that carry their own
/// costs, so raising the costs later does not lock anyone out: ``parameters(ofEncoded:)`` tells a caller
/// that a stored hash is older than ``passwordHashing``, and the caller rehashes it at the next login.
///
/// ```swift
/// let stored = try Argon2id.passwordHashing.hashPassword("correct horse battery staple")
/// let ok = try Argon2id.verifyPassword("correct horse battery staple", encoded: stored)  // true
/// ```
public struct Argon2id: Sendable, Equatable {
    /// Memory cost in KiB; the main defence against GPU guessing.
    public var memoryKiB: UInt32
    /// Passes over the memory.
    public var iterations: UInt32
    /// Lanes computed in parallel.
    public var parallelism: UInt32

    /// Costs for login passwords: m = 64 MiB, t = 3, p = 1, RFC 9106's second recommendation (its
    /// memory and passes, single lane) and above OWASP's minimums (m = 46 MiB, t = 1 or m = 19 MiB, t = 2).
    /// `bench/argon2_cost.sh` on the 2-core Debian build machine: 170–240 ms a hash (mean 210 ms over 10),
    /// against 60–80 ms for OWASP's m = 46 MiB, t = 1, which would leave guessing cheaper than we can afford.
    public static let passwordHashing = Argon2id(memoryKiB: 65_536, iterations: 3, parallelism: 1)

    /// Costs for deriving the master key from its passphrase: m = 256 MiB, t = 3, p = 1, 0.8–1.0 s on the
    /// same machine. It runs once when the vault is unlocked, so it can cost four logins; 1 GiB would
    /// take memory the imaging models need.
    public static let keyDerivation = Argon2id(memoryKiB: 262_144, iterations: 3, parallelism: 1)

    /// Bytes of random salt in a password hash; RFC 9106 recommends 16.
    static let saltLength = 16
    /// Bytes of hash in a password hash.
    static let hashLength = 32

    /// Creates explicit costs; libargon2 rejects out-of-range ones when they are used.
    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    /// Hashes a password with a fresh 16-byte random salt into a PHC string for storage.
    ///
    /// - Throws: ``Argon2Error/hashingFailed(code:)`` when libargon2 refuses the costs or the memory.
    public func hashPassword(_ password: String) throws -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<Self.saltLength).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let password = Array(password.utf8)
        let capacity = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count),
                                         UInt32(Self.hashLength), Argon2_id)
        var encoded = [CChar](repeating: 0, count: capacity)
        let code = argon2id_hash_encoded(iterations, memoryKiB, parallelism, password, password.count,
                                         salt, salt.count, Self.hashLength, &encoded, encoded.count)
        guard code == ARGON2_OK.rawValue else { throw Argon2Error.hashingFailed(code: code) }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Checks a password against a stored PHC string, in constant time, at the costs the string names.
    ///
    /// - Returns: `false` when the password is wrong.
    /// - Throws: ``Argon2Error/malformedEncoding(code:)`` when `encoded` is not an argon2id PHC string,
    ///   which means the stored record is damaged rather than the password wrong.
    public static func verifyPassword(_ password: String, encoded: String) throws -> Bool {
        let password = Array(password.utf8)
        let code = argon2id_verify(encoded, password, password.count)
        switch code {
        case ARGON2_OK.rawValue: return true
        case ARGON2_VERIFY_MISMATCH.rawValue: return false
        default: throw Argon2Error.malformedEncoding(code: code)
        }
    }

    /// The costs a stored PHC string was made with, or `nil` when it is not an argon2id version 19 string.
    ///
    /// A caller compares the result with ``passwordHashing`` after a successful login and rehashes when
    /// they differ (treating `nil` the same way), so stored hashes follow the costs as they rise.
    public static func parameters(ofEncoded encoded: String) -> Argon2id? {
        // "", "argon2id", "v=19", "m=…,t=…,p=…", salt, hash
        let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id", fields[2] == "v=19",
              !fields[4].isEmpty, !fields[5].isEmpty else { return nil }
        let costs = fields[3].split(separator: ",", omittingEmptySubsequences: false)
        guard costs.count == 3,
              let memory = cost(costs[0], named: "m"),
              let iterations = cost(costs[1], named: "t"),
              let parallelism = cost(costs[2], named: "p") else { return nil }
        return Argon2id(memoryKiB: memory, iterations: iterations, parallelism: parallelism)
    }

    /// Derives raw key bytes from a passphrase and a stored salt (at least 8 bytes; 16 recommended).
    ///
    /// - Throws: ``Argon2Error/hashingFailed(code:)`` when the salt or length is out of libargon2's
    ///   range, or the memory cannot be had.
    public func deriveKey(passphrase: String, salt: [UInt8], length: Int = 32) throws -> [UInt8] {
        let passphrase = Array(passphrase.utf8)
        var key = [UInt8](repeating: 0, count: length)
        let code = argon2id_hash_raw(iterations, memoryKiB, parallelism, passphrase, passphrase.count,
                                     salt, salt.count, &key, key.count)
        guard code == ARGON2_OK.rawValue else { throw Argon2Error.hashingFailed(code: code) }
        return key
    }

    private static func cost(_ field: Substring, named name: String) -> UInt32? {
        guard field.hasPrefix(name + "=") else { return nil }
        let digits = field.dropFirst(name.count + 1)
        // PHC forbids leading zeros and signs, which UInt32(_:) would accept.
        guard digits.first != "0", digits.allSatisfy(\.isASCII) else { return nil }
        return UInt32(digits)
    }
}

/// Why libargon2 refused to hash or verify.
public enum Argon2Error: Error, Equatable, CustomStringConvertible {
    /// The stored password hash is not a readable argon2id PHC string; `code` is libargon2's.
    case malformedEncoding(code: Int32)
    /// Hashing failed: costs, salt or output length out of range, or the memory could not be allocated.
    case hashingFailed(code: Int32)

    public var description: String {
        switch self {
        case .malformedEncoding(let code):
            return "the stored argon2id password hash is malformed: \(Self.message(code))"
        case .hashingFailed(let code):
            return "argon2id hashing failed: \(Self.message(code))"
        }
    }

    private static func message(_ code: Int32) -> String {
        String(cString: argon2_error_message(code))
    }
}
