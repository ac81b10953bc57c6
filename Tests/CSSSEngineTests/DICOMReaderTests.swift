import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The reader on files made for the purpose: what the fixtures do not cover.
@Suite("DICOM reader")
struct DICOMReaderTests {
    private static let explicitLittle = DICOMTransferSyntax.explicitVRLittleEndian.uid

    private func read(_ builder: DICOMBuilder, syntax: String? = explicitLittle, preamble: Bool = true,
                      limits: DICOMLimits = .standard) throws(DICOMError) -> DICOMFile {
        try DICOMFile(data: builder.file(transferSyntax: syntax, preamble: preamble), name: "test.dcm", limits: limits)
    }

    /// A 16-bit image of `values`, one row.
    private func image(_ values: [UInt16], bitsStored: UInt16 = 16, signed: Bool = false,
                       modality: String? = nil, frames: Int? = nil) -> DICOMBuilder {
        var builder = DICOMBuilder()
        if let modality { builder.add(.modality, .CS, modality) }
        let columns = UInt16(values.count / (frames ?? 1))
        builder.addImage(rows: 1, columns: columns, bitsAllocated: 16, bitsStored: bitsStored, signed: signed,
                         frames: frames)
        builder.add(.pixelData, .OW, values.flatMap(builder.word))
        return builder
    }

    @Test("text values lose their padding and split at backslashes; numbers that do not parse are absent")
    func textAndNumbers() throws {
        var builder = DICOMBuilder()
        builder.add(.imageType, .CS, "ORIGINAL\\PRIMARY ")
        builder.add(.pixelSpacing, .DS, " 0.5\\0.25 ")
        builder.add(.numberOfFrames, .IS, "1A")
        builder.add(.studyDescription, .LO, "  Chest  ")
        builder.add(.studyDate, .DA, "20240229")
        let dataset = try read(builder).dataset
        #expect(dataset[.imageType]?.strings == ["ORIGINAL", "PRIMARY"])
        #expect(dataset[.pixelSpacing]?.doubles == [0.5, 0.25])
        #expect(dataset[.numberOfFrames]?.integers == nil)
        #expect(dataset[.numberOfFrames]?.string == "1A")
        #expect(dataset[.studyDescription]?.string == "Chest")
        #expect(DICOMScanAttributes(dataset).studyDate?.description == "2024-02-29")
        let spacing = try #require(DICOMScanAttributes(dataset).pixelSpacing)
        #expect(spacing.row == 0.5 && spacing.column == 0.25 && spacing.source == .pixelSpacing)
    }

    @Test("Specific Character Set chooses UTF-8 or Latin-1 for names", arguments: [
        ("ISO_IR 192", Array("Müller^Jürgen".utf8)),
        ("ISO_IR 100", [0x4D, 0xFC, 0x6C, 0x6C, 0x65, 0x72, 0x5E, 0x4A, 0xFC, 0x72, 0x67, 0x65, 0x6E]),
    ])
    func characterSets(characterSet: String, name: [UInt8]) throws {
        var builder = DICOMBuilder()
        builder.add(.specificCharacterSet, .CS, characterSet)
        builder.add(.patientName, .PN, name + (name.count % 2 == 1 ? [0x20] : []))
        #expect(try read(builder).dataset[.patientName]?.string == "Müller^Jürgen")
    }

    @Test("a bare Implicit VR dataset, without preamble or file meta, is read and its syntax inferred")
    func bareImplicitDataset() throws {
        var builder = DICOMBuilder(explicitVR: false)
        builder.add(DICOMTag(0x0008, 0x0000), .UL, builder.int32(0))
        builder.add(.modality, .CS, "OT")
        builder.addImage(rows: 1, columns: 2, bitsAllocated: 16, bitsStored: 16)
        builder.add(.pixelData, .OW, [1, 0, 2, 0])
        let data = builder.file(transferSyntax: nil, preamble: false)
        #expect(ImageFormat(sniffing: data) == .dicom)
        let file = try DICOMFile(data: data, name: "bare")
        #expect(!file.hasPreamble && file.isTransferSyntaxInferred)
        #expect(file.transferSyntax == .implicitVRLittleEndian)
        #expect(try file.pixelData().frame(0).samples == .uint16([1, 2]))
    }

    @Test("a dataset written in implicit VR under an explicit transfer syntax is read as written, as pydicom does")
    func mislabelledEncoding() throws {
        var builder = DICOMBuilder(explicitVR: false)
        builder.add(.modality, .CS, "CT")
        builder.add(.rows, us: 512)
        let dataset = try read(builder).dataset
        #expect(dataset[.modality]?.string == "CT" && dataset[.rows]?.integer == 512)
    }

    @Test("an element longer than the file is reported as truncated, naming it")
    func truncatedElement() throws {
        var builder = DICOMBuilder()
        builder.add(.patientName, .PN, Array("Doe^John".utf8), length: 400)
        #expect {
            try read(builder)
        } throws: { error in
            guard case .truncated(let file, let tag, _) = error as? DICOMError else { return false }
            return file == "test.dcm" && tag == .patientName
        }
    }

    @Test("sequences nested deeper than the limit are refused, not followed")
    func nestingLimit() throws {
        var item = DICOMBuilder.elements { $0.add(.patientID, .LO, "deep") }
        for _ in 0..<20 {
            item = DICOMBuilder.elements { $0.addSequence(.modalityLUTSequence, items: [item]) }
        }
        var builder = DICOMBuilder()
        builder.add(.modality, .CS, "OT")
        builder.addSequence(.voiLUTSequence, items: [item], undefinedLength: false)
        #expect(throws: DICOMError.limitExceeded(
            file: "test.dcm", what: "sequences nested more than 16 deep at (0028,3000)")) { try read(builder) }
        #expect(try read(builder, limits: DICOMLimits(maximumDepth: 32)).dataset.contains(.voiLUTSequence))
    }

    @Test("a syntax the reader does not decode gives an error naming it",
          arguments: [("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level"), ("1.2.3.4.5", nil)])
    func unsupportedSyntax(uid: String, name: String?) throws {
        var builder = DICOMBuilder()
        builder.addImage(rows: 1, columns: 1, bitsAllocated: 8, bitsStored: 8)
        builder.addEncapsulatedPixelData(fragments: [[0, 0]])
        let file = try read(builder, syntax: uid)
        #expect(throws: DICOMError.unsupportedTransferSyntax(file: "test.dcm", uid: uid, name: name)) {
            try file.pixelData()
        }
    }

    @Test("the default frame is the middle slice of a CT or MR volume and the first of anything else",
          arguments: [("CT", 2), ("MR", 2), ("US", 0)])
    func defaultFrame(modality: String, expected: Int) throws {
        let pixels = try read(image([10, 11, 12, 13, 14], modality: modality, frames: 5)).pixelData()
        #expect(pixels.defaultFrameIndex == expected)
        #expect(try pixels.frame(expected).samples == .uint16([UInt16(10 + expected)]))
        #expect(throws: DICOMError.frameOutOfRange(file: "test.dcm", index: 5, count: 5)) { try pixels.frame(5) }
    }

    @Test("bits above Bits Stored are sign-extended for signed pixels and cleared for unsigned ones",
          arguments: [(true, [Int16(-1), -2048, 2047, 0].map(Int.init)), (false, [4095, 2048, 2047, 0])])
    func unusedBits(signed: Bool, expected: [Int]) throws {
        // 12 bits stored in 16, with garbage in the top four bits.
        let frame = try read(image([0xFFFF, 0x7800, 0x87FF, 0xF000], bitsStored: 12, signed: signed))
            .pixelData().frame(0)
        #expect((0..<4).map(frame.samples.value(at:)) == expected)
    }

    @Test("8- and 32-bit samples keep their width and sign")
    func sampleTypes() throws {
        var builder = DICOMBuilder()
        builder.addImage(rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, signed: true)
        builder.add(.pixelData, .OB, [0xFF, 0x7F])
        #expect(try read(builder).pixelData().frame(0).samples == .int8([-1, 127]))

        builder = DICOMBuilder()
        builder.addImage(rows: 1, columns: 1, bitsAllocated: 32, bitsStored: 32, signed: true)
        builder.add(.pixelData, .OB, builder.int32(0xFFFF_FFFE))
        #expect(try read(builder).pixelData().frame(0).samples == .int32([-2]))
    }

    @Test("planar RGB (R… G… B…) is interleaved")
    func planarRGB() throws {
        var builder = DICOMBuilder()
        builder.addImage(rows: 1, columns: 2, samples: 3, photometric: "RGB", bitsAllocated: 8, bitsStored: 8, planar: 1)
        builder.add(.pixelData, .OB, [1, 2, 3, 4, 5, 6])
        #expect(try read(builder).pixelData().frame(0).samples == .uint8([1, 3, 5, 2, 4, 6]))
    }

    @Test("RLE frames are found through the Basic Offset Table, or one fragment each without it",
          arguments: [true, false])
    func rleFrames(withOffsetTable: Bool) throws {
        // One 2×1 8-bit frame per fragment: an RLE header with one segment, then a literal run of 2 bytes.
        func frame(_ a: UInt8, _ b: UInt8) -> [UInt8] {
            [1, 0, 0, 0, 64, 0, 0, 0] + [UInt8](repeating: 0, count: 56) + [1, a, b, 0]
        }
        var builder = DICOMBuilder()
        builder.addImage(rows: 1, columns: 2, bitsAllocated: 8, bitsStored: 8, frames: 2)
        builder.addEncapsulatedPixelData(fragments: [frame(1, 2), frame(3, 4)],
                                         offsetTable: withOffsetTable ? [0, 76] : [])
        let frames = try read(builder, syntax: "1.2.840.10008.1.2.5").pixelData().allFrames()
        #expect(frames.map(\.samples) == [.uint8([1, 2]), .uint8([3, 4])])
    }

    @Test("without an offset table, JPEG fragments are grouped into frames at end-of-image markers")
    func fragmentsSplitAtEndOfImage() throws {
        let fragments = DICOMFragments(basicOffsetTable: [], fragments: [[0xFF, 0xD8, 1], [2, 0xFF, 0xD9, 0], [0xFF, 0xD8, 0xFF, 0xD9]],
                                       fragmentOffsets: [0, 11, 23])
        #expect(try EncapsulatedFrames.ranges(of: fragments, frameCount: 2, file: "f", offset: 0) == [0..<2, 2..<3])
        #expect(throws: DICOMError.self) { try EncapsulatedFrames.ranges(of: fragments, frameCount: 4, file: "f", offset: 0) }
    }

    @Test("the Explicit VR UN sequence of undefined length is read as an Implicit VR sequence",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func unknownVRSequence() throws {
        let file = try DICOMFile(contentsOf: Fixtures.url("dicom/UN_sequence.dcm"))
        let sequence = try #require(file.dataset[DICOMTag(0x4453, 0x100C)])
        #expect(sequence.vr == .SQ && sequence.hasUndefinedLength)
        let inner = try #require(sequence.items.first?[DICOMTag(0x0008, 0x1115)]?.items.first?[DICOMTag(0x0008, 0x1199)])
        #expect(inner.items.first?[DICOMTag(0x0008, 0x1150)]?.string == "1.2.840.10008.5.1.4.1.1.2")
    }
}
