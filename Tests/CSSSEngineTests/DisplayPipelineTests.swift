import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

@Suite("Modality LUT")
struct ModalityLUTTests {
    @Test("a rescale is stored × slope + intercept in float64, bit for bit as pydicom (CR 6154: 0.684, 200)")
    func rescaleLikePydicom() {
        // The extremes of 6154's modality output in reference.json, from its stored extremes 1994 and 2802.
        let rescale = ModalityLUT.rescale(slope: 0.684, intercept: 200)
        #expect(rescale.modalityValue(of: 1994) == 1563.8960000000002)
        #expect(rescale.modalityValue(of: 2802) == 2116.568)
        #expect(ModalityLUT.rescale(slope: 1, intercept: -1024).modalityValue(of: 24) == -1000)
        #expect(ModalityLUT.identity.modalityValue(of: -5) == -5)
    }

    @Test("a table maps values below its first to the first entry and past its end to the last")
    func table() throws {
        let table = ModalityLUT.table(try ModalityTable(firstMappedValue: -2, entries: [100, 200, 300], bitsPerEntry: 12))
        #expect([-10, -2, -1, 0, 1, 50].map { table.modalityValue(of: $0) } == [100, 100, 200, 300, 300, 300])
    }

    @Test("a table without entries or with entries wider than 16 bits is refused")
    func invalidTable() {
        #expect(throws: DisplayError.invalidModalityTable(entryCount: 0, bitsPerEntry: 16)) {
            try ModalityTable(firstMappedValue: 0, entries: [], bitsPerEntry: 16)
        }
        #expect(throws: DisplayError.invalidModalityTable(entryCount: 1, bitsPerEntry: 17)) {
            try ModalityTable(firstMappedValue: 0, entries: [1], bitsPerEntry: 17)
        }
    }

    @Test("pydicom's windowing range is the stored range through the Modality LUT")
    func voiOutputRange() throws {
        let cr = try frame([0], bitsStored: 12, isSigned: false, modality: .rescale(slope: 0.684, intercept: 200))
        #expect(cr.voiOutputRange == VOIOutputRange(yMin: 200, yMax: 4095 * 0.684 + 200))
        let mr = try frame([0], bitsStored: 16, isSigned: true)
        #expect(mr.voiOutputRange == VOIOutputRange(yMin: -32768, yMax: 32767))
        let lut = try frame([0], bitsStored: 16, modality: .table(ModalityTable(firstMappedValue: 0, entries: [0], bitsPerEntry: 10)))
        #expect(lut.voiOutputRange == VOIOutputRange(yMin: 0, yMax: 1023))
    }
}

@Suite("VOI window")
struct VOIWindowTests {
    @Test("LINEAR follows PS3.3 C.11.2.1.2.1, edges at c − 0.5 ∓ (w − 1)/2 included below and above")
    func linear() throws {
        let window = try VOIWindow(center: 40, width: 400)
        // c − 0.5 − (w − 1)/2 = −160 is still black; c − 0.5 + (w − 1)/2 = 239 is white by the ramp itself.
        #expect(window.output(for: -160, in: .eightBit) == 0)
        #expect(window.output(for: -159.5, in: .eightBit) == ((-159.5 - 39.5) / 399 + 0.5) * 255)
        #expect(window.output(for: 40, in: .eightBit) == 127.81954887218045)
        #expect(window.output(for: 239, in: .eightBit) == 255)
        #expect(window.output(for: 239.0001, in: .eightBit) == 255)
        #expect(window.output(for: -3000, in: .eightBit) == 0)
        #expect([-160, -159.5, 40, 239, 5000].map(window.displayLevel(for:)) == [0, 0, 128, 255, 255])
    }

    @Test("LINEAR_EXACT follows PS3.3 C.11.2.1.3.2: no half-unit offsets")
    func linearExact() throws {
        let window = try VOIWindow(center: 40, width: 400, function: .linearExact)
        #expect(window.output(for: -160, in: .eightBit) == 0)
        #expect(window.output(for: 40, in: .eightBit) == 127.5)
        #expect(window.output(for: 140, in: .eightBit) == 191.25)
        #expect(window.output(for: 240, in: .eightBit) == 255)
        #expect(window.output(for: 240.5, in: .eightBit) == 255)
    }

    @Test("SIGMOID follows PS3.3 C.11.2.1.3.1: half-way at the centre, no hard edges")
    func sigmoid() throws {
        let window = try VOIWindow(center: 40, width: 400, function: .sigmoid)
        #expect(window.output(for: 40, in: .eightBit) == 127.5)
        #expect(abs(window.output(for: 140, in: .eightBit) - 186.41993755065124) < 1e-12)
        #expect(window.output(for: -1000, in: .eightBit) > 0)
        #expect(window.output(for: -1000, in: VOIOutputRange(yMin: -10, yMax: 10)) > -10)
    }

    @Test("a window maps onto any output range, as pydicom's y_min…y_max")
    func outputRange() throws {
        let window = try VOIWindow(center: 600, width: 1600)
        let range = VOIOutputRange(yMin: -32768, yMax: 32767)
        // MR_small's smallest value, 127, is its smallest VOI output in reference.json.
        #expect(window.output(for: 127, in: range) == -19365.908067542216)
        #expect(window.output(for: -200, in: range) == -32768)
        #expect(window.output(for: 1400, in: range) == 32767)
    }

    @Test("widths below what the function allows, and values that are not finite, are refused")
    func invalidWindows() throws {
        #expect(throws: DisplayError.invalidWindow(center: 0, width: 0.5, function: .linear)) {
            try VOIWindow(center: 0, width: 0.5)
        }
        #expect(throws: DisplayError.invalidWindow(center: 0, width: 0, function: .linearExact)) {
            try VOIWindow(center: 0, width: 0, function: .linearExact)
        }
        #expect(throws: DisplayError.invalidWindow(center: 0, width: -1, function: .sigmoid)) {
            try VOIWindow(center: 0, width: -1, function: .sigmoid)
        }
        #expect(throws: DisplayError.self) { try VOIWindow(center: .nan, width: 10) }
        // Width 1 is the narrowest LINEAR window: a threshold at the centre.
        let threshold = try VOIWindow(center: 10, width: 1)
        #expect([9.5, 10, 10.5].map(threshold.displayLevel(for:)) == [0, 255, 255])
    }

    @Test("VOI LUT Function terms are read as DICOM writes them")
    func functionNames() {
        #expect(VOIFunction(dicomName: "LINEAR_EXACT ") == .linearExact)
        #expect(VOIFunction(dicomName: "sigmoid") == .sigmoid)
        #expect(VOIFunction(dicomName: "LINEAR") == .linear)
        #expect(VOIFunction(dicomName: "LOG") == nil)
    }

    @Test("the CT presets are lung −600/1500, mediastinum 40/400, bone 400/1800, brain 40/80")
    func presets() {
        let presets = [VOIWindow.ctLung, .ctMediastinum, .ctBone, .ctBrain]
        #expect(presets.map(\.center) == [-600, 40, 400, 40])
        #expect(presets.map(\.width) == [1500, 400, 1800, 80])
        #expect(presets.allSatisfy { $0.function == .linear })
        // Air (−1000 HU) is dark grey in the lung window, whose ramp starts at −1350, and black in the others;
        // dense bone (+1000 HU) is white in all but the bone window.
        #expect(presets.map { $0.displayLevel(for: -1000) } == [60, 0, 0, 0])
        #expect(presets.map { $0.displayLevel(for: 1000) } == [255, 255, 213, 255])
    }

    @Test("the automatic window puts the minimum at black and the maximum at white")
    func automatic() {
        let window = VOIWindow.automatic(minimum: -1024, maximum: 3071)
        #expect(window.displayLevel(for: -1024) == 0)
        #expect(window.displayLevel(for: 3071) == 255)
        #expect(window.displayLevel(for: 1023.5) == 128)
        #expect(VOIWindow.automatic(minimum: 7, maximum: 7).displayLevel(for: 7) == 0)
        // A rescale that overflows to ±infinity gives a NaN window; it shows black rather than trapping.
        #expect(VOIWindow.automatic(minimum: -.infinity, maximum: .infinity).displayLevel(for: 0) == 0)
    }
}

@Suite("Display pipeline")
struct DisplayPipelineTests {
    @Test("MONOCHROME1 is inverted after the window: low values white")
    func monochrome1() throws {
        let values: [Int64] = [0, 100, 200, 300, 400, 500]
        let window = try VOIWindow(center: 250, width: 500)
        let pipeline = DisplayPipeline(window: .window(window))
        let normal = try pipeline.render(frame(values, photometric: .monochrome2)).bytes()
        let inverted = try pipeline.render(frame(values, photometric: .monochrome1)).bytes()
        #expect(normal == values.map { window.displayLevel(for: Double($0)) })
        #expect(inverted == normal.map { 255 - $0 })
        #expect(inverted.first == 255 && inverted.last == 0)
    }

    @Test("the file's window is used, the one asked for, or the automatic one when the file has none")
    func windowChoice() throws {
        let soft = try VOIWindow(center: 40, width: 400), wide = try VOIWindow(center: 0, width: 4000)
        let withWindows = try frame([-1000, 0, 40, 3000], windows: [soft, wide])
        #expect(try DisplayPipeline().window(for: withWindows) == soft)
        #expect(try DisplayPipeline(window: .file(index: 1)).window(for: withWindows) == wide)
        #expect(try DisplayPipeline(window: .window(.ctBone)).window(for: withWindows) == .ctBone)
        #expect(throws: DisplayError.windowIndexOutOfRange(index: 2, available: 2)) {
            try DisplayPipeline(window: .file(index: 2)).window(for: withWindows)
        }
        let without = try frame([-1000, 0, 40, 3000], modality: .rescale(slope: 2, intercept: 10))
        #expect(try DisplayPipeline().window(for: without) == .automatic(minimum: -1990, maximum: 6010))
        #expect(try DisplayPipeline().render(without).bytes() == [0, 64, 66, 255])
        #expect(try DisplayPipeline(window: .automatic).window(for: withWindows) == .automatic(minimum: -1000, maximum: 3000))
    }

    @Test("a frame whose values do not fill it, or with Bits Stored outside 1…32, is refused")
    func invalidFrames() {
        #expect(throws: DisplayError.frameSizeMismatch(width: 2, height: 2, valueCount: 3)) {
            try GrayscaleFrame(width: 2, height: 2, storedValues: [Int64](repeating: 0, count: 3), bitsStored: 8,
                               isSigned: false, photometric: .monochrome2)
        }
        #expect(throws: DisplayError.unsupportedBitsStored(33)) {
            try GrayscaleFrame(width: 1, height: 1, storedValues: [Int64(0)], bitsStored: 33, isSigned: false,
                               photometric: .monochrome2)
        }
    }

    @Test("a Rescale Slope or Intercept that is not finite is refused")
    func invalidRescale() {
        #expect(throws: DisplayError.invalidRescale(slope: .infinity, intercept: 0)) {
            try frame([0], modality: .rescale(slope: .infinity, intercept: 0))
        }
    }

    @Test("a frame takes a decoder's samples of any integer type")
    func integerSamples() throws {
        let samples: [UInt16] = [0, 4095, 65535]
        let frame = try GrayscaleFrame(width: 3, height: 1, storedValues: samples, bitsStored: 16, isSigned: false,
                                       photometric: .monochrome2)
        #expect(frame.storedValues == [0, 4095, 65535])
        #expect(frame.storedRange == 0...65535)
    }

    @Test("a frame becomes an 8-bit gray image, then a [1, H, W, 3] model input")
    func frameToModelInput() throws {
        let width = 96, height = 80
        // A CT-like ramp from air to bone, in stored values with the usual −1024 intercept.
        let stored = (0..<width * height).map { UInt16(($0 % width) * 40 + ($0 / width) * 3) }
        let frame = try GrayscaleFrame(width: width, height: height, storedValues: stored, bitsStored: 12,
                                       isSigned: false, photometric: .monochrome2,
                                       modality: .rescale(slope: 1, intercept: -1024))
        let pipeline = DisplayPipeline(window: .window(.ctLung), clahe: try CLAHE(), medianDenoise: true)
        let image = try pipeline.render(frame)
        #expect(image.width == width && image.height == height)
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        let tensor = ModelInputPreprocessor(width: 32, height: 24).tensor(for: image)
        #expect(tensor.shape == [1, 24, 32, 3])
        #expect(tensor.values.allSatisfy { (-1...1).contains($0) })
    }
}

@Suite("Display pipeline against pydicom", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DisplayPydicomConformanceTests {
    @Test("CT_small: the rescale to HU gives pydicom's apply_modality_lut statistics")
    func ctSmallModality() throws {
        let stored = try littleEndianInt16(Data(contentsOf: Fixtures.url("dicom/CT_small.frame0.bin")))
        let frame = try GrayscaleFrame(width: 128, height: 128, storedValues: stored, bitsStored: 16, isSigned: true,
                                       photometric: .monochrome2, modality: .rescale(slope: 1, intercept: -1024))
        let reference = try PydicomReference.stages(of: "CT_small.dcm")
        try expectStatistics(frame.modalityValues(), equal: reference.modality)
    }

    @Test("MR_small: the 600/1600 window gives pydicom's apply_voi_lut statistics on −32768…32767")
    func mrSmallWindow() throws {
        let data = try pixelData(of: "MR_small_implicit.dcm", header: [0xE0, 0x7F, 0x10, 0x00, 0x00, 0x20, 0x00, 0x00], count: 8192)
        let frame = try GrayscaleFrame(width: 64, height: 64, storedValues: littleEndianInt16(data), bitsStored: 16,
                                       isSigned: true, photometric: .monochrome2, windows: [VOIWindow(center: 600, width: 1600)])
        let reference = try PydicomReference.stages(of: "MR_small_implicit.dcm")
        try expectStatistics(frame.modalityValues(), equal: reference.modality)
        let voi = frame.modalityValues().map { frame.windows[0].output(for: $0, in: frame.voiOutputRange) }
        try expectStatistics(voi, equal: reference.voi)
    }

    @Test("6154 (CR, MONOCHROME1, 12 bits, slope 0.684): pydicom's modality and VOI outputs, and the 8-bit levels they scale to")
    func crMonochrome1() throws {
        let data = try pixelData(of: "6154", header: [0xE0, 0x7F, 0x10, 0x00, 0x4F, 0x57, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00], count: 512)
        // 12 of 16 bits stored: pydicom clears the 4 unused high bits.
        let stored = data.withUnsafeBytes { raw in (0..<256).map { raw.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self) & 0x0FFF } }
        let window = try VOIWindow(center: 1600, width: 2800)
        let frame = try GrayscaleFrame(width: 16, height: 16, storedValues: stored, bitsStored: 12, isSigned: false,
                                       photometric: .monochrome1, modality: .rescale(slope: 0.684, intercept: 200),
                                       windows: [window])
        let reference = try PydicomReference.stages(of: "6154")
        try expectStatistics(frame.modalityValues(), equal: reference.modality)
        let range = frame.voiOutputRange
        let voi = frame.modalityValues().map { window.output(for: $0, in: range) }
        try expectStatistics(voi, equal: reference.voi)
        // pydicom's output rescaled to 0…255 (the fixture README's rule) is the display ramp before rounding.
        for (pydicom, modality) in zip(voi, frame.modalityValues()) {
            let scaled = (pydicom - range.yMin) / (range.yMax - range.yMin) * 255
            #expect(abs(scaled - window.output(for: modality, in: .eightBit)) < 1e-9)
        }
        // pydicom does not invert MONOCHROME1; display does.
        let levels = try DisplayPipeline().render(frame).bytes()
        #expect(levels == frame.modalityValues().map { 255 - window.displayLevel(for: $0) })
    }
}

// MARK: - Helpers

private func frame(_ values: [Int64], bitsStored: Int = 16, isSigned: Bool = true,
                   photometric: GrayscaleFrame.Photometric = .monochrome2, modality: ModalityLUT = .identity,
                   windows: [VOIWindow] = []) throws -> GrayscaleFrame {
    try GrayscaleFrame(width: values.count, height: 1, storedValues: values, bitsStored: bitsStored, isSigned: isSigned,
                       photometric: photometric, modality: modality, windows: windows)
}

private func littleEndianInt16(_ data: Data) -> [Int16] {
    data.withUnsafeBytes { raw in (0..<data.count / 2).map { Int16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * $0, as: Int16.self)) } }
}

/// The value of a native Pixel Data element that ends its file, after checking the element's header, so
/// these tests need no DICOM reader.
private func pixelData(of file: String, header: [UInt8], count: Int) throws -> Data {
    let data = try Data(contentsOf: Fixtures.url("dicom/\(file)"))
    try #require([UInt8](data.suffix(count + header.count).prefix(header.count)) == header,
                 "\(file) does not end with its Pixel Data element")
    return data.suffix(count)
}

/// The statistics `reference.json` records for a file's modality and VOI LUT outputs. Decoded with
/// `JSONDecoder`, which parses doubles exactly (`JSONSerialization` on Linux rounds their last digits).
private struct PydicomReference: Decodable {
    struct Statistics: Decodable {
        let min: Double, max: Double, mean: Double
    }

    struct Stages: Decodable {
        let modality: Statistics?, voi: Statistics?

        enum CodingKeys: String, CodingKey {
            case modality = "modality_lut", voi = "voi_lut"
        }
    }

    struct File: Decodable {
        let file: String
        let decode: Stages?
    }

    let files: [File]

    static func stages(of name: String) throws -> (modality: Statistics, voi: Statistics) {
        let reference = try JSONDecoder().decode(Self.self, from: Data(contentsOf: Fixtures.url("dicom/reference.json")))
        let stages = try #require(reference.files.first { $0.file == name }?.decode, "\(name) has no decode in reference.json")
        return (try #require(stages.modality), try #require(stages.voi))
    }
}

/// Extremes exactly; the mean to 1e-12 relative, since numpy sums pairwise and this sums in order.
private func expectStatistics(_ values: [Double], equal reference: PydicomReference.Statistics,
                              sourceLocation: SourceLocation = #_sourceLocation) throws {
    #expect(values.min() == reference.min, sourceLocation: sourceLocation)
    #expect(values.max() == reference.max, sourceLocation: sourceLocation)
    let mean = values.reduce(0, +) / Double(values.count)
    #expect(abs(mean - reference.mean) <= 1e-12 * abs(reference.mean), "mean \(mean) vs \(reference.mean)",
            sourceLocation: sourceLocation)
}
