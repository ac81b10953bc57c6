import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The uint8 image a Keras reference `input.bin` was made from: `round((input + 1) * 127.5)`.
func referenceResizedBytes(_ relativePath: String) throws -> [UInt8] {
    try Fixtures.floats(relativePath).map { UInt8(((Double($0) + 1) * 127.5).rounded()) }
}

/// The stems that have a reference under `reference/<folder>/`; none without the fixtures.
func referenceStems(_ folder: String) -> [String] {
    guard Fixtures.available else { return [] }
    let names = (try? FileManager.default.contentsOfDirectory(atPath: Fixtures.url("reference/\(folder)").path)) ?? []
    return names.sorted()
}

/// A gray image whose sample at (x, y) is `(x * 37 + y * 11) % 256`, as the generated test PNGs use.
func patternImage(width: Int, height: Int) -> Image {
    let samples = (0..<height).flatMap { y in (0..<width).map { x in UInt8((x * 37 + y * 11) % 256) } }
    return Image(width: width, height: height, colorModel: .gray, samples: .uint8(samples))
}

@Suite("Pillow BICUBIC resize")
struct BicubicResizeTests {
    @Test("upscaling 2 → 4 uses the weights worked out by hand")
    func upscaleWeights() {
        // scale 0.5, kernel support 2. Output 0 is centred at 0.25 and reads inputs 0 and 1 at distances
        // 0.25 and 1.25: cubic gives 0.8671875 and −0.0703125, which normalise to 37/34 and −3/34, that is
        // 4564389.65 and −370085.65 in units of 2^−22, rounded half away from zero. Output 1 (centre 0.75)
        // weighs 111/140 and 29/140; outputs 2 and 3 mirror 1 and 0.
        let weights = BicubicWeights(inputSize: 2, outputSize: 4)
        #expect(weights.stride == 5)
        #expect(weights.firstInput == [0, 0, 0, 0])
        #expect(weights.inputCount == [2, 2, 2, 2])
        let used = (0..<4).map { Array(weights.weights[$0 * 5..<$0 * 5 + 2]) }
        #expect(used == [[4564390, -370086], [3325484, 868820], [868820, 3325484], [-370086, 4564390]])
    }

    @Test("downscaling 8 → 3 widens the kernel to the scale and matches Pillow's weights")
    func downscaleWeights() {
        let weights = BicubicWeights(inputSize: 8, outputSize: 3)
        #expect(weights.stride == 13)
        #expect(weights.firstInput == [0, 0, 1])
        #expect(weights.inputCount == [7, 8, 7])
        #expect(Array(weights.weights[0..<7]) == [1357984, 1678094, 1096189, 261175, -104842, -91194, -3102])
        #expect(Array(weights.weights[13..<21]) == [-113649, 59548, 732425, 1418827, 1418827, 732425, 59548, -113649])
    }

    @Test("upscaling two pixels to four gives Pillow's values, clamped at 0 and 255")
    func upscalePixels() {
        // Row 1: (2^21 + 255 × −370086) >> 22 = −23 → 0; (2^21 + 255 × 868820) >> 22 = 53; …
        let image = Image(width: 2, height: 2, colorModel: .gray, samples: .uint8([100, 200, 0, 255]))
        let resized = image.resizedBicubic(width: 4, height: 2)
        #expect(resized.bytes() == [91, 121, 179, 209, 0, 53, 202, 255])
    }

    @Test("downscaling both axes gives Pillow's pixels")
    func downscalePixels() {
        // Pillow 13: Image.fromarray(pattern 5×7).resize((3, 4), Image.BICUBIC)
        let resized = patternImage(width: 5, height: 7).resizedBicubic(width: 3, height: 4)
        #expect(resized.bytes() == [17, 78, 139, 36, 97, 158, 56, 117, 178, 75, 136, 197])
    }

    @Test("resizing to the same size gives the image back")
    func sameSize() {
        let image = patternImage(width: 9, height: 4)
        #expect(image.resizedBicubic(width: 9, height: 4) == image)
    }

    @Test("channels are resized independently, so RGB equals each channel resized alone",
          arguments: [(12, 9, 5, 4), (6, 5, 13, 11), (10, 10, 10, 3)])
    func channelsAreIndependent(width: Int, height: Int, outputWidth: Int, outputHeight: Int) {
        func sample(_ x: Int, _ y: Int, _ channel: Int) -> UInt8 {
            UInt8((x * 37 + y * 11 + channel * 90 + x * y * channel) % 256)
        }
        let channels: [[UInt8]] = (0..<3).map { channel in
            (0..<height).flatMap { y in (0..<width).map { x in sample(x, y, channel) } }
        }
        let rgb = Image(width: width, height: height, colorModel: .rgb,
                        samples: .uint8((0..<width * height).flatMap { pixel in channels.map { $0[pixel] } }))
        let resizedRGB = rgb.resizedBicubic(width: outputWidth, height: outputHeight).bytes()
        for (channel, samples) in channels.enumerated() {
            let gray = Image(width: width, height: height, colorModel: .gray, samples: .uint8(samples))
            let resized = gray.resizedBicubic(width: outputWidth, height: outputHeight).bytes()
            #expect(stride(from: channel, to: resizedRGB.count, by: 3).map { resizedRGB[$0] } == resized)
        }
    }

    @Test("a chest X-ray decoded, converted to RGB and resized to 160×160 equals the Keras reference exactly",
          .enabled(if: Fixtures.available, Fixtures.missingReason), arguments: referenceStems("s160"))
    func chestXRayAt160(stem: String) throws {
        try expectReferenceResize(stem: stem, size: 160)
    }

    @Test("a chest X-ray resized to 224×224 equals the Keras reference exactly",
          .enabled(if: Fixtures.available, Fixtures.missingReason), arguments: referenceStems("s224"))
    func chestXRayAt224(stem: String) throws {
        try expectReferenceResize(stem: stem, size: 224)
    }

    @Test("every chest X-ray fixture has a 160×160 reference", .enabled(if: Fixtures.available, Fixtures.missingReason))
    func everyFixtureHasAReference() {
        #expect(Fixtures.chestXRayStems.count == 16)
        #expect(referenceStems("s160") == Fixtures.chestXRayStems)
    }

    private func expectReferenceResize(stem: String, size: Int) throws {
        let image = try Image(contentsOf: Fixtures.url("images/cxr/\(stem).jpeg")).converted(to: .rgb)
        let resized = image.resizedBicubic(width: size, height: size).bytes()
        let expected = try referenceResizedBytes("reference/s\(size)/\(stem)/input.bin")
        try #require(resized.count == expected.count)
        let differing = zip(resized, expected).filter { $0 != $1 }.count
        #expect(differing == 0, "\(differing) of \(expected.count) samples differ")
    }
}
