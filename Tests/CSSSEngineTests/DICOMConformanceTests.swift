import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The reader against pydicom 3.0.2, fixture by fixture (`../shared/fixtures/dicom/reference.json`):
/// bit-exact pixels for native and lossless syntaxes, the README's tolerances for lossy JPEG.
@Suite("DICOM conformance with pydicom", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DICOMConformanceTests {
    /// All frames of a fixture, concatenated, with the shape pydicom gives them.
    private struct DecodedFixture {
        let frames: [DICOMFrame]
        let bytes: [UInt8]
        var shape: [Int] {
            let frame = frames[0]
            return (frames.count > 1 ? [frames.count] : []) + [frame.rows, frame.columns]
                + (frame.samplesPerPixel > 1 ? [frame.samplesPerPixel] : [])
        }

        init(_ reference: DICOMReferenceFile) throws {
            frames = try DICOMFile(contentsOf: reference.url).pixelData().allFrames()
            bytes = frames.flatMap { $0.samples.littleEndianBytes() }
        }

        /// Every sample of every frame, in C order.
        var values: [Int] {
            frames.flatMap { frame in (0..<frame.samples.count).map(frame.samples.value(at:)) }
        }
    }

    @Test("every file pydicom decodes gives its shape, type and statistics; lossless and native bit-exact",
          arguments: DICOMReference.decodable)
    func pixels(_ reference: DICOMReferenceFile) throws {
        let expected = try #require(reference.expectedDecode?.array)
        let decoded = try DecodedFixture(reference)
        #expect(decoded.shape == expected.shape)
        #expect(decoded.frames[0].samples.dtype == expected.dtype_hashed)
        let values = decoded.values
        let mean = Double(values.reduce(0, +)) / Double(values.count)
        let sha = DICOMReference.sha256(decoded.bytes)
        if reference.isLossyJPEG {
            // README: decoders differ in IDCT and chroma up-sampling; ±3 for 8-bit colour, ±1 for 12-bit grey.
            let tolerance = decoded.frames[0].samplesPerPixel == 3 ? 3.0 : 1.0
            #expect(abs(mean - expected.mean) <= 0.05, "mean \(mean) against \(expected.mean)")
            #expect(abs(Double(values.min() ?? 0) - expected.min) <= tolerance)
            #expect(abs(Double(values.max() ?? 0) - expected.max) <= tolerance)
            for sample in expected.samples ?? [] {
                let index = sample.index.enumerated().reduce(0) { $0 * expected.shape[$1.offset] + $1.element }
                #expect(abs(Double(values[index]) - sample.value) <= tolerance, "at \(sample.index)")
            }
        } else {
            #expect(sha == expected.sha256)
            #expect(Double(values.min() ?? 0) == expected.min)
            #expect(Double(values.max() ?? 0) == expected.max)
            #expect(abs(mean - expected.mean) <= 1e-9 * max(1, abs(expected.mean)))
        }
    }

    @Test("the raw first-frame dumps match: exactly for lossless, within 3 levels for lossy colour",
          arguments: [("CT_small", false), ("JPEG-LL", false), ("examples_ybr_color", true)])
    func firstFrameDump(stem: String, lossy: Bool) throws {
        let frame = try DICOMFile(contentsOf: Fixtures.url("dicom/\(stem).dcm")).pixelData().frame(0)
        let expected = [UInt8](try Data(contentsOf: Fixtures.url("dicom/\(stem).frame0.bin")))
        let actual = frame.samples.littleEndianBytes()
        #expect(actual.count == expected.count)
        if lossy {
            let differences = zip(actual, expected).map { abs(Int($0) - Int($1)) }
            #expect(differences.max() ?? 0 <= 3)
            #expect(Double(differences.reduce(0, +)) / Double(differences.count) <= 0.05)
        } else {
            #expect(actual == expected)
        }
    }

    @Test("the five MR_small encodings give one array",
          arguments: ["MR_small_implicit.dcm", "MR_small_RLE.dcm", "MR_small_jp2klossless.dcm",
                      "MR_small_jpeg_ls_lossless.dcm"])
    func mrSmallFamily(file: String) throws {
        let frame = try DICOMFile(contentsOf: Fixtures.url("dicom/\(file)")).pixelData().frame(0)
        #expect(DICOMReference.sha256(frame.samples.littleEndianBytes())
                == "88617aaa46138fb1b6e2a951e762d962382354d69f47f8c04d4abff2f6a6a63e")
    }

    @Test("the image attributes, rescale and window values are read as pydicom reads them",
          arguments: DICOMReference.files.filter { $0.attributes.rows != nil && $0.expectedDecode != nil })
    func attributes(_ reference: DICOMReferenceFile) throws {
        let file = try DICOMFile(contentsOf: reference.url)
        let pixels = try file.pixelData()
        let expected = reference.attributes
        #expect(pixels.rows == expected.rows)
        #expect(pixels.columns == expected.columns)
        #expect(pixels.numberOfFrames == expected.frames)
        #expect(pixels.samplesPerPixel == expected.samples_per_pixel)
        #expect(pixels.photometricInterpretation.rawValue == expected.photometric_interpretation)
        #expect(pixels.bitsAllocated == expected.bits_allocated)
        #expect(pixels.bitsStored == expected.bits_stored)
        #expect(pixels.pixelRepresentation == expected.pixel_representation)
        #expect(pixels.planarConfiguration == expected.planar_configuration ?? 0)
        let scan = DICOMScanAttributes(file.dataset)
        #expect(scan.modality == expected.modality)
        #expect(scan.rescale?.slope == expected.rescale_slope)
        #expect(scan.rescale?.intercept == expected.rescale_intercept)
        #expect(scan.rescale?.type == expected.rescale_type)
        #expect(scan.windows.map(\.center) == expected.window_center_all ?? [])
        #expect(scan.windows.map(\.width) == expected.window_width_all ?? [])
    }

    @Test("rescale slope and intercept give pydicom's modality LUT output bit for bit",
          arguments: DICOMReference.decodable.filter { $0.decode.modality_lut?.applied.hasPrefix("rescale") == true })
    func rescaledValues(_ reference: DICOMReferenceFile) throws {
        let file = try DICOMFile(contentsOf: reference.url)
        let rescale = try #require(DICOMScanAttributes(file.dataset).rescale)
        let samples = try file.pixelData().frame(0).samples
        var bytes: [UInt8] = []
        for index in 0..<samples.count {
            let value = Double(samples.value(at: index)) * rescale.slope + rescale.intercept
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        #expect(DICOMReference.sha256(bytes) == reference.decode.modality_lut?.sha256)
    }

    @Test("palette lookup tables give pydicom's apply_color_lut output",
          arguments: DICOMReference.decodable.filter { $0.expectedDecode?.palette_rgb != nil })
    func palette(_ reference: DICOMReferenceFile) throws {
        let pixels = try DICOMFile(contentsOf: reference.url).pixelData()
        let palette = try DICOMPalette(pixels.dataset, signedInput: false, file: reference.file)
        let samples = try pixels.frame(0).samples
        var bytes: [UInt8] = []
        for index in 0..<samples.count {
            for table in [palette.red, palette.green, palette.blue] {
                let entry = UInt16(truncatingIfNeeded: table.entry(for: samples.value(at: index)))
                withUnsafeBytes(of: entry.littleEndian) { bytes.append(contentsOf: $0) }
            }
        }
        #expect(DICOMReference.sha256(bytes) == reference.expectedDecode?.palette_rgb?.sha256)
    }

    @Test("sequences and items of defined and undefined length nest as pydicom reads them",
          arguments: DICOMReference.files.filter { $0.file != "no_meta.dcm" && $0.file != "MR_truncated.dcm" })
    func structure(_ reference: DICOMReferenceFile) throws {
        let file = try DICOMFile(contentsOf: reference.url)
        var counts = StructureCounts()
        counts.add(file.dataset, depth: 0)
        let expected = reference.structure
        #expect(file.dataset.elements.count == expected.elements_top_level)
        #expect(counts.undefinedSequences == expected.undefined_length_sequences)
        #expect(counts.definedSequences == expected.defined_length_sequences)
        #expect(counts.undefinedItems == expected.undefined_length_items)
        #expect(counts.definedItems == expected.defined_length_items)
        #expect(counts.maximumDepth == expected.max_sequence_depth)
    }

    private struct StructureCounts {
        var undefinedSequences = 0, definedSequences = 0, undefinedItems = 0, definedItems = 0, maximumDepth = 0

        mutating func add(_ dataset: DICOMDataset, depth: Int) {
            maximumDepth = max(maximumDepth, depth)
            for element in dataset.elements where element.vr == .SQ {
                if element.hasUndefinedLength { undefinedSequences += 1 } else { definedSequences += 1 }
                for item in element.items {
                    if item.hasUndefinedLength { undefinedItems += 1 } else { definedItems += 1 }
                    add(item, depth: depth + 1)
                }
            }
        }
    }
}
