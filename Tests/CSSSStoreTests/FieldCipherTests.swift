import Crypto
import Foundation
import Testing
@testable import CSSSStore

@Suite("Protected fields")
struct FieldCipherTests {
    let cipher = FieldCipher(key: SymmetricKey(size: .bits256))

    @Test("a field round-trips, and encrypting twice gives different ciphertext")
    func roundTrip() throws {
        let a = cipher.seal("José Müller-Ñúñez", field: "patient.name")
        let b = cipher.seal("José Müller-Ñúñez", field: "patient.name")
        #expect(a != b)
        #expect(try cipher.openText(a, field: "patient.name") == "José Müller-Ñúñez")
    }

    @Test("a value moved to another field, altered, or under another key does not open")
    func misuseIsRefused() throws {
        let sealed = cipher.seal("555-0100", field: "patient.phone")
        #expect(throws: FieldCipherError.authenticationFailed(field: "patient.email")) {
            try cipher.open(sealed, field: "patient.email")
        }
        var altered = sealed
        altered[altered.count - 1] ^= 0x80
        #expect(throws: FieldCipherError.authenticationFailed(field: "patient.phone")) {
            try cipher.open(altered, field: "patient.phone")
        }
        let other = FieldCipher(key: SymmetricKey(size: .bits256))
        #expect(throws: FieldCipherError.authenticationFailed(field: "patient.phone")) {
            try other.open(sealed, field: "patient.phone")
        }
        #expect(throws: FieldCipherError.malformed(field: "patient.phone")) {
            try cipher.open(Data([1, 2, 3]), field: "patient.phone")
        }
    }

    @Test("a blind index is stable for a value, differs per field and per key")
    func blindIndexes() {
        let key = SymmetricKey(size: .bits256)
        let index = BlindIndex(key: key)
        #expect(index.index("MRN-1", field: "patient.mrn") == index.index("MRN-1", field: "patient.mrn"))
        #expect(index.index("MRN-1", field: "patient.mrn") != index.index("MRN-2", field: "patient.mrn"))
        #expect(index.index("MRN-1", field: "patient.mrn") != index.index("MRN-1", field: "patient.phone"))
        #expect(index.index("MRN-1", field: "patient.mrn") != BlindIndex(key: SymmetricKey(size: .bits256)).index("MRN-1", field: "patient.mrn"))
    }
}
