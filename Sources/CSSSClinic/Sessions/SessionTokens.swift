import Crypto
import Foundation
import JWTKit

/// Signs and checks the tokens that name sessions: JWT, HS256, with the session's id (`jti`), the
/// user (`sub`), and an expiry (`exp`) at the session's absolute lifetime.
///
/// A valid signature is necessary, not sufficient: the session's row decides whether it was
/// logged out, revoked or left idle (see ``SessionStore``).
public struct SessionTokens: Sendable {
    private let keys: JWTKeyCollection

    /// Tokens signed with `secret`, which must be at least 32 bytes (HS256's key length; jwt-kit
    /// asserts on shorter keys).
    public init(secret: SymmetricKey) async {
        keys = await JWTKeyCollection().add(hmac: HMACKey(key: secret), digestAlgorithm: .sha256)
    }

    /// The signing secret for an installation: `JWT_SECRET_KEY` when set (32 bytes or more), else
    /// the key derived from the master key.
    public static func secret(environment: ClinicEnvironment, derived: SymmetricKey) throws -> SymmetricKey {
        guard let text = environment["JWT_SECRET_KEY"] else { return derived }
        guard text.utf8.count >= 32 else {
            throw ConfigurationError.invalidValue(key: "JWT_SECRET_KEY", value: "(\(text.utf8.count) bytes)",
                                                  expected: "at least 32 bytes")
        }
        return SymmetricKey(data: Data(text.utf8))
    }

    /// A signed token for a session.
    func issue(_ claims: SessionClaims) async throws -> String {
        try await keys.sign(claims)
    }

    /// The claims of `token`, if its signature holds and it has not expired.
    func verify(_ token: String) async throws -> SessionClaims {
        do {
            return try await keys.verify(token, as: SessionClaims.self)
        } catch {
            throw SessionError.invalidToken
        }
    }
}

/// What a session token says.
struct SessionClaims: JWTPayload, Equatable {
    var jti: IDClaim
    var sub: SubjectClaim
    var exp: ExpirationClaim
    var iat: IssuedAtClaim
    var role: String
    var kind: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Why a session can no longer be used.
public enum SessionError: Error, Equatable, CustomStringConvertible {
    /// The token's signature does not hold, or it expired.
    case invalidToken
    /// The session was logged out or revoked by an administrator.
    case revoked
    /// The session was idle longer than its kind allows; the terminal must log in again.
    case idleTimeout
    /// The session reached its absolute lifetime.
    case expired

    public var description: String {
        switch self {
        case .invalidToken: "the session token is not valid; log in again"
        case .revoked: "the session was ended; log in again"
        case .idleTimeout: "logged out after inactivity; log in again"
        case .expired: "the session reached its time limit; log in again"
        }
    }
}
