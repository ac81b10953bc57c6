import Crypto

/// One-use codes that let a person in when their authenticator is lost, printed once and stored only
/// as digests.
///
/// A code looks like `k7qp-m3xw-9tce`: 12 symbols from 31 that cannot be misread for one another
/// (no `0`/`o`, `1`/`l`/`i`), about 59 bits of entropy.
public enum RecoveryCode {
    private static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz")
    private static let groups = 3
    private static let groupLength = 4

    /// `count` fresh codes from the system's secure random source.
    public static func generate(count: Int = 10) -> [String] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            (0..<groups).map { _ in
                String((0..<groupLength).map { _ in alphabet.randomElement(using: &generator)! })
            }.joined(separator: "-")
        }
    }

    /// The SHA-256 hex digest of a code as typed, after lowercasing and dropping spaces and dashes.
    ///
    /// An unsalted fast hash is enough here, unlike for passwords: a code is 59 random bits, so there is
    /// no dictionary to try and guessing it from a stolen digest costs 2^58 hashes on average.
    public static func digest(_ code: String) -> String {
        let normalised = code.lowercased().filter { $0 != " " && $0 != "-" }
        return SHA256.hash(data: Array(normalised.utf8))
            .map { String($0 >> 4, radix: 16) + String($0 & 0x0F, radix: 16) }.joined()
    }
}
