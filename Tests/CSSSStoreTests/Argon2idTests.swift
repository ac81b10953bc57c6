import Foundation
import Testing
@testable import CSSSStore

/// Expected values below come from argon2-cffi 25.1.0 (`argon2.low_level`, which bundles the reference C
/// implementation independently of the system libargon2), e.g.
/// `hash_secret_raw(b"password", b"somesalt", time_cost=2, memory_cost=1024, parallelism=1, hash_len=32,
/// type=Type.ID, version=19).hex()`.
@Suite("Argon2id")
struct Argon2idTests {
    private let cheap = Argon2id(memoryKiB: 1024, iterations: 2, parallelism: 1)

    @Test("a derived key matches an independent implementation")
    func derivedKeyMatchesKnownAnswer() throws {
        let key = try cheap.deriveKey(passphrase: "password", salt: Array("somesalt".utf8))
        #expect(hex(key) == "ec57ec9c0eaf51eeea2e92ffdcaa9cdee478f1927215b515b7b8d66657f41ed9")
    }

    @Test("a derived key with two lanes, a UTF-8 passphrase and 64 bytes matches an independent implementation")
    func derivedKeyWithLanesMatchesKnownAnswer() throws {
        let costs = Argon2id(memoryKiB: 2048, iterations: 3, parallelism: 2)
        let key = try costs.deriveKey(passphrase: "pâté de campagne", salt: Array(0..<16), length: 64)
        #expect(hex(key) == "5945fdc9b2e94cd652cb507951727a623212e29be77bc62fb34538c28b5b5f78"
            + "b1fb2abe41cce56c0fa7d6df471efd3031c8ae8662092479c1c265d73286e5fa")
    }

    @Test("a PHC string made by an independent implementation verifies")
    func foreignEncodingVerifies() throws {
        // hash_secret(b"correct horse battery staple", b"csss-test-salt16", time_cost=2, memory_cost=1024, ...)
        let encoded = "$argon2id$v=19$m=1024,t=2,p=1$Y3Nzcy10ZXN0LXNhbHQxNg$CV3AFYoA4hLI/ldidsy+kMTxwkLi9Q2RHgiLZXzHcgY"
        #expect(try Argon2id.verifyPassword("correct horse battery staple", encoded: encoded))
        #expect(try !Argon2id.verifyPassword("correct horse battery stapler", encoded: encoded))
    }

    @Test("a hashed password verifies, in PHC form with a fresh salt each time")
    func roundTrip() throws {
        let first = try cheap.hashPassword("s3cret enough")
        let second = try cheap.hashPassword("s3cret enough")
        #expect(first.hasPrefix("$argon2id$v=19$m=1024,t=2,p=1$"))
        #expect(first != second)
        #expect(try Argon2id.verifyPassword("s3cret enough", encoded: first))
        #expect(try Argon2id.verifyPassword("s3cret enough", encoded: second))
    }

    @Test("a wrong password is refused without an error")
    func wrongPasswordIsFalse() throws {
        let encoded = try cheap.hashPassword("s3cret enough")
        #expect(try !Argon2id.verifyPassword("s3cret enougH", encoded: encoded))
        #expect(try !Argon2id.verifyPassword("", encoded: encoded))
    }

    @Test("a tampered hash or cost is refused, and a garbled encoding throws")
    func tamperedEncoding() throws {
        let encoded = try cheap.hashPassword("s3cret enough")
        // A character inside the hash, not the last one, whose spare bits libargon2 insists are zero.
        var hashFlipped = Array(encoded)
        let inside = hashFlipped.count - 10
        hashFlipped[inside] = hashFlipped[inside] == "A" ? "B" : "A"
        let flipped = String(hashFlipped)
        #expect(try !Argon2id.verifyPassword("s3cret enough", encoded: flipped))

        let weakened = encoded.replacingOccurrences(of: "t=2", with: "t=1")
        #expect(try !Argon2id.verifyPassword("s3cret enough", encoded: weakened))

        #expect(throws: Argon2Error.self) { try Argon2id.verifyPassword("s3cret enough", encoded: "not a hash") }
        let otherVariant = encoded.replacingOccurrences(of: "$argon2id$", with: "$argon2i$")
        #expect(throws: Argon2Error.self) { try Argon2id.verifyPassword("s3cret enough", encoded: otherVariant) }
        let truncated = String(encoded.prefix(encoded.count - 50))
        #expect(throws: Argon2Error.self) { try Argon2id.verifyPassword("s3cret enough", encoded: truncated) }
    }

    @Test("the costs are read back from a PHC string, and anything else gives nil")
    func parametersParsed() throws {
        let encoded = try cheap.hashPassword("s3cret enough")
        #expect(Argon2id.parameters(ofEncoded: encoded) == cheap)
        #expect(Argon2id.parameters(ofEncoded: encoded) != Argon2id.passwordHashing)
        #expect(Argon2id.parameters(ofEncoded: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA")
            == Argon2id(memoryKiB: 65536, iterations: 3, parallelism: 4))
        #expect(Argon2id.parameters(ofEncoded: "$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA") == nil)
        #expect(Argon2id.parameters(ofEncoded: "$argon2id$v=16$m=65536,t=3,p=4$c2FsdA$aGFzaA") == nil)
        #expect(Argon2id.parameters(ofEncoded: "$argon2id$v=19$t=3,m=65536,p=4$c2FsdA$aGFzaA") == nil)
        #expect(Argon2id.parameters(ofEncoded: "$argon2id$v=19$m=065536,t=3,p=4$c2FsdA$aGFzaA") == nil)
        #expect(Argon2id.parameters(ofEncoded: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA") == nil)
        #expect(Argon2id.parameters(ofEncoded: "") == nil)
    }

    @Test("libargon2's refusal is reported with its own message")
    func refusalIsReported() {
        #expect(throws: Argon2Error.hashingFailed(code: saltTooShort)) {
            try cheap.deriveKey(passphrase: "x", salt: [1, 2, 3])
        }
        #expect(Argon2Error.hashingFailed(code: saltTooShort).description
            == "argon2id hashing failed: Salt is too short")
    }

    @Test("the production password costs hash and verify")
    func productionCostsRoundTrip() throws {
        let encoded = try Argon2id.passwordHashing.hashPassword("correct horse battery staple")
        #expect(Argon2id.parameters(ofEncoded: encoded) == .passwordHashing)
        #expect(try Argon2id.verifyPassword("correct horse battery staple", encoded: encoded))
    }

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(($0 >> 4) & 0xF, radix: 16) + String($0 & 0xF, radix: 16) }.joined()
    }
}

/// ARGON2_SALT_TOO_SHORT in argon2.h.
private let saltTooShort: Int32 = -6
