import Foundation

/// Replaces UIDs with new ones for de-identification (PS3.15 Annex E, action U), consistently: the same
/// original UID always gives the same new UID, so series, studies and references still hang together
/// across every file de-identified with the same key.
///
/// The new UID is `2.25.` followed by the decimal value of the first 128 bits of a keyed digest of the
/// original (PS3.5 §B.2 allows UUID-derived UIDs under `2.25`). The digest is given by the caller (an
/// HMAC-SHA-256 under a secret key in CSSS), so without the key a new UID cannot be traced back to the
/// original, and a different key gives unrelated UIDs.
public struct DICOMUIDRemapper: Sendable {
    private let digest: @Sendable ([UInt8]) -> [UInt8]

    /// A remapper whose UIDs come from `digest` of the original UID's bytes; at least 16 bytes of it are
    /// used, so it must be a keyed hash of at least 128 bits.
    public init(digest: @escaping @Sendable ([UInt8]) -> [UInt8]) {
        self.digest = digest
    }

    /// The new UID for `original` (padding removed first, so a padded and an unpadded copy agree).
    public func newUID(for original: String) -> String {
        let trimmed = original.trimmingCharacters(in: .init(charactersIn: "\0 "))
        return "2.25." + Self.decimal(Array(digest(Array(trimmed.utf8)).prefix(16)))
    }

    /// The decimal digits of a big-endian unsigned number, by long division by 10.
    static func decimal(_ number: [UInt8]) -> String {
        var remaining = number.drop { $0 == 0 }.map { UInt16($0) }
        var digits: [Character] = []
        while !remaining.isEmpty {
            var remainder: UInt16 = 0
            for index in remaining.indices {
                let value = remainder << 8 | remaining[index]
                remaining[index] = value / 10
                remainder = value % 10
            }
            digits.append(Character(String(remainder)))
            remaining = Array(remaining.drop { $0 == 0 })
        }
        return digits.isEmpty ? "0" : String(digits.reversed())
    }
}
