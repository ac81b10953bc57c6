import Crypto
import Foundation

/// The working keys of a data directory, each derived from the ``MasterKey`` with HKDF-SHA-256 and
/// its own label, so that one key's use never weakens another's.
public struct KeyRing: Sendable {
    /// Wraps the per-blob data keys of the ``Vault``.
    public let vaultWrapping: SymmetricKey
    /// Encrypts protected fields of database rows (``FieldCipher``).
    public let fieldEncryption: SymmetricKey
    /// Keys the HMAC blind indexes of protected fields (``BlindIndex``).
    public let blindIndex: SymmetricKey
    /// Keys the HMAC chain of the audit trail, so that an event cannot be forged without the key.
    public let auditChain: SymmetricKey
    /// Signs session tokens when `JWT_SECRET_KEY` is not set.
    public let sessionSigning: SymmetricKey
    /// Signs the checkpoints that audit retention leaves behind.
    public let auditCheckpointSigning: Curve25519.Signing.PrivateKey
    /// The hospital's seal on its reports.
    public let reportSealing: Curve25519.Signing.PrivateKey
    /// The owner password of report PDFs when `PDF_ENCRYPTION_KEY` is not set.
    public let reportOwnerPassword: String
    /// A value that identifies the master key without revealing it, kept in the database to tell
    /// a wrong key from damaged data.
    public let fingerprint: String

    /// Derives every working key from `master`.
    public init(master: MasterKey) {
        func derive(_ label: String) -> SymmetricKey {
            HKDF<SHA256>.deriveKey(inputKeyMaterial: master.key, salt: Data("csss".utf8),
                                   info: Data(label.utf8), outputByteCount: 32)
        }
        vaultWrapping = derive("vault key wrapping v1")
        fieldEncryption = derive("field encryption v1")
        blindIndex = derive("blind index v1")
        auditChain = derive("audit chain v1")
        sessionSigning = derive("session signing v1")
        // 32 bytes is always a valid Ed25519 seed.
        func signingKey(_ label: String) -> Curve25519.Signing.PrivateKey {
            try! Curve25519.Signing.PrivateKey(rawRepresentation: derive(label).withUnsafeBytes { Data($0) })
        }
        auditCheckpointSigning = signingKey("audit checkpoint signing v1")
        reportSealing = signingKey("report sealing v1")
        reportOwnerPassword = derive("report owner password v1").withUnsafeBytes { Data($0) }.base64EncodedString()
        fingerprint = derive("fingerprint v1").withUnsafeBytes { Data($0) }.map { String(format: "%02x", $0) }.joined()
    }
}
