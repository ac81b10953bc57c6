/// Why a codestream decoded in Swift (JPEG lossless) could not be decoded; the caller names the file.
struct CodestreamFailure: Error {
    let reason: String
}

/// Reads the entropy-coded data of a JPEG scan bit by bit, most significant first, removing the stuffed
/// zero after each `FF` (ITU T.81 §F.1.2.3). At a marker, or at the end of the data, it supplies zero
/// bits and counts them, so that a scan that runs short is reported rather than decoded from nothing.
struct JPEGBitReader {
    private let data: [UInt8]
    /// The first byte not yet loaded into the bit buffer.
    private(set) var position: Int
    private var buffer: UInt64 = 0
    private var bitCount = 0
    /// Zero bits appended after a marker or the end of the data.
    private var paddingBits = 0
    private var atMarker = false

    init(_ data: [UInt8], from position: Int) {
        self.data = data
        self.position = position
    }

    /// Whether bits past the scan's real data have been used.
    var hasOverrun: Bool { paddingBits > bitCount }

    /// The next `count` bits (1…16) as an unsigned number.
    @inline(__always)
    mutating func bits(_ count: Int) -> Int {
        let value = peek(count)
        buffer <<= UInt64(count)
        bitCount -= count
        return value
    }

    /// One difference (T.81 §H.1.2.2): a Huffman-coded size, then that many bits, sign-extended.
    @inline(__always)
    mutating func difference(_ table: JPEGHuffmanTable) throws(CodestreamFailure) -> Int {
        let size = Int(try table.decode(&self))
        switch size {
        case 0: return 0
        case 16: return 32768  // no extra bits (T.81 Table H.2)
        case 1...15:
            let value = bits(size)
            return value < 1 << (size - 1) ? value - (1 << size) + 1 : value
        default: throw CodestreamFailure(reason: "a difference of \(size) bits")
        }
    }

    /// Ends a restart interval or a scan: the data must not have run short, and the next bytes must be a
    /// marker. Returns the marker's position, for the caller to read it.
    mutating func endOfSegment() throws(CodestreamFailure) -> Int {
        guard !hasOverrun else { throw CodestreamFailure(reason: "the entropy-coded data ends early") }
        buffer = 0
        bitCount = 0
        paddingBits = 0
        atMarker = false
        while position + 1 < data.count, data[position] == 0xFF, data[position + 1] == 0xFF { position += 1 }
        guard position + 1 < data.count, data[position] == 0xFF else {
            throw CodestreamFailure(reason: "extra data before the marker at byte \(position)")
        }
        return position
    }

    /// Passes the restart marker RSTn expected after a restart interval.
    mutating func restart(number: Int) throws(CodestreamFailure) {
        let marker = try endOfSegment()
        guard data[marker + 1] == 0xD0 + UInt8(number & 7) else {
            throw CodestreamFailure(reason: "expected restart marker RST\(number & 7) at byte \(marker)")
        }
        position = marker + 2
    }

    /// The next `count` bits (1…16) without using them; loads bytes as needed.
    @inline(__always)
    mutating func peek(_ count: Int) -> Int {
        if bitCount < count { fill() }
        return Int(truncatingIfNeeded: buffer >> UInt64(64 - count))
    }

    private mutating func fill() {
        while bitCount <= 56 {
            var byte: UInt8 = 0
            if !atMarker, position < data.count {
                if data[position] != 0xFF {
                    byte = data[position]
                    position += 1
                } else if position + 1 < data.count, data[position + 1] == 0x00 {
                    byte = 0xFF
                    position += 2
                } else {
                    atMarker = true
                    paddingBits += 8
                }
            } else {
                paddingBits += 8
            }
            buffer |= UInt64(byte) << UInt64(56 - bitCount)
            bitCount += 8
        }
    }
}

/// A Huffman table (T.81 §C, §F.2.2.3), decoded through a lookup of the next 8 bits, and code by code
/// for longer codes. A class, so that handing it to the decoder for every sample costs no copies.
final class JPEGHuffmanTable {
    /// For each 8-bit prefix, `length << 8 | value` of the code it starts with, 0 when longer than 8.
    private let lookup: [UInt16]
    /// The largest code of each length, −1 when there is none.
    private let maximumCode: [Int]
    /// What to add to a code of each length to find its value's index.
    private let valueOffset: [Int]
    private let values: [UInt8]

    /// A table from a DHT segment's 16 code counts and its values.
    init(counts: ArraySlice<UInt8>, values: ArraySlice<UInt8>) throws(CodestreamFailure) {
        var lookup = [UInt16](repeating: 0, count: 256)
        var maximumCode = [Int](repeating: -1, count: 17), valueOffset = [Int](repeating: 0, count: 17)
        let values = Array(values)
        var code = 0, index = 0
        for (offset, count) in counts.enumerated() {
            let length = offset + 1
            valueOffset[length] = index - code
            for _ in 0..<Int(count) {
                guard code < 1 << length, index < values.count else {
                    throw CodestreamFailure(reason: "an invalid Huffman table")
                }
                if length <= 8 {
                    let first = code << (8 - length)
                    for prefix in first..<first + (1 << (8 - length)) {
                        lookup[prefix] = UInt16(length << 8) | UInt16(values[index])
                    }
                }
                code += 1
                index += 1
            }
            if count > 0 { maximumCode[length] = code - 1 }
            code <<= 1
        }
        (self.lookup, self.maximumCode, self.valueOffset, self.values) = (lookup, maximumCode, valueOffset, values)
    }

    /// The next value coded in the scan.
    @inline(__always)
    func decode(_ reader: inout JPEGBitReader) throws(CodestreamFailure) -> UInt8 {
        let entry = lookup[reader.peek(8)]
        if entry != 0 {
            _ = reader.bits(Int(entry >> 8))
            return UInt8(truncatingIfNeeded: entry)
        }
        let next = reader.peek(16)
        for length in 9...16 {
            let code = next >> (16 - length)
            if code <= maximumCode[length], values.indices.contains(code + valueOffset[length]) {
                _ = reader.bits(length)
                return values[code + valueOffset[length]]
            }
        }
        throw CodestreamFailure(reason: "a Huffman code that is in no table")
    }
}
