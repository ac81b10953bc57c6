import Foundation
import Testing
@testable import CSSSClinic

@Suite("Base 32")
struct Base32Tests {
    /// RFC 4648 §10, with the padding the encoder leaves off for otpauth URIs.
    private let vectors: [(String, String)] = [
        ("", ""), ("f", "MY======"), ("fo", "MZXQ===="), ("foo", "MZXW6==="),
        ("foob", "MZXW6YQ="), ("fooba", "MZXW6YTB"), ("foobar", "MZXW6YTBOI======"),
    ]

    @Test("the RFC 4648 vectors encode, uppercase and without padding")
    func encodesRFCVectors() {
        for (plain, encoded) in vectors {
            #expect(Base32.encode(Array(plain.utf8)) == encoded.replacingOccurrences(of: "=", with: ""))
        }
    }

    @Test("the RFC 4648 vectors decode with or without padding")
    func decodesRFCVectors() throws {
        for (plain, encoded) in vectors {
            #expect(try Base32.decode(encoded) == Array(plain.utf8))
            #expect(try Base32.decode(encoded.replacingOccurrences(of: "=", with: "")) == Array(plain.utf8))
        }
    }

    @Test("decoding ignores case and spaces, as a secret is typed from a screen")
    func decodingIsTolerant() throws {
        #expect(try Base32.decode("mzxw 6ytb oi") == Array("foobar".utf8))
        let secret: [UInt8] = (0..<20).map { UInt8($0 * 13 & 0xFF) }
        #expect(try Base32.decode(Base32.encode(secret).lowercased()) == secret)
    }

    @Test("a character outside the alphabet or a lost symbol is an error")
    func badInputIsRejected() {
        #expect(throws: Base32Error.invalidCharacter("1")) { try Base32.decode("MZXW1YTB") }
        #expect(throws: Base32Error.invalidCharacter("0")) { try Base32.decode("MZ0") }
        #expect(throws: Base32Error.truncated(symbols: 3)) { try Base32.decode("MZX") }
    }
}
