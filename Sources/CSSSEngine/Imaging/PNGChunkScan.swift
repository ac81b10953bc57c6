import Foundation

/// What a walk over a PNG file's chunks finds before libpng sees it.
///
/// Two things are needed that libpng's simplified API does not give:
/// - Whether the file is whole. When libpng fails, a file that stops before its `IEND` chunk is reported
///   as truncated rather than as corrupt.
/// - The file without its colour-management chunks (`gAMA`, `cHRM`, `sRGB`, `iCCP`). The simplified API
///   re-encodes samples to sRGB (8-bit) or linear light (16-bit) according to them, while Pillow, whose
///   pixels the models were trained on, ignores them. Without them libpng's conversions are identities
///   and the samples come out as stored.
struct PNGChunkScan {
    /// The file with the colour-management chunks left out; the original bytes when it has none.
    let pixelData: Data
    /// Whether the walk reached a complete `IEND` chunk.
    let reachesEnd: Bool

    private static let ignoredTypes: Set<UInt32> = [fourCC("gAMA"), fourCC("cHRM"), fourCC("sRGB"), fourCC("iCCP")]
    private static let end = fourCC("IEND")
    private static let signatureLength = 8

    /// Walks the chunks of `data`, which starts with the PNG signature.
    ///
    /// - Complexity: O(number of chunks), plus one copy of the file when it has chunks to drop.
    init(_ data: Data) {
        var dropped: [Range<Int>] = []
        var reachesEnd = false
        data.withUnsafeBytes { bytes in
            var offset = Self.signatureLength
            // A chunk is length (4 bytes, big-endian), type (4), data (length), CRC (4).
            while offset + 8 <= bytes.count {
                let length = Int(Self.bigEndianUInt32(bytes, at: offset))
                let type = Self.bigEndianUInt32(bytes, at: offset + 4)
                let next = offset + 12 + length
                guard next <= bytes.count else { break }
                if type == Self.end {
                    reachesEnd = true
                    break
                }
                if Self.ignoredTypes.contains(type) { dropped.append(offset..<next) }
                offset = next
            }
        }
        self.reachesEnd = reachesEnd
        self.pixelData = dropped.isEmpty ? data : Self.removing(dropped, from: data)
    }

    private static func removing(_ ranges: [Range<Int>], from data: Data) -> Data {
        let bytes = [UInt8](data)
        var kept = Data(capacity: bytes.count)
        var start = 0
        for range in ranges {
            kept.append(contentsOf: bytes[start..<range.lowerBound])
            start = range.upperBound
        }
        kept.append(contentsOf: bytes[start...])
        return kept
    }

    private static func bigEndianUInt32(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    private static func fourCC(_ text: StaticString) -> UInt32 {
        text.withUTF8Buffer { $0.reduce(0) { $0 << 8 | UInt32($1) } }
    }
}
