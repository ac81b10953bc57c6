import CSSSStore
import Foundation

/// Hashes and checks account passwords with Argon2id, and answers in the same time whether or
/// not the account exists, so that timing does not tell a stranger which user names are real.
struct PasswordHashing: Sendable {
    let cost: Argon2id

    init(cost: Argon2id) {
        self.cost = cost
    }

    /// Passwords are hashed in Unicode NFC, so that "é" typed as one character or as "e" plus an
    /// accent is the same password.
    func hash(_ password: String) throws -> String {
        try cost.hashPassword(PasswordPolicy.normalised(password))
    }

    func verify(_ password: String, against encoded: String?) -> Bool {
        guard let encoded else {
            // One Argon2id computation at the same cost, as a verification would take.
            _ = try? cost.hashPassword(password)
            return false
        }
        return (try? Argon2id.verifyPassword(PasswordPolicy.normalised(password), encoded: encoded)) ?? false
    }

    /// Whether `encoded` was made at another cost than today's, so the login should rehash it.
    func needsRehash(_ encoded: String) -> Bool {
        Argon2id.parameters(ofEncoded: encoded) != cost
    }

    /// A random one-time password: 16 characters from an alphabet without look-alikes (about 90
    /// bits), for new accounts and resets; it must be changed at first login.
    static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
