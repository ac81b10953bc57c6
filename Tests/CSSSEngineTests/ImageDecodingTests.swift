import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The tiny images written by `bench/fixtures/make_test_images.py`, committed beside these tests and found
/// from this file's path, so they need no resource bundle.
enum TestImages {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/images", isDirectory: true)

    static func url(_ name: String) -> URL { folder.appendingPathComponent(name) }

    static func decode(_ name: String) throws -> Image { try Image(contentsOf: url(name)) }

    static func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: url(name))) }
}

/// The sample formulas the generator used for the 7×5 PNGs.
private enum Pattern {
    static let width = 7, height = 5

    static func gray(_ x: Int, _ y: Int) -> Int { (x * 37 + y * 11) % 256 }
    static func green(_ x: Int, _ y: Int) -> Int { (x * 11 + y * 53 + 80) % 256 }
    static func blue(_ x: Int, _ y: Int) -> Int { (x * 71 + y * 3 + 160) % 256 }
    static func gray16(_ x: Int, _ y: Int) -> Int { (x * 9001 + y * 4099) % 65536 }
    static func green16(_ x: Int, _ y: Int) -> Int { (x * 7919 + y * 6007 + 20000) % 65536 }
    static func blue16(_ x: Int, _ y: Int) -> Int { (x * 3571 + y * 12553 + 40000) % 65536 }

    /// Row-major samples, channels interleaved, one formula per channel.
    static func samples(_ channels: [(Int, Int) -> Int]) -> [Int] {
        (0..<height).flatMap { y in (0..<width).flatMap { x in channels.map { $0(x, y) } } }
    }

    /// libpng's 16 → 8-bit reduction, used for 16-bit files that have alpha.
    static func libpngEightBit(_ value: Int) -> Int { (value * 255 + 32767) / 65535 }

    static func paletteEntry(_ x: Int, _ y: Int) -> [Int] {
        let index = (x + 7 * y) % 35
        return [(index * 7) % 256, (index * 13 + 1) % 256, (index * 29 + 2) % 256]
    }
}

private func eightBit(_ image: Image) -> [Int] { image.bytes().map(Int.init) }

private func sixteenBit(_ image: Image) -> [Int]? {
    guard case .uint16(let values) = image.samples else { return nil }
    return values.map(Int.init)
}

@Suite("Decoding PNG")
struct PNGDecodingTests {
    @Test("an 8-bit gray PNG gives its samples as stored", arguments: ["gray8.png", "gray8-gamma1.png"])
    func eightBitGray(file: String) throws {
        // gray8-gamma1.png has a gAMA chunk of 1.0 that libpng alone would re-encode to sRGB; Pillow ignores it.
        let image = try TestImages.decode(file)
        #expect(image.width == 7 && image.height == 5)
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        #expect(eightBit(image) == Pattern.samples([Pattern.gray]))
    }

    @Test("a 2-bit gray PNG is scaled to 8 bits as Pillow scales it")
    func twoBitGray() throws {
        let image = try TestImages.decode("gray2.png")
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        #expect(eightBit(image) == Pattern.samples([{ x, y in (x + 3 * y) % 4 * 85 }]))
    }

    @Test("a 16-bit gray PNG keeps its 16-bit samples, and its bytes are their high bytes",
          arguments: ["gray16.png", "gray16-srgb.png"])
    func sixteenBitGray(file: String) throws {
        let image = try TestImages.decode(file)
        #expect(image.colorModel == .gray && image.bitDepth == 16)
        let expected = Pattern.samples([Pattern.gray16])
        #expect(sixteenBit(image) == expected)
        #expect(eightBit(image) == expected.map { $0 >> 8 })
    }

    @Test("a gray+alpha PNG drops its alpha and keeps gray as stored")
    func grayAlpha() throws {
        let image = try TestImages.decode("graya8.png")
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        #expect(eightBit(image) == Pattern.samples([Pattern.gray]))
    }

    @Test("a 16-bit gray+alpha PNG drops its alpha and comes out at 8 bits, rounded by libpng")
    func sixteenBitGrayAlpha() throws {
        let image = try TestImages.decode("graya16.png")
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        #expect(eightBit(image) == Pattern.samples([Pattern.gray16]).map(Pattern.libpngEightBit))
    }

    @Test("an RGB or RGBA PNG gives its colour samples as stored, alpha dropped",
          arguments: ["rgb8.png", "rgba8.png", "rgb8-interlaced.png"])
    func eightBitColor(file: String) throws {
        let image = try TestImages.decode(file)
        #expect(image.colorModel == .rgb && image.bitDepth == 8)
        #expect(eightBit(image) == Pattern.samples([Pattern.gray, Pattern.green, Pattern.blue]))
    }

    @Test("a 16-bit RGB PNG keeps its 16-bit samples")
    func sixteenBitColor() throws {
        let image = try TestImages.decode("rgb16.png")
        #expect(image.colorModel == .rgb && image.bitDepth == 16)
        let expected = Pattern.samples([Pattern.gray16, Pattern.green16, Pattern.blue16])
        #expect(sixteenBit(image) == expected)
        #expect(eightBit(image) == expected.map { $0 >> 8 })
    }

    @Test("a 16-bit RGBA PNG drops its alpha and comes out at 8 bits, rounded by libpng")
    func sixteenBitColorAlpha() throws {
        let image = try TestImages.decode("rgba16.png")
        #expect(image.colorModel == .rgb && image.bitDepth == 8)
        let expected = Pattern.samples([Pattern.gray16, Pattern.green16, Pattern.blue16])
        #expect(eightBit(image) == expected.map(Pattern.libpngEightBit))
    }

    @Test("a palette PNG with tRNS expands to the palette's RGB, transparency dropped")
    func palette() throws {
        let image = try TestImages.decode("palette8-trns.png")
        #expect(image.colorModel == .rgb && image.bitDepth == 8)
        let expected = (0..<Pattern.height).flatMap { y in (0..<Pattern.width).flatMap { x in Pattern.paletteEntry(x, y) } }
        #expect(eightBit(image) == expected)
    }
}

@Suite("Decoding JPEG")
struct JPEGDecodingTests {
    @Test("a JPEG decodes to exactly the bytes Pillow decodes from it",
          arguments: ["gray-baseline", "rgb-baseline", "rgb-422", "rgb-progressive", "cmyk"])
    func matchesPillow(stem: String) throws {
        let image = try TestImages.decode(stem + ".jpg")
        #expect(image.width == 19 && image.height == 13)
        #expect(image.colorModel == (stem.hasPrefix("gray") ? .gray : .rgb))
        let expected = try TestImages.bytes(stem + ".raw")
        let decoded = image.bytes()
        try #require(decoded.count == expected.count)
        let differing = zip(decoded, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(expected.count) samples differ from Pillow")
    }

    @Test("a chest X-ray decodes exactly as libjpeg-turbo's islow IDCT decodes it",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func chestXRayParity() throws {
        let image = try Image(contentsOf: Fixtures.url("images/cxr/person1951_bacteria_4882.jpeg"))
        #expect(image.width == 1016 && image.height == 656)
        #expect(image.colorModel == .gray && image.bitDepth == 8)
        let expected = [UInt8](try Data(contentsOf: Fixtures.url("reference/jpeg/person1951_bacteria_4882.decoded.u8.bin")))
        let decoded = image.bytes()
        try #require(decoded.count == expected.count)
        #expect(zip(decoded, expected).filter { $0 != $1 }.count == 0)
    }

    @Test("CMYK follows Pillow's inverted-CMYK rule")
    func cmykRule() {
        // Stored (inverted) C, M, Y, K: no ink and no black is white; full black is black; half cyan.
        let rgb = JPEGDecoder.rgb(fromInvertedCMYK: [255, 255, 255, 255, 0, 0, 0, 0, 127, 255, 255, 255])
        #expect(rgb == [255, 255, 255, 0, 0, 0, 127, 255, 255])
    }
}

@Suite("Format sniffing")
struct FormatSniffingTests {
    @Test("the format comes from the first bytes, not from the name")
    func sniffsContent() throws {
        let png = try Data(contentsOf: TestImages.url("rgb8.png"))
        let jpeg = try Data(contentsOf: TestImages.url("rgb-baseline.jpg"))
        #expect(ImageFormat(sniffing: png) == .png)
        #expect(ImageFormat(sniffing: jpeg) == .jpeg)
        #expect(ImageFormat(sniffing: Data("GIF89a".utf8)) == nil)
        #expect(try ImageDecoder.decode(png, name: "scan.jpeg").colorModel == .rgb)
    }
}

@Suite("Rejecting files that are not whole images")
struct RejectedFileTests {
    /// Decodes `name` from the test images, requiring the typed error, which must name the file.
    private func error(decoding name: String) throws -> ImageDecodingError {
        let url = TestImages.url(name)
        let error = try #require(throws: ImageDecodingError.self) { try Image(contentsOf: url) }
        #expect(error.file == url.path)
        #expect(error.description.contains(name))
        #expect(!error.description.contains("\n"))
        return error
    }

    @Test("a text file is not an image, and the message shows how it starts")
    func textFile() throws {
        let error = try error(decoding: "not-an-image.png")
        #expect(error == .unsupportedFormat(file: TestImages.url("not-an-image.png").path, leadingBytes: Array("Patient ".utf8)))
        #expect(error.description.contains("not a PNG, JPEG or DICOM image (starts with 50 61 74 69 65 6E 74 20 \"Patient \")"))
    }

    @Test("an empty file is unreadable")
    func emptyFile() throws {
        let error = try error(decoding: "empty.png")
        #expect(error == .unreadable(file: TestImages.url("empty.png").path, reason: "the file is empty"))
    }

    @Test("a missing file is unreadable")
    func missingFile() throws {
        guard case .unreadable = try error(decoding: "no-such-scan.png") else {
            Issue.record("a missing file should be unreadable")
            return
        }
    }

    @Test("a truncated PNG is rejected with its name")
    func truncatedPNG() throws {
        #expect(try error(decoding: "truncated.png") == .truncated(file: TestImages.url("truncated.png").path))
    }

    @Test("a truncated JPEG is rejected, not padded with grey")
    func truncatedJPEG() throws {
        #expect(try error(decoding: "truncated.jpg") == .truncated(file: TestImages.url("truncated.jpg").path))
    }

    @Test("a damaged PNG or JPEG is corrupt, with the decoder's reason",
          arguments: [("bad-crc.png", "CRC"), ("bad-idat.png", "IDAT"), ("corrupt.jpg", "Huffman")])
    func corrupt(file: String, reasonMentions word: String) throws {
        let error = try error(decoding: file)
        guard case .corrupt(_, let reason) = error else {
            Issue.record("\(file) gave \(error), not .corrupt")
            return
        }
        #expect(reason.contains(word), "reason: \(reason)")
    }

    @Test("a header declaring a gigantic image is refused before any pixels are allocated")
    func tooLarge() throws {
        var jpeg = try TestImages.bytes("rgb-baseline.jpg")
        // SOF0 is FF C0, length (2 bytes), precision (1), height (2), width (2): declare 65000 × 65000.
        let frame = try #require(jpeg.indices.first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        jpeg.replaceSubrange(frame + 5..<frame + 9, with: [0xFD, 0xE8, 0xFD, 0xE8])
        #expect(throws: ImageDecodingError.tooLarge(file: "huge.jpg", width: 65000, height: 65000)) {
            try ImageDecoder.decode(Data(jpeg), name: "huge.jpg")
        }
    }
}
