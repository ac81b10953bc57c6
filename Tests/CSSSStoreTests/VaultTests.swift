import Crypto
import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSStore

@Suite("Vault")
struct VaultTests {
    private func makeVault(_ folder: TemporaryFolder, key: SymmetricKey = SymmetricKey(size: .bits256)) throws -> Vault {
        let vault = Vault(url: folder.file("vault"), wrappingKey: key)
        try vault.prepare()
        return vault
    }

    @Test("a stored blob comes back byte for byte, and its file holds no plaintext")
    func roundTripWithoutPlaintext() throws {
        let folder = try TemporaryFolder("csss-vault")
        let vault = try makeVault(folder)
        let secret = Data("Jane Q. Patient, MRN 123-45-678, jane@example.org".utf8)
        let id = try vault.store(secret)
        #expect(try vault.load(id) == secret)
        let onDisk = try Data(contentsOf: vault.location(of: id))
        #expect(onDisk.range(of: Data("Jane".utf8)) == nil)
        #expect(onDisk.range(of: Data("example.org".utf8)) == nil)
        #expect(try vault.allBlobIDs() == [id])
    }

    @Test("every blob has its own data key: the same contents give different files")
    func perBlobDataKeys() throws {
        let folder = try TemporaryFolder("csss-vault")
        let vault = try makeVault(folder)
        let a = try vault.store(Data(repeating: 7, count: 64))
        let b = try vault.store(Data(repeating: 7, count: 64))
        #expect(try Data(contentsOf: vault.location(of: a)).suffix(80) != Data(contentsOf: vault.location(of: b)).suffix(80))
    }

    @Test("a flipped byte, a blob renamed over another, and another key are each refused as damaged")
    func tamperingIsDetected() throws {
        let folder = try TemporaryFolder("csss-vault")
        let vault = try makeVault(folder)
        let a = try vault.store(Data("first".utf8))
        let b = try vault.store(Data("second".utf8))

        var bytes = try Data(contentsOf: vault.location(of: a))
        bytes[bytes.count - 20] ^= 1
        try bytes.write(to: vault.location(of: a))
        #expect(throws: VaultError.damaged(a)) { try vault.load(a) }

        try FileManager.default.removeItem(at: vault.location(of: a))
        try FileManager.default.copyItem(at: vault.location(of: b), to: vault.location(of: a))
        #expect(throws: VaultError.damaged(a)) { try vault.load(a) }

        let stranger = Vault(url: vault.url, wrappingKey: SymmetricKey(size: .bits256))
        #expect(throws: VaultError.damaged(b)) { try stranger.load(b) }
        let absent = BlobID()
        #expect(throws: VaultError.missing(absent)) { try vault.load(absent) }
    }

    @Test("a blob id is a lowercase UUID, so no path can be smuggled through it")
    func blobIDsAreUUIDs() {
        #expect(BlobID(rawValue: "../../etc/passwd") == nil)
        #expect(BlobID(rawValue: UUID().uuidString) == nil)  // uppercase
        #expect(BlobID(rawValue: UUID().uuidString.lowercased()) != nil)
    }

    @Test("nothing is left in incoming/ after a write, and blob files are owner-only")
    func stagingIsCleanAndPrivate() throws {
        let folder = try TemporaryFolder("csss-vault")
        let vault = try makeVault(folder)
        let id = try vault.store(Data(count: 100_000))
        #expect(try FileManager.default.contentsOfDirectory(atPath: vault.url.appendingPathComponent("incoming").path).isEmpty)
        let attributes = try FileManager.default.attributesOfItem(atPath: vault.location(of: id).path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }
}
