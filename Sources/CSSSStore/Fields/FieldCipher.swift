import Crypto
import Foundation

/// Encrypts one protected field of a database row (a patient's name, MRN, phone, …) with
/// AES-256-GCM.
///
/// The field's name is authenticated with it, so a ciphertext copied into another column or
/// table does not open. The stored form is one version byte, the 12-byte nonce, the ciphertext
/// and the 16-byte tag.
public struct FieldCipher: Sendable {
    private static let version: UInt8 = 1
    private let key: SymmetricKey

    /// A cipher for fields under `key` (``KeyRing/fieldEncryption``).
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// Encrypts `text` as the value of `field` (for example `"patient.name"`).
    public func seal(_ text: String, field: String) -> Data {
        seal(Data(text.utf8), field: field)
    }

    /// Encrypts `bytes` as the value of `field`.
    public func seal(_ bytes: Data, field: String) -> Data {
        // AES-GCM sealing only fails for a malformed key or nonce, which cannot happen here.
        let box = try! AES.GCM.seal(bytes, using: key, authenticating: Data(field.utf8))
        return Data([Self.version]) + box.combined!
    }

    /// Decrypts a value of `field` written by ``seal(_:field:)-(String,_)``.
    ///
    /// - Throws: ``FieldCipherError`` when the value was altered, belongs to another field, or
    ///   was written under another key.
    public func open(_ sealed: Data, field: String) throws -> Data {
        guard sealed.first == Self.version, sealed.count >= 1 + 12 + 16 else {
            throw FieldCipherError.malformed(field: field)
        }
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst())
            return try AES.GCM.open(box, using: key, authenticating: Data(field.utf8))
        } catch {
            throw FieldCipherError.authenticationFailed(field: field)
        }
    }

    /// Decrypts a text value of `field`.
    public func openText(_ sealed: Data, field: String) throws -> String {
        let bytes = try open(sealed, field: field)
        guard let text = String(data: bytes, encoding: .utf8) else { throw FieldCipherError.malformed(field: field) }
        return text
    }
}

/// Why a protected field could not be decrypted.
public enum FieldCipherError: Error, Equatable, CustomStringConvertible {
    /// The stored value is not in the cipher's format.
    case malformed(field: String)
    /// The value was altered, moved from another field, or written under another key.
    case authenticationFailed(field: String)

    public var description: String {
        switch self {
        case .malformed(let field): "encrypted field \(field) is malformed"
        case .authenticationFailed(let field): "encrypted field \(field) does not authenticate: altered, moved or under another key"
        }
    }
}

/// A keyed hash of a protected field's normalised value, so that exact lookups (MRN, email,
/// phone) find a row without decrypting every one, while someone holding only the database can
/// neither read the value nor test guesses against it without the key.
public struct BlindIndex: Sendable {
    private let key: SymmetricKey

    /// An index under `key` (``KeyRing/blindIndex``).
    public init(key: SymmetricKey) {
        self.key = key
    }

    /// The index of `value` in `field`; the caller normalises `value` first (case, spacing),
    /// since only identical bytes give identical indexes.
    public func index(_ value: String, field: String) -> Data {
        var message = Data(field.utf8)
        message.append(0)
        message.append(Data(value.utf8))
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }
}
