/// How a run of elements is encoded: explicit or implicit VR, and the byte order.
struct DICOMEncoding: Sendable, Equatable {
    var isExplicitVR: Bool
    var byteOrder: DICOMByteOrder

    static let explicitLittleEndian = DICOMEncoding(isExplicitVR: true, byteOrder: .littleEndian)
    static let implicitLittleEndian = DICOMEncoding(isExplicitVR: false, byteOrder: .littleEndian)

    /// Guesses the encoding of the little-endian element at `offset` the way pydicom does: explicit when
    /// the two bytes after the tag are a VR's letters (an implicit length would need to be, say, 0x424F).
    static func guessed(in bytes: [UInt8], at offset: Int) -> DICOMEncoding {
        guard offset + 6 <= bytes.count, DICOMVR(bytes[offset + 4], bytes[offset + 5]) != nil else {
            return .implicitLittleEndian
        }
        return .explicitLittleEndian
    }
}

/// Reads data elements, sequences, items and encapsulated fragments (PS3.5 §7) into ``DICOMDataset``s.
///
/// Every length is checked against the bytes that remain before it is used, nesting is limited to
/// ``DICOMLimits/maximumDepth`` and the element count to ``DICOMLimits/maximumElements``, so that no
/// input makes it trap, recurse or allocate without bound.
struct DICOMParser {
    let file: String
    let limits: DICOMLimits
    private var elementCount = 0

    private static let undefinedLength: UInt32 = 0xFFFF_FFFF

    init(file: String, limits: DICOMLimits) {
        self.file = file
        self.limits = limits
    }

    /// Reads elements until the reader's end, or, with `untilItemDelimiter`, until an item delimiter; or
    /// until `stop` says the next tag belongs to something else (the file meta information's end).
    mutating func dataset(_ reader: inout ByteReader, encoding: DICOMEncoding, characterSet: DICOMCharacterSet,
                          depth: Int = 0, untilItemDelimiter: Bool = false,
                          stop: (DICOMTag) -> Bool = { _ in false }) throws(DICOMError) -> DICOMDataset {
        let start = reader.offset
        var characterSet = characterSet
        var elements: [DICOMElement] = []
        while !reader.isAtEnd {
            try reader.require(8, start: reader.offset)
            let tag = DICOMTag(reader.peekUInt16(at: reader.offset), reader.peekUInt16(at: reader.offset + 2))
            if tag == .itemDelimitation {
                try reader.skip(8)
                if untilItemDelimiter { return DICOMDataset(elements, hasUndefinedLength: true) }
                throw .malformedElement(file: file, tag: tag, offset: reader.offset - 8,
                                        reason: "an item delimiter outside any item")
            }
            if tag == .sequenceDelimitation, !untilItemDelimiter, depth == 0 {
                try reader.skip(8)  // a stray delimiter at the top level, which other readers skip too
                continue
            }
            if stop(tag) { break }
            let element = try self.element(&reader, encoding: encoding, characterSet: characterSet, depth: depth)
            if element.tag == .specificCharacterSet {
                characterSet = DICOMCharacterSet(specificCharacterSet: element.string)
            }
            elements.append(element)
        }
        if untilItemDelimiter { throw .truncated(file: file, tag: .item, offset: start) }
        return DICOMDataset(elements)
    }

    /// Reads one element, its value checked against the bytes left and parsed when it is a sequence.
    private mutating func element(_ reader: inout ByteReader, encoding: DICOMEncoding,
                                  characterSet: DICOMCharacterSet, depth: Int) throws(DICOMError) -> DICOMElement {
        elementCount += 1
        guard elementCount <= limits.maximumElements else {
            throw .limitExceeded(file: file, what: "more than \(limits.maximumElements) data elements")
        }
        let start = reader.offset
        let tag = DICOMTag(try reader.uint16(), try reader.uint16())
        var vr: DICOMVR
        let length: UInt32
        if encoding.isExplicitVR {
            try reader.require(4, tag: tag, start: start)
            let first = reader.bytes[reader.offset], second = reader.bytes[reader.offset + 1]
            guard let explicit = DICOMVR(first, second) else {
                throw .malformedElement(file: file, tag: tag, offset: start,
                                        reason: "the VR bytes \(Self.hex(first)) \(Self.hex(second)) name no VR")
            }
            vr = explicit
            try reader.skip(2)
            if vr.hasLongLength {
                try reader.require(6, tag: tag, start: start)
                try reader.skip(2)
                length = try reader.uint32()
            } else {
                length = UInt32(try reader.uint16())
            }
        } else {
            length = try reader.uint32()
            vr = DICOMDictionary.vr(for: tag) ?? .UN
        }

        let value: DICOMElement.Value
        if length == Self.undefinedLength {
            if tag == .pixelData {
                value = .fragments(try fragments(&reader, start: start))
            } else if vr == .SQ || vr == .UN || !encoding.isExplicitVR {
                // PS3.5 §6.2.2: an explicit UN of undefined length holds an Implicit VR Little Endian sequence.
                let itemEncoding = vr == .UN && encoding.isExplicitVR ? .implicitLittleEndian : encoding
                value = .sequence(try sequence(&reader, definedLength: false, encoding: itemEncoding,
                                               characterSet: characterSet, depth: depth, tag: tag))
                vr = .SQ
            } else {
                throw .malformedElement(file: file, tag: tag, offset: start,
                                        reason: "undefined length on a \(vr.rawValue) element")
            }
        } else {
            let count = Int(length)
            try reader.require(count, tag: tag, start: start)
            var valueReader = ByteReader(reader.bytes, from: reader.offset, to: reader.offset + count,
                                         byteOrder: encoding.byteOrder, file: file)
            if vr == .SQ {
                value = .sequence(try sequence(&valueReader, definedLength: true, encoding: encoding,
                                               characterSet: characterSet, depth: depth, tag: tag))
            } else if vr == .UN, !encoding.isExplicitVR, startsWithItem(valueReader),
                      let items = try? sequence(&valueReader, definedLength: true, encoding: encoding,
                                                characterSet: characterSet, depth: depth, tag: tag) {
                // An implicit-VR sequence the dictionary does not know; had it not parsed, the bytes stay.
                value = .sequence(items)
                vr = .SQ
            } else {
                value = .bytes(reader.bytes[reader.offset..<reader.offset + count])
            }
            try reader.skip(count)
        }
        return DICOMElement(tag: tag, vr: vr, value: value, offset: start,
                            hasUndefinedLength: length == Self.undefinedLength,
                            byteOrder: encoding.byteOrder, characterSet: characterSet)
    }

    /// Reads the items of a sequence: to the reader's end when its length is defined, else to the
    /// sequence delimiter.
    private mutating func sequence(_ reader: inout ByteReader, definedLength: Bool, encoding: DICOMEncoding,
                                   characterSet: DICOMCharacterSet, depth: Int,
                                   tag: DICOMTag) throws(DICOMError) -> [DICOMDataset] {
        guard depth < limits.maximumDepth else {
            throw .limitExceeded(file: file, what: "sequences nested more than \(limits.maximumDepth) deep at \(tag)")
        }
        var items: [DICOMDataset] = []
        while !(definedLength && reader.isAtEnd) {
            let start = reader.offset
            try reader.require(8, tag: tag, start: start)
            let itemTag = DICOMTag(try reader.uint16(), try reader.uint16())
            let length = try reader.uint32()
            if itemTag == .sequenceDelimitation, !definedLength { break }
            guard itemTag == .item else {
                throw .malformedElement(file: file, tag: itemTag, offset: start,
                                        reason: "expected an item of the sequence \(tag)")
            }
            if length == Self.undefinedLength {
                var itemReader = ByteReader(reader.bytes, from: reader.offset, to: reader.end,
                                            byteOrder: encoding.byteOrder, file: file)
                items.append(try dataset(&itemReader, encoding: encoding, characterSet: characterSet,
                                         depth: depth + 1, untilItemDelimiter: true))
                try reader.skip(itemReader.offset - reader.offset)
            } else {
                try reader.require(Int(length), tag: .item, start: start)
                var itemReader = ByteReader(reader.bytes, from: reader.offset, to: reader.offset + Int(length),
                                            byteOrder: encoding.byteOrder, file: file)
                items.append(try dataset(&itemReader, encoding: encoding, characterSet: characterSet,
                                         depth: depth + 1))
                try reader.skip(Int(length))
            }
        }
        return items
    }

    /// Reads encapsulated pixel data: an item holding the Basic Offset Table, then one item per fragment,
    /// then the sequence delimiter.
    private mutating func fragments(_ reader: inout ByteReader, start: Int) throws(DICOMError) -> DICOMFragments {
        var values: [ArraySlice<UInt8>] = []
        var offsets: [Int] = []
        while true {
            let itemStart = reader.offset
            try reader.require(8, tag: .pixelData, start: start)
            let tag = DICOMTag(try reader.uint16(), try reader.uint16())
            let length = try reader.uint32()
            if tag == .sequenceDelimitation { break }
            guard tag == .item, length != Self.undefinedLength else {
                throw .malformedElement(file: file, tag: .pixelData, offset: itemStart,
                                        reason: "expected a fragment item of defined length, found \(tag)")
            }
            elementCount += 1
            guard elementCount <= limits.maximumElements else {
                throw .limitExceeded(file: file, what: "more than \(limits.maximumElements) data elements")
            }
            values.append(try reader.slice(Int(length), tag: .pixelData, start: itemStart))
            offsets.append(itemStart)
        }
        guard let table = values.first else {
            throw .malformedElement(file: file, tag: .pixelData, offset: start,
                                    reason: "encapsulated pixel data without its Basic Offset Table item")
        }
        guard table.count % 4 == 0 else {
            throw .malformedElement(file: file, tag: .pixelData, offset: start,
                                    reason: "a Basic Offset Table of \(table.count) bytes, not a multiple of 4")
        }
        let tableReader = ByteReader(Array(table), byteOrder: .littleEndian, file: file)
        let entries = stride(from: 0, to: table.count, by: 4).map { tableReader.peekUInt32(at: $0) }
        let base = offsets.count > 1 ? offsets[1] : 0
        return DICOMFragments(basicOffsetTable: entries, fragments: Array(values.dropFirst()),
                              fragmentOffsets: offsets.dropFirst().map { $0 - base })
    }

    private func startsWithItem(_ reader: ByteReader) -> Bool {
        reader.remaining >= 8 && DICOMTag(reader.peekUInt16(at: reader.offset),
                                          reader.peekUInt16(at: reader.offset + 2)) == .item
    }

    private static func hex(_ byte: UInt8) -> String {
        (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
    }
}
