import Foundation
import Testing
@testable import CSSSClinic

@Suite("TOTP")
struct TOTPTests {
    /// RFC 6238 Appendix B: seeds are ASCII digits, as long as each hash's output.
    private static let seeds: [TOTP.Algorithm: [UInt8]] = [
        .sha1: Array("12345678901234567890".utf8),
        .sha256: Array("12345678901234567890123456789012".utf8),
        .sha512: Array("1234567890123456789012345678901234567890123456789012345678901234".utf8),
    ]

    /// RFC 6238 Appendix B, every row: time, then the 8-digit SHA-1, SHA-256 and SHA-512 codes.
    private static let vectors: [(time: TimeInterval, sha1: String, sha256: String, sha512: String)] = [
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ]

    @Test("every RFC 6238 Appendix B vector is produced", arguments: vectors)
    func rfc6238Vectors(vector: (time: TimeInterval, sha1: String, sha256: String, sha512: String)) {
        let (time, sha1, sha256, sha512) = vector
        let date = Date(timeIntervalSince1970: time)
        for (algorithm, expected) in [(TOTP.Algorithm.sha1, sha1), (.sha256, sha256), (.sha512, sha512)] {
            let totp = TOTP(secret: Self.seeds[algorithm]!, digits: 8, algorithm: algorithm)
            #expect(totp.code(at: date) == expected, "\(algorithm) at \(Int64(time))")
            #expect(totp.matchingStep(for: expected, at: date, tolerance: 0) == totp.step(at: date))
        }
    }

    @Test("six-digit codes are the last six digits of the eight-digit ones, zero-padded")
    func sixDigits() {
        let totp = TOTP(secret: Self.seeds[.sha1]!)
        #expect(totp.code(at: Date(timeIntervalSince1970: 1_111_111_109)) == "081804")
        #expect(totp.code(at: Date(timeIntervalSince1970: 59)) == "287082")
        #expect(totp.step(at: Date(timeIntervalSince1970: 59)) == 1)
        #expect(totp.step(at: Date(timeIntervalSince1970: 60)) == 2)
    }

    @Test("a code one step early or late is accepted and names its own step; two steps away is refused")
    func toleranceWindow() {
        let totp = TOTP(secret: Self.seeds[.sha1]!)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        let step = totp.step(at: now)
        #expect(totp.matchingStep(for: totp.code(forStep: step), at: now) == step)
        #expect(totp.matchingStep(for: totp.code(forStep: step - 1), at: now) == step - 1)
        #expect(totp.matchingStep(for: totp.code(forStep: step + 1), at: now) == step + 1)
        #expect(totp.matchingStep(for: totp.code(forStep: step - 2), at: now) == nil)
        #expect(totp.matchingStep(for: totp.code(forStep: step + 2), at: now) == nil)
        #expect(totp.matchingStep(for: totp.code(forStep: step + 2), at: now, tolerance: 2) == step + 2)
        #expect(totp.matchingStep(for: totp.code(forStep: step - 1), at: now, tolerance: 0) == nil)
    }

    @Test("a code of the wrong length or with non-digits is refused")
    func malformedCodesAreRefused() {
        let totp = TOTP(secret: Self.seeds[.sha1]!)
        let now = Date(timeIntervalSince1970: 1_111_111_109)
        #expect(totp.matchingStep(for: "081804", at: now) != nil)
        #expect(totp.matchingStep(for: "07081804", at: now) == nil)
        #expect(totp.matchingStep(for: "81804", at: now) == nil)
        #expect(totp.matchingStep(for: "081 804", at: now) == nil)
        #expect(totp.matchingStep(for: "", at: now) == nil)
        #expect(totp.matchingStep(for: "０８１８０４", at: now) == nil)
    }

    @Test("the provisioning URI names issuer, account and parameters, percent-encoded")
    func provisioningURI() throws {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        #expect(totp.provisioningURI(issuer: "CSSS", account: "dr.lee")
            == "otpauth://totp/CSSS:dr.lee?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CSSS&algorithm=SHA1&digits=6&period=30")
        let awkward = TOTP(secret: [0xFF], digits: 8, period: 60, algorithm: .sha512)
            .provisioningURI(issuer: "St Mary's & Co", account: "zoë@ward:7")
        #expect(awkward == "otpauth://totp/St%20Mary%27s%20%26%20Co:zo%C3%AB%40ward%3A7?secret=74"
            + "&issuer=St%20Mary%27s%20%26%20Co&algorithm=SHA512&digits=8&period=60")
        #expect(URLComponents(string: awkward)?.queryItems?.first { $0.name == "issuer" }?.value == "St Mary's & Co")
    }

    @Test("generated secrets are 20 random bytes")
    func generatedSecrets() {
        let first = TOTP.generateSecret()
        #expect(first.count == 20)
        #expect(first != TOTP.generateSecret())
    }
}
