import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// A map from rows of values, top row first.
func heatmap(_ rows: [[Float]]) throws -> Heatmap {
    try Heatmap(width: rows[0].count, height: rows.count, values: rows.flatMap { $0 })
}

/// An 8-bit gray scan with every sample `value`.
func uniformScan(width: Int, height: Int, value: UInt8) -> Image {
    Image(width: width, height: height, colorModel: .gray, samples: .uint8([UInt8](repeating: value, count: width * height)))
}

@Suite("OpenCV INTER_LINEAR resize")
struct BilinearResizeTests {
    @Test("a 2×2 map doubled follows the half-pixel formula worked out by hand")
    func doubling() {
        // Output d samples input (d + 0.5) / 2 − 0.5 = −0.25, 0.25, 0.75, 1.25. Horizontally the outer two
        // are clamped to the edge values; the inner two mix inputs 0 and 1 at 0.75/0.25 and 0.25/0.75. Every
        // weight is a binary fraction, so the results are exact.
        let resized = BilinearResizer(width: 2, height: 2, outputWidth: 4, outputHeight: 4).resize([0, 1, 1, 0])
        #expect(resized == [
            0, 0.25, 0.75, 1,
            0.25, 0.375, 0.625, 0.75,
            0.75, 0.625, 0.375, 0.25,
            1, 0.75, 0.25, 0,
        ])
    }

    @Test("a 3×3 map resized to 7×5 equals OpenCV's float32 result bit for bit")
    func matchesOpenCV() {
        // cv2.resize(m, (7, 5), interpolation=cv2.INTER_LINEAR), OpenCV 4.14.0 and 5.0.0 pip wheels on x86-64
        // (IPP on, the default), printed as the shortest decimals that round-trip float32. OpenCV's own code
        // (IPP off) gives 14 of these 35 values differently in the last bit, e.g. 0.79999995 there is 0.8.
        let map: [Float] = [0.1, 0.7, 0.3, 0.9, 0.2, 0.6, 0.05, 0.45, 1.0]
        let openCV: [Float] = [
            0.1, 0.18571429, 0.44285715, 0.7, 0.5285714, 0.35714287, 0.3,
            0.42, 0.43142855, 0.46571428, 0.5, 0.46571428, 0.43142858, 0.42000002,
            0.9, 0.79999995, 0.49999997, 0.2, 0.37142858, 0.54285717, 0.6,
            0.39, 0.3842857, 0.36714283, 0.35, 0.56, 0.77000004, 0.84000003,
            0.05, 0.10714286, 0.27857143, 0.45, 0.6857143, 0.92142856, 1.0,
        ]
        #expect(BilinearResizer(width: 3, height: 3, outputWidth: 7, outputHeight: 5).resize(map) == openCV)
    }

    @Test("samples beyond the first and last centre take the edge value, along rows and columns")
    func flatEdges() {
        // 3 → 9: outputs 0 and 1 sample at −1/3 and 0, outputs 7 and 8 at 2 and 7/3.
        let row = BilinearResizer(width: 3, height: 1, outputWidth: 9, outputHeight: 1).resize([0.2, 0.9, 0.4])
        #expect(Array(row.prefix(2)) == [0.2, 0.2])
        #expect(Array(row.suffix(2)) == [0.4, 0.4])
        #expect(row.allSatisfy { (0.2...0.9).contains($0) })
        let column = BilinearResizer(width: 1, height: 3, outputWidth: 1, outputHeight: 9).resize([0.2, 0.9, 0.4])
        #expect(column == row)
    }

    @Test("a constant map stays exactly constant")
    func constant() {
        let resized = BilinearResizer(width: 5, height: 5, outputWidth: 37, outputHeight: 23)
            .resize([Float](repeating: 0.3, count: 25))
        #expect(resized.allSatisfy { $0 == 0.3 })
    }

    @Test("resizing to the same size keeps every value")
    func identity() {
        let plane: [Float] = [0.1, 0.7, 0.3, 0.9, 0.2, 0.6]
        #expect(BilinearResizer(width: 3, height: 2, outputWidth: 3, outputHeight: 2).resize(plane) == plane)
    }
}

@Suite("Jet colour map")
struct ColormapTests {
    /// `cv2.applyColorMap(np.arange(256, dtype=np.uint8)[None], cv2.COLORMAP_JET)[0][:, ::-1]`, the same in
    /// OpenCV 4.14.0 and 5.0.0: the red, green and blue of each level, 32 levels a line.
    static let openCV: [[UInt8]] = [
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         2, 6, 10, 14, 18, 22, 26, 30, 34, 38, 42, 46, 50, 54, 58, 62, 66, 70, 74, 78, 82, 86, 90, 94, 98, 102, 106, 110, 114, 118, 122, 126,
         130, 134, 138, 142, 146, 150, 154, 158, 162, 166, 170, 174, 178, 182, 186, 190, 194, 198, 202, 206, 210, 214, 218, 222, 226, 230, 234, 238, 242, 246, 250, 254,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         252, 248, 244, 240, 236, 232, 228, 224, 220, 216, 212, 208, 204, 200, 196, 192, 188, 184, 180, 176, 172, 168, 164, 160, 156, 152, 148, 144, 140, 136, 132, 128],
        [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 4, 8, 12, 16, 20, 24, 28, 32, 36, 40, 44, 48, 52, 56, 60, 64, 68, 72, 76, 80, 84, 88, 92, 96, 100, 104, 108, 112, 116, 120, 124,
         128, 132, 136, 140, 144, 148, 152, 156, 160, 164, 168, 172, 176, 180, 184, 188, 192, 196, 200, 204, 208, 212, 216, 220, 224, 228, 232, 236, 240, 244, 248, 252,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         252, 248, 244, 240, 236, 232, 228, 224, 220, 216, 212, 208, 204, 200, 196, 192, 188, 184, 180, 176, 172, 168, 164, 160, 156, 152, 148, 144, 140, 136, 132, 128,
         124, 120, 116, 112, 108, 104, 100, 96, 92, 88, 84, 80, 76, 72, 68, 64, 60, 56, 52, 48, 44, 40, 36, 32, 28, 24, 20, 16, 12, 8, 4, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
        [128, 132, 136, 140, 144, 148, 152, 156, 160, 164, 168, 172, 176, 180, 184, 188, 192, 196, 200, 204, 208, 212, 216, 220, 224, 228, 232, 236, 240, 244, 248, 252,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255,
         254, 250, 246, 242, 238, 234, 230, 226, 222, 218, 214, 210, 206, 202, 198, 194, 190, 186, 182, 178, 174, 170, 166, 162, 158, 154, 150, 146, 142, 138, 134, 130,
         126, 122, 118, 114, 110, 106, 102, 98, 94, 90, 86, 82, 78, 74, 70, 66, 62, 58, 54, 50, 46, 42, 38, 34, 30, 26, 22, 18, 14, 10, 6, 1,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
         0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    ]

    /// The jet colour of `level` as `[red, green, blue]`.
    private func jet(_ level: UInt8) -> [UInt8] {
        let color = Colormap.jet.color(level)
        return [color.red, color.green, color.blue]
    }

    @Test("jet runs from dark blue at 0 to dark red at 255, as OpenCV's does")
    func endpoints() {
        #expect(jet(0) == [0, 0, 128])
        #expect(jet(255) == [128, 0, 0])
        #expect(jet(96) == [2, 255, 254])
        #expect(jet(159) == [254, 255, 1])  // where OpenCV's rounding leaves the ramp
    }

    @Test("all 256 jet colours equal OpenCV's COLORMAP_JET")
    func wholeTable() {
        for level in 0...255 {
            #expect(jet(UInt8(level)) == Self.openCV.map { $0[level] }, "level \(level)")
        }
    }
}

@Suite("Heatmap overlay")
struct HeatmapOverlayTests {
    @Test("the overlay blends 0.6 of the scan with 0.4 of the jet colour, rounded to nearest")
    func blendArithmetic() throws {
        // Map 0 is jet (0, 0, 128): 0.6 × 100 = 60 and 60 + 0.4 × 128 = 111.2. Map 1 is (128, 0, 0):
        // 0.6 × 201 + 0.4 × 128 = 171.8 and 0.6 × 201 = 120.6.
        let overlay = HeatmapOverlay()
        let cold = overlay.overlay(try heatmap([[0]]), on: uniformScan(width: 2, height: 1, value: 100))
        #expect(cold.bytes() == [60, 60, 111, 60, 60, 111])
        let hot = overlay.overlay(try heatmap([[1]]), on: uniformScan(width: 1, height: 1, value: 201))
        #expect(hot.bytes() == [172, 121, 121])
    }

    @Test("a sum that falls on a half rounds to even, as OpenCV's saturate_cast does")
    func halfToEven() throws {
        // At alpha 0.5 the map 0's red, 0, is mixed with scans 1 and 3: 0.5 and 1.5 round to 0 and 2.
        let overlay = try HeatmapOverlay(alpha: 0.5)
        let scan = Image(width: 2, height: 1, colorModel: .gray, samples: .uint8([1, 3]))
        let red = overlay.overlay(try heatmap([[0]]), on: scan).bytes().enumerated().filter { $0.offset % 3 == 0 }
        #expect(red.map(\.element) == [0, 2])
    }

    @Test("the blend fuses the scan's multiply-add as OpenCV's AVX2 addWeighted does")
    func fusedBlend() throws {
        // Level 34 is jet (0, 8, 255). At alpha 0.1, green is 3 × Float(0.9) + Float(8 × Float(0.1)): exactly
        // 3.5 when the multiply-add is fused, which rounds to even, 4 (cv2.addWeighted gives 4); rounded in two
        // steps it would be 3.4999998, so 3.
        let overlay = try HeatmapOverlay(alpha: 0.1)
        let blended = overlay.overlay(try heatmap([[34.5 / 255]]), on: uniformScan(width: 1, height: 1, value: 3))
        #expect(blended.bytes() == [3, 4, 28])
    }

    @Test("the level of a value is 255 × value truncated, as numpy's uint8 cast gives it")
    func levelTruncates() throws {
        // 255 × 0.5 = 127.5 → level 127, jet (126, 255, 130); level 128 would be (130, 255, 126).
        let colored = HeatmapOverlay().coloredHeatmap(try heatmap([[0.5]]), width: 1, height: 1)
        #expect(colored.bytes() == [126, 255, 130])
    }

    @Test("the overlay has the scan's size and is 8-bit RGB, for gray and 16-bit scans alike")
    func overlayShape() throws {
        let map = try heatmap([[0, 1], [1, 0]])
        let gray16 = Image(width: 9, height: 4, colorModel: .gray, samples: .uint16([UInt16](repeating: 0x6400, count: 36)))
        let overlay = HeatmapOverlay().overlay(map, on: gray16)
        #expect(overlay.width == 9 && overlay.height == 4)
        #expect(overlay.colorModel == .rgb && overlay.bitDepth == 8)
        // The 16-bit scan is read as its high byte, 0x64 = 100, so it blends like the 8-bit scan of 100.
        #expect(overlay == HeatmapOverlay().overlay(map, on: uniformScan(width: 9, height: 4, value: 100)))
    }

    @Test("the bare heatmap is drawn at the size asked for")
    func coloredHeatmapSize() throws {
        let colored = HeatmapOverlay().coloredHeatmap(try heatmap([[0, 1], [1, 0]]), width: 4, height: 4)
        #expect(colored.width == 4 && colored.height == 4 && colored.colorModel == .rgb)
        // The upsampled corners are exactly 0 and 1: dark blue and dark red.
        #expect(Array(colored.bytes().prefix(3)) == [0, 0, 128])
        #expect(Array(colored.bytes()[9..<12]) == [128, 0, 0])
    }

    @Test("an all-zero map gives a valid overlay: the scan tinted dark blue everywhere")
    func allZeroMap() throws {
        let map = try Heatmap(width: 5, height: 5, values: [Float](repeating: 0, count: 25))
        let overlay = HeatmapOverlay().overlay(map, on: uniformScan(width: 40, height: 30, value: 100))
        #expect(overlay.bytes() == [UInt8]([60, 60, 111].repeated(1200)))
    }

    @Test("a map holding NaN or infinity is refused with the cell named")
    func nonFiniteRefused() {
        #expect(throws: HeatmapError.nonFinite(row: 1, column: 0)) {
            try heatmap([[0, 0.5], [.nan, 1]])
        }
        #expect(throws: HeatmapError.nonFinite(row: 0, column: 1)) {
            try heatmap([[0, .infinity]])
        }
        #expect(HeatmapError.nonFinite(row: 1, column: 0).description == "the heatmap holds a NaN or infinity at row 1, column 0")
    }

    @Test("values a little outside 0…1 are clamped; values that do not fill the map are refused")
    func valueChecks() throws {
        #expect(try heatmap([[-0.25, 1.0000001]]).values == [0, 1])
        #expect(throws: HeatmapError.sizeMismatch(width: 2, height: 2, valueCount: 3)) {
            try Heatmap(width: 2, height: 2, values: [0, 0, 0])
        }
    }

    @Test("an alpha outside 0…1 is refused")
    func alphaChecked() {
        #expect(throws: HeatmapError.optionOutOfRange(name: "alpha", value: 1.5, allowed: "[0, 1]")) {
            try HeatmapOverlay(alpha: 1.5)
        }
    }

    @Test("a real chest X-ray with a real Grad-CAM map overlays at the scan's size",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func fixtureOverlay() throws {
        let scan = try Image(contentsOf: Fixtures.url("images/cxr/person1951_bacteria_4882.jpeg"))
        let map = try Heatmap(width: 7, height: 7,
                              values: try Fixtures.floats("reference/seed224/person1951_bacteria_4882/gradcam.out_relu.bin"))
        let overlay = HeatmapOverlay().overlay(map, on: scan)
        #expect(overlay.width == scan.width && overlay.height == scan.height && overlay.colorModel == .rgb)
        #expect(try ImageDecoder.decode(try overlay.pngData(), name: "overlay") == overlay)
    }
}

private extension Array {
    func repeated(_ count: Int) -> [Element] { (0..<count).flatMap { _ in self } }
}
