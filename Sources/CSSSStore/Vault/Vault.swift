import Crypto
import Foundation

/// The encrypted store of the clinic's large objects: original scans, heatmaps and reports.
///
/// Each blob is encrypted with AES-256-GCM under a fresh data key; the data key is itself
/// encrypted ("wrapped") with the ``KeyRing/vaultWrapping`` key and kept in the blob's header, so
/// one blob's key opens nothing else and changing the master key means re-wrapping headers only.
/// The blob's id is authenticated with both, so a file renamed over another does not open.
///
/// A blob is written to `incoming/` and renamed into place after `fsync`: a crash leaves either
/// no blob or a whole one, and what lies in `incoming/` is ciphertext too. Blobs are never
/// changed after they are written.
public struct Vault: Sendable {
    /// The vault's folder (`vault/` in the data directory).
    public let url: URL
    private let wrappingKey: SymmetricKey

    private static let magic = Data("CSSSVLT1".utf8)
    private static let wrappedKeyLength = 12 + 32 + 16

    /// A vault in `url`, whose data keys are wrapped with `wrappingKey`.
    public init(url: URL, wrappingKey: SymmetricKey) {
        self.url = url
        self.wrappingKey = wrappingKey
    }

    /// Creates the vault's folders, owner-only.
    public func prepare() throws {
        for folder in [url, incomingURL] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                        attributes: [.posixPermissions: 0o700])
            } catch {
                throw VaultError.unwritable(folder.path, reason: error.localizedDescription)
            }
        }
    }

    /// Encrypts `contents` into a new blob and returns its id.
    ///
    /// - Throws: ``VaultError/unwritable(_:reason:)`` when the blob cannot be written whole.
    public func store(_ contents: Data) throws -> BlobID {
        let id = BlobID()
        let dataKey = SymmetricKey(size: .bits256)
        let authenticated = Data(id.rawValue.utf8)
        let wrapped = try! AES.GCM.seal(dataKey.withUnsafeBytes { Data($0) }, using: wrappingKey,
                                        authenticating: authenticated).combined!
        let sealed = try! AES.GCM.seal(contents, using: dataKey, authenticating: authenticated).combined!
        try AtomicWrite.write(Self.magic + wrapped + sealed, to: location(of: id), staging: incomingURL)
        return id
    }

    /// Decrypts the blob `id`.
    ///
    /// - Throws: ``VaultError`` when the blob is missing, altered, or under another key.
    public func load(_ id: BlobID) throws -> Data {
        let file = location(of: id)
        let stored: Data
        do { stored = try Data(contentsOf: file) } catch {
            throw VaultError.missing(id)
        }
        let headerLength = Self.magic.count + Self.wrappedKeyLength
        guard stored.count >= headerLength + 28, stored.prefix(Self.magic.count) == Self.magic else {
            throw VaultError.damaged(id)
        }
        let authenticated = Data(id.rawValue.utf8)
        do {
            let wrapped = try AES.GCM.SealedBox(combined: stored[Self.magic.count..<headerLength])
            let dataKey = SymmetricKey(data: try AES.GCM.open(wrapped, using: wrappingKey, authenticating: authenticated))
            let box = try AES.GCM.SealedBox(combined: stored[headerLength...])
            return try AES.GCM.open(box, using: dataKey, authenticating: authenticated)
        } catch {
            throw VaultError.damaged(id)
        }
    }

    /// Whether the blob `id` is in the vault (without decrypting it).
    public func contains(_ id: BlobID) -> Bool {
        FileManager.default.fileExists(atPath: location(of: id).path)
    }

    /// The ids of every blob in the vault.
    public func allBlobIDs() throws -> [BlobID] {
        let fileManager = FileManager.default
        var ids: [BlobID] = []
        for shard in (try? fileManager.contentsOfDirectory(atPath: url.path)) ?? [] where shard.count == 2 {
            for name in try fileManager.contentsOfDirectory(atPath: url.appendingPathComponent(shard).path)
            where name.hasSuffix(".blob") {
                if let id = BlobID(rawValue: String(name.dropLast(5))) { ids.append(id) }
            }
        }
        return ids.sorted { $0.rawValue < $1.rawValue }
    }

    /// The file that holds blob `id`, in a shard folder named by its first two characters so that
    /// no folder grows to millions of entries.
    public func location(of id: BlobID) -> URL {
        url.appendingPathComponent(String(id.rawValue.prefix(2)), isDirectory: true)
            .appendingPathComponent(id.rawValue + ".blob")
    }

    private var incomingURL: URL { url.appendingPathComponent("incoming", isDirectory: true) }
}

/// The name of one blob in the ``Vault``: a random UUID, so that it says nothing about its contents.
public struct BlobID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// A new random id.
    public init() {
        rawValue = UUID().uuidString.lowercased()
    }

    /// The id written as `rawValue`, or `nil` when it is not a lowercase UUID (which also keeps
    /// path separators out of vault file names).
    public init?(rawValue: String) {
        guard let uuid = UUID(uuidString: rawValue), uuid.uuidString.lowercased() == rawValue else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
}

/// Why the vault could not store or give back a blob.
public enum VaultError: Error, Equatable, CustomStringConvertible {
    /// No blob with this id is in the vault.
    case missing(BlobID)
    /// The blob's file was altered, truncated, or written under another key.
    case damaged(BlobID)
    /// A file or folder of the vault could not be written.
    case unwritable(String, reason: String)

    public var description: String {
        switch self {
        case .missing(let id): "vault blob \(id) is missing"
        case .damaged(let id): "vault blob \(id) is damaged or under another key"
        case .unwritable(let path, let reason): "cannot write \(path): \(reason)"
        }
    }
}
