import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// A `size × size` map, zero but for the given cells.
private func map(size: Int = 5, hot cells: [(row: Int, column: Int, value: Float)]) throws -> Heatmap {
    var values = [Float](repeating: 0, count: size * size)
    for cell in cells { values[cell.row * size + cell.column] = cell.value }
    return try Heatmap(width: size, height: size, values: values)
}

@Suite("Attention regions")
struct AttentionRegionsTests {
    let finder = AttentionRegionFinder()

    @Test("a hot top-left cell is the patient's right upper zone on a radiological image")
    func topLeft() throws {
        #expect(finder.regions(in: try map(hot: [(0, 0, 1)])) == [.rightUpper])
    }

    @Test("a hot bottom-right cell is the patient's left lower zone")
    func bottomRight() throws {
        #expect(finder.regions(in: try map(hot: [(4, 4, 1)])) == [.leftLower])
    }

    @Test("a hot cell in the middle band on the image's right is the patient's left middle zone")
    func middleRight() throws {
        #expect(finder.regions(in: try map(hot: [(2, 3, 1)])) == [.leftMiddle])
    }

    @Test("two hot spots name both zones, the stronger first")
    func twoSpotsByStrength() throws {
        let twoSpots = try map(hot: [(0, 0, 0.7), (4, 4, 1)])
        #expect(finder.regions(in: twoSpots) == [.leftLower, .rightUpper])
    }

    @Test("a zone whose peak is under half the map's maximum is not named")
    func threshold() throws {
        let weakSecond = try map(hot: [(0, 0, 0.3), (4, 4, 1)])
        #expect(finder.regions(in: weakSecond) == [.leftLower])
        #expect(try AttentionRegionFinder(threshold: 0.2).regions(in: weakSecond) == [.leftLower, .rightUpper])
    }

    @Test("an all-zero map names no zone")
    func allZero() throws {
        #expect(finder.regions(in: try map(hot: [])).isEmpty)
        #expect(finder.activations(in: try map(hot: [])).allSatisfy { $0.peak == 0 && $0.mean == 0 })
    }

    @Test("a mirrored image swaps the patient's sides")
    func mirrored() throws {
        let mirrored = try AttentionRegionFinder(orientation: .mirrored)
        #expect(mirrored.regions(in: try map(hot: [(0, 0, 1)])) == [.leftUpper])
        #expect(mirrored.regions(in: try map(hot: [(4, 4, 1)])) == [.rightLower])
    }

    @Test("activations list all six zones with peak and mean, strongest first")
    func activations() throws {
        let activations = finder.activations(in: try map(size: 7, hot: [(6, 0, 1), (3, 5, 0.4)]))
        #expect(Set(activations.map(\.zone)) == Set(LungZone.allCases))
        #expect(activations.map(\.zone).prefix(2) == [.rightLower, .leftMiddle])
        #expect(activations.allSatisfy { $0.mean <= $0.peak && (0...1).contains($0.peak) })
        #expect(activations.map(\.peak) == activations.map(\.peak).sorted(by: >))
    }

    @Test("a map hot only in the margin names no zone")
    func marginOnly() throws {
        // A 10-wide map's corner cell covers the outer 10% of the image, so its centre, 0.05, is in the margin
        // and the activation has faded below half by the time it reaches the field.
        let corner = try map(size: 10, hot: [(0, 0, 1)])
        #expect(finder.regions(in: corner).isEmpty)
        #expect(try AttentionRegionFinder(margin: 0).regions(in: corner) == [.rightUpper])
    }

    @Test("zone names are radiological zones, not the seed's lobes")
    func names() {
        #expect(LungZone.allCases.map(\.rawValue) == [
            "right_upper_zone", "right_middle_zone", "right_lower_zone",
            "left_upper_zone", "left_middle_zone", "left_lower_zone",
        ])
    }

    @Test("a threshold or margin out of range is refused")
    func optionsChecked() {
        #expect(throws: HeatmapError.optionOutOfRange(name: "threshold", value: 0, allowed: "(0, 1]")) {
            try AttentionRegionFinder(threshold: 0)
        }
        #expect(throws: HeatmapError.optionOutOfRange(name: "margin", value: 0.5, allowed: "[0, 0.5)")) {
            try AttentionRegionFinder(margin: 0.5)
        }
    }

    @Test("real Grad-CAM maps name the zones a numpy port of the same rule names",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func fixtureMaps() throws {
        // Expected values worked out once with a numpy port of the same rule on the same 120 × 120 grid.
        func regions(_ path: String, size: Int) throws -> [LungZone] {
            finder.regions(in: try Heatmap(width: size, height: size, values: try Fixtures.floats("reference/\(path)")))
        }
        #expect(try regions("seed224/person1951_bacteria_4882/gradcam.out_relu.bin", size: 7)
                == [.leftLower, .leftUpper, .leftMiddle, .rightLower])
        #expect(try regions("s160/NORMAL2-IM-1437-0001/gradcam.out_relu.bin", size: 5) == [.leftUpper, .leftMiddle])
        // Most s160 maps are all zero (reference/README.md): they name nothing.
        #expect(try regions("s160/NORMAL2-IM-1427-0001/gradcam.out_relu.bin", size: 5).isEmpty)
    }
}
