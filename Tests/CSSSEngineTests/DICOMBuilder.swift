import Foundation
@testable import CSSSEngine

/// Writes small DICOM files element by element, so tests can make the variants the fixtures lack.
struct DICOMBuilder {
    var isExplicitVR = true
    var isBigEndian = false
    private(set) var body: [UInt8] = []

    init(explicitVR: Bool = true, bigEndian: Bool = false) {
        isExplicitVR = explicitVR
        isBigEndian = bigEndian
    }

    /// An element with `value` as its bytes (`length` overrides the length written, e.g. undefined).
    mutating func add(_ tag: DICOMTag, _ vr: DICOMVR, _ value: [UInt8], length: UInt32? = nil) {
        body += header(tag, vr, length: length ?? UInt32(value.count)) + value
    }

    /// A text element, padded to even length (UI with NUL, others with a space).
    mutating func add(_ tag: DICOMTag, _ vr: DICOMVR, _ text: String) {
        var bytes = Array(text.utf8)
        if bytes.count % 2 == 1 { bytes.append(vr == .UI ? 0 : 0x20) }
        add(tag, vr, bytes)
    }

    /// A US element.
    mutating func add(_ tag: DICOMTag, us values: UInt16...) {
        add(tag, .US, values.flatMap(word))
    }

    /// A sequence of items, each given as its encoded elements.
    mutating func addSequence(_ tag: DICOMTag, items: [[UInt8]], undefinedLength: Bool = true) {
        var content: [UInt8] = []
        for item in items {
            content += word32(0xFFFE, 0xE000) + int32(undefinedLength ? 0xFFFF_FFFF : UInt32(item.count)) + item
            if undefinedLength { content += word32(0xFFFE, 0xE00D) + int32(0) }
        }
        if undefinedLength { content += word32(0xFFFE, 0xE0DD) + int32(0) }
        body += header(tag, .SQ, length: undefinedLength ? 0xFFFF_FFFF : UInt32(content.count)) + content
    }

    /// Encapsulated Pixel Data: an offset table item, then one item per fragment.
    mutating func addEncapsulatedPixelData(fragments: [[UInt8]], offsetTable: [UInt32] = []) {
        var content = word32(0xFFFE, 0xE000) + int32(UInt32(offsetTable.count * 4)) + offsetTable.flatMap(int32)
        for fragment in fragments { content += word32(0xFFFE, 0xE000) + int32(UInt32(fragment.count)) + fragment }
        content += word32(0xFFFE, 0xE0DD) + int32(0)
        body += header(.pixelData, .OB, length: 0xFFFF_FFFF) + content
    }

    /// The elements of an item (or of a dataset) on their own.
    static func elements(explicitVR: Bool = true, _ build: (inout DICOMBuilder) -> Void) -> [UInt8] {
        var builder = DICOMBuilder(explicitVR: explicitVR)
        build(&builder)
        return builder.body
    }

    /// A Part 10 file: preamble, "DICM", file meta information naming `transferSyntax` (none when `nil`),
    /// then the body.
    func file(transferSyntax: String?, preamble: Bool = true) -> Data {
        var meta = DICOMBuilder()
        if let transferSyntax { meta.add(.transferSyntaxUID, .UI, transferSyntax) }
        let head = preamble ? [UInt8](repeating: 0, count: 128) + Array("DICM".utf8) : []
        return Data(head + meta.body + body)
    }

    /// Image pixel attributes for a `rows` × `columns` image.
    mutating func addImage(rows: UInt16, columns: UInt16, samples: UInt16 = 1, photometric: String = "MONOCHROME2",
                           bitsAllocated: UInt16, bitsStored: UInt16, signed: Bool = false, frames: Int? = nil,
                           planar: UInt16? = nil) {
        add(.samplesPerPixel, us: samples)
        add(.photometricInterpretation, .CS, photometric)
        if let planar { add(.planarConfiguration, us: planar) }
        if let frames { add(.numberOfFrames, .IS, String(frames)) }
        add(.rows, us: rows)
        add(.columns, us: columns)
        add(.bitsAllocated, us: bitsAllocated)
        add(.bitsStored, us: bitsStored)
        add(.highBit, us: bitsStored - 1)
        add(.pixelRepresentation, us: signed ? 1 : 0)
    }

    private func header(_ tag: DICOMTag, _ vr: DICOMVR, length: UInt32) -> [UInt8] {
        let tagBytes = word(tag.group) + word(tag.element)
        guard isExplicitVR else { return tagBytes + int32(length) }
        let long: Set<DICOMVR> = [.OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV]
        if long.contains(vr) { return tagBytes + Array(vr.rawValue.utf8) + [0, 0] + int32(length) }
        return tagBytes + Array(vr.rawValue.utf8) + word(UInt16(length))
    }

    func word(_ value: UInt16) -> [UInt8] {
        let bytes = [UInt8(value & 0xFF), UInt8(value >> 8)]
        return isBigEndian ? bytes.reversed() : bytes
    }

    func int32(_ value: UInt32) -> [UInt8] {
        let bytes = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
        return isBigEndian ? bytes.reversed() : bytes
    }

    private func word32(_ group: UInt16, _ element: UInt16) -> [UInt8] { word(group) + word(element) }
}
