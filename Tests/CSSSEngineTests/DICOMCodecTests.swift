import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The Swift JPEG lossless decoder against codestreams GDCM's IJG encoder made
/// (`Resources/jpeg-lossless/README.md`): every predictor, restart intervals, point transform, 16 bits.
@Suite("JPEG lossless decoding")
struct JPEGLosslessTests {
    private static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/jpeg-lossless", isDirectory: true)

    private static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(name)))
    }

    private static func image(_ name: String) throws -> [UInt16] {
        let raw = try bytes(name)
        return stride(from: 0, to: raw.count, by: 2).map { UInt16(raw[$0]) | UInt16(raw[$0 + 1]) << 8 }
    }

    @Test("each of the seven predictors decodes the 12-bit image exactly", arguments: 1...7)
    func predictor(_ selection: Int) throws {
        let decoded = try JPEGLosslessDecoder.decode(Self.bytes("gray12-p\(selection).jpg"), width: 40, height: 30,
                                                     components: 1)
        #expect(decoded == (try Self.image("gray12.raw")))
    }

    @Test("restart intervals and a point transform decode like GDCM's IJG")
    func restartsAndPointTransform() throws {
        let decoded = try JPEGLosslessDecoder.decode(Self.bytes("gray12-p6-restart2-pt2.jpg"), width: 40, height: 30,
                                                     components: 1)
        #expect(decoded == (try Self.image("gray12.raw")).map { $0 & ~3 })
    }

    @Test("16-bit samples decode exactly")
    func sixteenBits() throws {
        let decoded = try JPEGLosslessDecoder.decode(Self.bytes("gray16-p7.jpg"), width: 40, height: 30, components: 1)
        #expect(decoded == (try Self.image("gray16.raw")))
    }

    @Test("a codestream cut short, or for another size, is refused with a reason")
    func damaged() throws {
        let whole = try Self.bytes("gray12-p1.jpg")
        #expect(throws: CodestreamFailure.self) {
            try JPEGLosslessDecoder.decode(Array(whole.prefix(whole.count / 2)), width: 40, height: 30, components: 1)
        }
        #expect(throws: CodestreamFailure.self) {
            try JPEGLosslessDecoder.decode(whole, width: 30, height: 40, components: 1)
        }
    }
}

/// A DICOM frame as the engine's ``Image``, and DICOM through ``ImageDecoder``.
@Suite("DICOM images", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DICOMImageTests {
    private func url(_ name: String) -> URL { Fixtures.url("dicom/\(name)") }

    @Test("a DICOM file is recognised by its content and decodes through Image(contentsOf:)")
    func throughImageDecoder() throws {
        let data = try Data(contentsOf: url("CT_small.dcm"))
        #expect(ImageFormat(sniffing: data) == .dicom)
        #expect(ImageFormat(sniffing: try Data(contentsOf: url("OT-PAL-8-face.dcm"))) == .dicom)
        let image = try Image(contentsOf: url("6154"))
        #expect(image.width == 16 && image.height == 16 && image.colorModel == .gray)
    }

    @Test("gray frames go through the display pipeline: the file's window, else the mediastinum preset for a CT; MONOCHROME1 inverted",
          arguments: [("CT_small.dcm", false, false), ("6154", true, true)])
    func grayDisplay(file: String, inverted: Bool, hasWindow: Bool) throws {
        let pixels = try DICOMFile(contentsOf: url(file)).pixelData()
        let gray = try pixels.grayscaleFrame()
        #expect(gray.windows.isEmpty == !hasWindow)
        #expect(gray.photometric == (inverted ? .monochrome1 : .monochrome2))
        let window = hasWindow ? try DisplayPipeline().window(for: gray) : VOIWindow.ctMediastinum
        let expected = gray.storedValues.map { stored in
            let level = window.displayLevel(for: gray.modality.modalityValue(of: stored))
            return inverted ? 255 - level : level
        }
        #expect(try pixels.image().bytes() == expected)
    }

    @Test("CT_small: the CT rescale to Hounsfield units; 6154: pydicom's rescale and first window")
    func grayAttributes() throws {
        let ct = try DICOMFile(contentsOf: url("CT_small.dcm")).pixelData().grayscaleFrame()
        #expect(ct.modality == .rescale(slope: 1, intercept: -1024) && ct.isSigned && ct.bitsStored == 16)
        let cr = try DICOMFile(contentsOf: url("6154")).pixelData().grayscaleFrame()
        #expect(cr.modality == .rescale(slope: 0.684, intercept: 200) && !cr.isSigned && cr.bitsStored == 12)
        #expect(try #require(cr.windows.first).function == .linear)
    }

    @Test("a colour frame is not a grayscale frame")
    func colourIsNotGray() throws {
        let pixels = try DICOMFile(contentsOf: url("SC_rgb_small_odd.dcm")).pixelData()
        #expect(throws: DICOMError.self) { try pixels.grayscaleFrame() }
    }

    @Test("palette images take their palette's colours, 16-bit entries reduced to their high byte")
    func paletteColours() throws {
        let pixels = try DICOMFile(contentsOf: url("OT-PAL-8-face.dcm")).pixelData()
        let palette = try DICOMPalette(pixels.dataset, signedInput: false, file: "OT-PAL-8-face.dcm")
        let index = try pixels.frame(0).samples.value(at: 0)
        let image = try pixels.image()
        #expect(image.colorModel == .rgb)
        #expect(Array(image.bytes().prefix(3)) == [palette.red, palette.green, palette.blue].map {
            UInt8($0.entry(for: index) >> 8)
        })
    }

    @Test("YBR colour decodes to RGB like pydicom's frame")
    func colour() throws {
        let image = try Image(contentsOf: url("SC_rgb_jpeg_dcmtk.dcm"))
        #expect(image.colorModel == .rgb && image.width == 100 && image.height == 100)
        #expect(Array(image.bytes().prefix(2)) == [254, 0])  // pydicom's first pixel: a red bar
    }

    @Test("a DICOM file that cannot be decoded is an ImageDecodingError naming it",
          arguments: ["MR_truncated.dcm", "JPEG-lossy.dcm", "UN_sequence.dcm", "badVR.dcm"])
    func undecodable(file: String) throws {
        let error = try #require(throws: ImageDecodingError.self) { try Image(contentsOf: url(file)) }
        #expect(error.file == url(file).path)
        #expect(!error.description.contains("\n"))
    }
}
