import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

@Suite("Model input preprocessing")
struct PreprocessingTests {
    @Test("MobileNet scaling is v / 127.5 − 1 with numpy float32's exact bits")
    func mobileNetScalingBits() {
        // numpy: np.float32(v) / np.float32(127.5) - np.float32(1). Multiplying by 1/127.5 instead differs
        // in the last bit for 111 of the 256 values, so these pin the operation order.
        let expected: [(UInt8, UInt32)] = [
            (0, 0xBF80_0000), (1, 0xBF7D_FDFE), (2, 0xBF7B_FBFC), (63, 0xBF01_8182), (127, 0xBB80_8080),
            (128, 0x3B80_8100), (191, 0x3EFE_FF00), (254, 0x3F7D_FDFE), (255, 0x3F80_0000),
        ]
        let preprocessor = ModelInputPreprocessor(width: 1, height: 1, scaling: .mobileNet)
        for (value, bits) in expected {
            let image = Image(width: 1, height: 1, colorModel: .gray, samples: .uint8([value]))
            #expect(preprocessor.tensor(for: image).values.map(\.bitPattern) == [bits, bits, bits], "value \(value)")
        }
    }

    @Test("raw scaling keeps the sample values 0…255")
    func rawScaling() {
        let image = Image(width: 3, height: 1, colorModel: .rgb, samples: .uint8([0, 1, 2, 127, 128, 200, 253, 254, 255]))
        let tensor = ModelInputPreprocessor(width: 3, height: 1, scaling: .raw).tensor(for: image)
        #expect(tensor.shape == [1, 1, 3, 3])
        #expect(tensor.values == [0, 1, 2, 127, 128, 200, 253, 254, 255])
    }

    @Test("the whole image is stretched to the input size with Pillow's BICUBIC, then scaled")
    func resizesThenScales() {
        // The 5×7 pattern resized to 3×4 by Pillow is 17, 78, 139, 36, … (see BicubicResizeTests).
        let tensor = ModelInputPreprocessor(width: 3, height: 4, scaling: .raw).tensor(for: patternImage(width: 5, height: 7))
        #expect(tensor.shape == [1, 4, 3, 3])
        let pillow: [Float] = [17, 78, 139, 36, 97, 158, 56, 117, 178, 75, 136, 197]
        #expect(tensor.values == pillow.flatMap { [$0, $0, $0] })
    }

    @Test("a gray image gives the same input as its RGB conversion", arguments: [InputScaling.mobileNet, .raw])
    func grayEqualsRGB(scaling: InputScaling) {
        let gray = patternImage(width: 23, height: 17)
        let preprocessor = ModelInputPreprocessor(width: 8, height: 11, scaling: scaling)
        #expect(preprocessor.tensor(for: gray) == preprocessor.tensor(for: gray.converted(to: .rgb)))
    }

    @Test("a 16-bit image is reduced to its high bytes first")
    func sixteenBit() {
        let wide = Image(width: 2, height: 1, colorModel: .gray, samples: .uint16([0x12FF, 0xAB00]))
        let tensor = ModelInputPreprocessor(width: 2, height: 1, scaling: .raw).tensor(for: wide)
        #expect(tensor.values == [0x12, 0x12, 0x12, 0xAB, 0xAB, 0xAB])
    }

    @Test("images written into the slots of a batch equal their single-image tensors")
    func batchSlots() {
        let preprocessor = ModelInputPreprocessor(width: 6, height: 4)
        let images = [patternImage(width: 9, height: 9), patternImage(width: 31, height: 12).converted(to: .rgb)]
        var batch = [Float](repeating: .nan, count: preprocessor.valueCount * images.count)
        batch.withUnsafeMutableBufferPointer { batch in
            for (slot, image) in images.enumerated().reversed() {
                let start = slot * preprocessor.valueCount
                preprocessor.write(image, into: UnsafeMutableBufferPointer(rebasing: batch[start..<start + preprocessor.valueCount]))
            }
        }
        #expect(batch == images.flatMap { preprocessor.tensor(for: $0).values })
    }

    @Test("a chest X-ray becomes the Keras model input bit for bit",
          .enabled(if: Fixtures.available, Fixtures.missingReason), arguments: referenceStems("s160").map { ($0, 160) } + referenceStems("s224").map { ($0, 224) })
    func chestXRay(stem: String, size: Int) throws {
        let image = try Image(contentsOf: Fixtures.url("images/cxr/\(stem).jpeg"))
        let tensor = ModelInputPreprocessor(width: size, height: size).tensor(for: image)
        #expect(tensor.shape == [1, size, size, 3])
        let expected = try Fixtures.floats("reference/s\(size)/\(stem)/input.bin")
        try #require(tensor.count == expected.count)
        let differing = zip(tensor.values, expected).filter { $0.bitPattern != $1.bitPattern }.count
        #expect(differing == 0, "\(differing) of \(expected.count) floats differ from input.bin")
    }
}
