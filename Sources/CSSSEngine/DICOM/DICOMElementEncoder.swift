/// Encodes elements in Explicit VR Little Endian (PS3.5 §7.1.2), converting values read in Big Endian.
struct DICOMElementEncoder {
    private(set) var bytes: [UInt8] = []

    private static let undefinedLength: UInt32 = 0xFFFF_FFFF

    /// Appends every element of `dataset` but its group lengths, which PS3.5 §7.2 retires and which
    /// would be wrong once elements change.
    mutating func append(_ dataset: DICOMDataset) {
        for element in dataset.elements where element.tag.element != 0x0000 {
            append(element)
        }
    }

    mutating func append(_ element: DICOMElement) {
        switch element.value {
        case .bytes(let value):
            var value = element.byteOrder == .bigEndian ? Self.littleEndian(value, vr: element.vr) : Array(value)
            if value.count % 2 == 1 { value.append(Self.padding(for: element.vr)) }
            // A short-length VR cannot hold more than 64 KiB; only a damaged file gets here, kept as UN.
            let vr = !element.vr.hasLongLength && value.count > 0xFFFF ? DICOMVR.UN : element.vr
            header(element.tag, vr, length: UInt32(value.count))
            bytes += value
        case .sequence(let items):
            header(element.tag, .SQ, length: Self.undefinedLength)
            for item in items {
                tag(.item, length: Self.undefinedLength)
                append(item)
                tag(.itemDelimitation, length: 0)
            }
            tag(.sequenceDelimitation, length: 0)
        case .fragments(let encapsulated):
            // PS3.5 §A.4: Basic Offset Table item, one item per fragment, sequence delimiter. Fragment
            // sizes do not change, so the table's offsets stay right.
            header(element.tag, .OB, length: Self.undefinedLength)
            tag(.item, length: UInt32(encapsulated.basicOffsetTable.count * 4))
            for offset in encapsulated.basicOffsetTable { bytes += offset.littleEndianBytes }
            for fragment in encapsulated.fragments {
                tag(.item, length: UInt32(fragment.count))
                bytes += fragment
            }
            tag(.sequenceDelimitation, length: 0)
        }
    }

    private mutating func header(_ tag: DICOMTag, _ vr: DICOMVR, length: UInt32) {
        bytes += tag.group.littleEndianBytes + tag.element.littleEndianBytes
        bytes += Array(vr.rawValue.utf8)
        if vr.hasLongLength {
            bytes += [0, 0] + length.littleEndianBytes
        } else {
            bytes += UInt16(length).littleEndianBytes
        }
    }

    /// An item or delimiter: a tag and a 32-bit length, no VR (PS3.5 §7.5).
    private mutating func tag(_ tag: DICOMTag, length: UInt32) {
        bytes += tag.group.littleEndianBytes + tag.element.littleEndianBytes + length.littleEndianBytes
    }

    /// Text pads with a space, UI and binary values with NUL (PS3.5 §6.2).
    private static func padding(for vr: DICOMVR) -> UInt8 {
        vr.isText && vr != .UI ? 0x20 : 0x00
    }

    /// A Big Endian value in Little Endian: each binary number reversed in place, by the width its VR gives
    /// (AT is two 16-bit numbers, OW pixel data 16-bit words); text, OB and UN stay as they are.
    private static func littleEndian(_ value: ArraySlice<UInt8>, vr: DICOMVR) -> [UInt8] {
        let width: Int
        switch vr {
        case .US, .SS, .OW, .AT: width = 2
        case .UL, .SL, .FL, .OF, .OL: width = 4
        case .FD, .OD, .SV, .UV, .OV: width = 8
        default: return Array(value)
        }
        var swapped = Array(value)
        var start = 0
        while start + width <= swapped.count {
            swapped[start..<start + width].reverse()
            start += width
        }
        return swapped
    }
}
