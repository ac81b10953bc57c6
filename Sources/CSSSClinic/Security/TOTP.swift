import Crypto
import Foundation

/// Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), the codes authenticator apps show.
///
/// ```swift
/// let totp = TOTP(secret: TOTP.generateSecret())
/// let uri = totp.provisioningURI(issuer: "CSSS", account: "dr.lee")  // shown as a QR code
/// if let step = totp.matchingStep(for: typed, at: Date()), step > lastUsedStep { … accept, store step … }
/// ```
public struct TOTP: Sendable {
    /// The HMAC hash; authenticator apps mostly support only SHA-1, which is still sound inside HMAC.
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha1 = "SHA1"
        case sha256 = "SHA256"
        case sha512 = "SHA512"
    }

    /// The shared key, as the authenticator app holds it.
    public let secret: [UInt8]
    /// Digits in a code, 6 to 8 (RFC 4226 §5.3).
    public let digits: Int
    /// Seconds each code is valid for.
    public let period: UInt64
    /// The HMAC hash.
    public let algorithm: Algorithm

    /// Creates a generator; `digits` must be 6 to 8 and `period` positive, which are choices made in
    /// code, not input.
    public init(secret: [UInt8], digits: Int = 6, period: UInt64 = 30, algorithm: Algorithm = .sha1) {
        precondition((6...8).contains(digits), "TOTP codes have 6 to 8 digits")
        precondition(period > 0, "a TOTP period is at least one second")
        self.secret = secret
        self.digits = digits
        self.period = period
        self.algorithm = algorithm
    }

    /// A new 160-bit secret, the length RFC 4226 recommends for HMAC-SHA-1.
    public static func generateSecret() -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<20).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// The time step a moment falls in: whole periods since the Unix epoch (0 before it).
    public func step(at date: Date) -> UInt64 {
        let seconds = date.timeIntervalSince1970
        return seconds <= 0 ? 0 : UInt64(seconds) / period
    }

    /// The code shown at a moment.
    public func code(at date: Date) -> String {
        code(forStep: step(at: date))
    }

    /// The code for a time step (RFC 4226 HOTP with the step as counter), zero-padded to ``digits``.
    public func code(forStep step: UInt64) -> String {
        let counter = withUnsafeBytes(of: step.bigEndian) { Array($0) }
        let mac: [UInt8]
        let key = SymmetricKey(data: secret)
        switch algorithm {
        case .sha1: mac = Array(HMAC<Insecure.SHA1>.authenticationCode(for: counter, using: key))
        case .sha256: mac = Array(HMAC<SHA256>.authenticationCode(for: counter, using: key))
        case .sha512: mac = Array(HMAC<SHA512>.authenticationCode(for: counter, using: key))
        }
        // Dynamic truncation (RFC 4226 §5.3): 31 bits from an offset chosen by the last nibble.
        let offset = Int(mac[mac.count - 1] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let number = String(binary % modulus)
        return String(repeating: "0", count: digits - number.count) + number
    }

    /// The time step whose code `code` is, searching `tolerance` steps either side of `date` for clock
    /// drift, or `nil` when none matches or `code` is not ``digits`` digits.
    ///
    /// Replay protection is the caller's job: it must remember the last step it accepted for the
    /// account and refuse a returned step that is not greater, or a code seen over a shoulder can be
    /// used again within its window.
    public func matchingStep(for code: String, at date: Date, tolerance: Int = 1) -> UInt64? {
        let typed = Array(code.utf8)
        guard typed.count == digits, typed.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let current = step(at: date)
        // Nearest steps first, so the current code wins over a neighbour that happens to share it.
        var offsets = [0]
        if tolerance > 0 { for distance in 1...tolerance { offsets += [distance, -distance] } }
        for offset in offsets {
            let (candidate, overflow) = offset < 0
                ? current.subtractingReportingOverflow(UInt64(-offset))
                : current.addingReportingOverflow(UInt64(offset))
            if !overflow, Self.constantTimeEqual(Array(self.code(forStep: candidate).utf8), typed) {
                return candidate
            }
        }
        return nil
    }

    /// The `otpauth://totp/` URI authenticator apps scan, with issuer and account percent-encoded.
    public func provisioningURI(issuer: String, account: String) -> String {
        let label = Self.percentEncoded(issuer) + ":" + Self.percentEncoded(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(Self.percentEncoded(issuer))"
            + "&algorithm=\(algorithm.rawValue)&digits=\(digits)&period=\(period)"
    }

    /// Compares without stopping at the first difference, so timing does not reveal a code's prefix.
    private static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in a.indices { difference |= a[index] ^ b[index] }
        return difference == 0
    }

    /// RFC 3986 percent-encoding of everything but unreserved characters; a space becomes `%20`, which
    /// Google's Key Uri Format asks for (a `+` is shown literally by some apps).
    private static func percentEncoded(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(hex[Int(byte >> 4)])
                output.unicodeScalars.append(hex[Int(byte & 0x0F)])
            }
        }
        return output
    }
}
