/// The byte order of a dataset's binary values and element headers.
public enum DICOMByteOrder: Sendable, Equatable {
    case littleEndian
    case bigEndian
}

/// Reads integers and byte runs from a buffer in one byte order, throwing `.truncated` instead of reading
/// past `end`. Every read of the DICOM reader goes through one of these.
struct ByteReader {
    let bytes: [UInt8]
    /// The next byte to read.
    private(set) var offset: Int
    /// One past the last byte this reader may read (the end of the file, or of an item).
    let end: Int
    var byteOrder: DICOMByteOrder
    /// How errors name the file.
    let file: String

    init(_ bytes: [UInt8], from offset: Int = 0, to end: Int? = nil, byteOrder: DICOMByteOrder, file: String) {
        self.bytes = bytes
        self.offset = offset
        self.end = min(end ?? bytes.count, bytes.count)
        self.byteOrder = byteOrder
        self.file = file
    }

    /// The bytes left before `end`.
    var remaining: Int { end - offset }
    var isAtEnd: Bool { offset >= end }

    /// Throws `.truncated` naming `tag` (and the structure starting at `start`) unless `count` bytes are left.
    func require(_ count: Int, tag: DICOMTag? = nil, start: Int? = nil) throws(DICOMError) {
        guard count >= 0, count <= remaining else {
            throw .truncated(file: file, tag: tag, offset: start ?? offset)
        }
    }

    mutating func uint16() throws(DICOMError) -> UInt16 {
        try require(2)
        let value = peekUInt16(at: offset)
        offset += 2
        return value
    }

    mutating func uint32() throws(DICOMError) -> UInt32 {
        try require(4)
        let value = peekUInt32(at: offset)
        offset += 4
        return value
    }

    /// The next `count` bytes, as a slice of the buffer (no copy).
    mutating func slice(_ count: Int, tag: DICOMTag? = nil, start: Int? = nil) throws(DICOMError) -> ArraySlice<UInt8> {
        try require(count, tag: tag, start: start)
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func skip(_ count: Int) throws(DICOMError) {
        try require(count)
        offset += count
    }

    /// The 16-bit value at `position`; the caller has checked that 2 bytes are there.
    func peekUInt16(at position: Int) -> UInt16 {
        let value = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
        return byteOrder == .littleEndian ? value : value.byteSwapped
    }

    /// The 32-bit value at `position`; the caller has checked that 4 bytes are there.
    func peekUInt32(at position: Int) -> UInt32 {
        let value = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
            | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
        return byteOrder == .littleEndian ? value : value.byteSwapped
    }
}
