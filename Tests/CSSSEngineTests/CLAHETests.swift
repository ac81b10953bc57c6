import Foundation
import Testing
@testable import CSSSEngine

/// Small images and OpenCV's outputs for them, written by `bench/clahe_vs_opencv.py --fixtures` and
/// committed beside these tests (found from this file's path), so equality with OpenCV is checked
/// without OpenCV installed.
enum OpenCVReferences {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Resources/clahe", isDirectory: true)

    struct Manifest: Decodable, Sendable {
        let opencv: String
        let cases: [Case]
    }

    struct Case: Decodable, Sendable {
        let name: String
        let width: Int
        let height: Int
        let input: String
        let outputs: [Output]
    }

    struct Output: Decodable, Sendable, CustomTestStringConvertible {
        let operation: String
        let clipLimit: Double?
        let tileColumns: Int?
        let tileRows: Int?
        let file: String

        var testDescription: String { file }
    }

    static let manifest: Manifest? = try? JSONDecoder().decode(
        Manifest.self, from: Data(contentsOf: folder.appendingPathComponent("cases.json")))

    /// Every (case, output) pair of one operation, for parameterised tests.
    static func outputs(_ operation: String) -> [(Case, Output)] {
        (manifest?.cases ?? []).flatMap { item in item.outputs.filter { $0.operation == operation }.map { (item, $0) } }
    }

    static func image(_ item: Case) throws -> Image {
        Image(width: item.width, height: item.height, colorModel: .gray, samples: .uint8(try bytes(item.input)))
    }

    static func bytes(_ file: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: folder.appendingPathComponent(file)))
    }
}

/// How far two 8-bit planes are apart.
private struct PixelDifference: CustomStringConvertible {
    let maximum: Int
    let total: Int
    let differing: Int
    let count: Int

    init(_ ours: [UInt8], _ theirs: [UInt8]) {
        let differences = zip(ours, theirs).map { abs(Int($0) - Int($1)) }
        maximum = differences.max() ?? 0
        total = differences.reduce(0, +)
        differing = differences.count { $0 != 0 }
        count = differences.count
    }

    var description: String {
        "max |diff| \(maximum), mean \(Double(total) / Double(max(count, 1))), \(differing) of \(count) pixels differ"
    }
}

@Suite("CLAHE")
struct CLAHETests {
    @Test("the committed OpenCV references are all there")
    func referencesPresent() throws {
        let manifest = try #require(OpenCVReferences.manifest, "Resources/clahe/cases.json is missing or unreadable")
        #expect(manifest.cases.count == 4)
        #expect(OpenCVReferences.outputs("clahe").count == 7)
        #expect(OpenCVReferences.outputs("median3").count == 4)
    }

    @Test("CLAHE equals OpenCV's createCLAHE(...).apply byte for byte", arguments: OpenCVReferences.outputs("clahe"))
    func equalsOpenCV(item: OpenCVReferences.Case, output: OpenCVReferences.Output) throws {
        let clahe = try CLAHE(clipLimit: try #require(output.clipLimit), tileColumns: try #require(output.tileColumns),
                              tileRows: try #require(output.tileRows))
        let ours = try clahe.apply(to: OpenCVReferences.image(item)).bytes()
        let difference = PixelDifference(ours, try OpenCVReferences.bytes(output.file))
        #expect(difference.count == item.width * item.height)
        #expect(difference.maximum == 0, "\(output.file): \(difference)")
    }

    @Test("a constant image becomes the level its clipped histogram gives, rounded half to even")
    func constantImage() throws {
        // 64×64 of 100, 8×8 tiles of 64 pixels: limit max(2·64/256, 1) = 1 clips 63, handed back one each to
        // bins 0, 4, …, 248 (step 256/63 = 4); bin 100 ends at 2 and the sum through it at 27:
        // 27 · 255/64 = 107.58 → 108 everywhere, as OpenCV gives.
        let constant = Image(width: 64, height: 64, colorModel: .gray, samples: .uint8(.init(repeating: 100, count: 4096)))
        #expect(Set(try CLAHE().apply(to: constant).bytes()) == [108])
        // 20×30 of 0 pads to 24×32: tiles of 3×4 = 12; bin 0 keeps 1 + 1 redistributed = 2, and
        // 2 · (255/12 = 21.25) = 42.5 exactly, which OpenCV's cvRound takes to 42, not 43.
        let black = Image(width: 20, height: 30, colorModel: .gray, samples: .uint8(.init(repeating: 0, count: 600)))
        #expect(Set(try CLAHE().apply(to: black).bytes()) == [42])
    }

    @Test("clipping hands the excess back evenly, the remainder to every (256 / remainder)-th bin from 0")
    func clipping() {
        var histogram = [Int32](repeating: 0, count: 256)
        histogram[10] = 700
        histogram[20] = 5
        // 700 − 6 = 694 clipped: 2 to every bin (512), the remaining 182 to bins 0, 1, 2, … (step 256/182 = 1).
        TileLUTs.clip(&histogram, at: 6)
        #expect(histogram[10] == 6 + 2 + 1 && histogram[20] == 5 + 2 + 1)
        #expect(histogram[181] == 3 && histogram[182] == 2)
        #expect(histogram.reduce(0, +) == 705)
    }

    @Test("reflect-101 padding mirrors about the edge pixel, repeatedly past a short side")
    func reflect101() {
        #expect((5..<8).map { TileLUTs.reflect101($0, length: 5) } == [3, 2, 1])
        #expect((3..<8).map { TileLUTs.reflect101($0, length: 3) } == [1, 0, 1, 2, 1])
        #expect((1..<4).map { TileLUTs.reflect101($0, length: 1) } == [0, 0, 0])
    }

    @Test("a side divisible by the grid still grows by a whole tile when the other side is not")
    func tileGeometry() {
        let both = TileGeometry(width: 64, height: 48, columns: 8, rows: 8)
        #expect((both.paddedWidth, both.paddedHeight, both.tileWidth, both.tileHeight) == (64, 48, 8, 6))
        let one = TileGeometry(width: 40, height: 45, columns: 8, rows: 8)
        #expect((one.paddedWidth, one.paddedHeight, one.tileWidth, one.tileHeight) == (48, 48, 6, 6))
        let tiny = TileGeometry(width: 5, height: 3, columns: 8, rows: 8)
        #expect((tiny.paddedWidth, tiny.paddedHeight, tiny.tileWidth, tiny.tileHeight) == (8, 8, 1, 1))
    }

    @Test("CLAHE refuses tile grids outside 1…256 a side and images that are not 8-bit gray; any clip limit is safe")
    func refusals() throws {
        #expect(throws: DisplayError.invalidTileGrid(columns: 0, rows: 8)) { try CLAHE(tileColumns: 0) }
        #expect(throws: DisplayError.invalidTileGrid(columns: 8, rows: 257)) { try CLAHE(tileRows: 257) }
        // A clip limit past any bin's height clips nothing, rather than overflowing the integer limit.
        let image = Image(width: 16, height: 16, colorModel: .gray, samples: .uint8((0..<256).map { UInt8($0 % 7 * 30) }))
        #expect(try CLAHE(clipLimit: 1e300).apply(to: image) == CLAHE(clipLimit: 0).apply(to: image))
        let rgb = Image(width: 1, height: 1, colorModel: .rgb, samples: .uint8([1, 2, 3]))
        #expect(throws: DisplayError.notEightBitGray(colorModel: .rgb, bitDepth: 8)) { try CLAHE().apply(to: rgb) }
        let wide = Image(width: 1, height: 1, colorModel: .gray, samples: .uint16([1]))
        #expect(throws: DisplayError.notEightBitGray(colorModel: .gray, bitDepth: 16)) { try CLAHE().apply(to: wide) }
    }

    /// Enabled by `bench/clahe_vs_opencv.py`, which sets `CSSS_OPENCV_DUMPS` to a folder of OpenCV's inputs and
    /// outputs for the chest X-rays; this writes CSSS's outputs beside them for the script to report.
    @Test("matches OpenCV on the chest X-ray dumps", .enabled(if: ProcessInfo.processInfo.environment["CSSS_OPENCV_DUMPS"] != nil,
                    "run by bench/clahe_vs_opencv.py, which sets CSSS_OPENCV_DUMPS to the OpenCV outputs it made"))
    func matchesOpenCVOnDumps() throws {
        struct Dumps: Decodable { let images: [Entry] }
        struct Entry: Decodable { let stem: String, width: Int, height: Int }
        let folder = URL(fileURLWithPath: try #require(ProcessInfo.processInfo.environment["CSSS_OPENCV_DUMPS"]))
        let dumps = try JSONDecoder().decode(Dumps.self, from: Data(contentsOf: folder.appendingPathComponent("manifest.json")))
        let clahe = try CLAHE()
        for entry in dumps.images {
            let file = { (suffix: String) in folder.appendingPathComponent("\(entry.stem).\(suffix).u8") }
            let input = Image(width: entry.width, height: entry.height, colorModel: .gray,
                              samples: .uint8([UInt8](try Data(contentsOf: file("input")))))
            for (name, ours) in [("clahe", try clahe.apply(to: input)), ("median", try MedianFilter3x3().apply(to: input))] {
                try Data(ours.bytes()).write(to: file("csss-\(name)"))
                let difference = PixelDifference(ours.bytes(), [UInt8](try Data(contentsOf: file("opencv-\(name)"))))
                #expect(difference.maximum <= 1, "\(entry.stem) \(name): \(difference)")
            }
        }
    }
}

@Suite("Median filter 3×3")
struct MedianFilterTests {
    @Test("each pixel is the median of its 3×3 neighbourhood, edge pixels repeated outward")
    func handComputed() throws {
        let image = Image(width: 3, height: 3, colorModel: .gray, samples: .uint8([10, 20, 30, 40, 50, 60, 70, 80, 90]))
        // Top left sees 10 10 20 / 10 10 20 / 40 40 50: the fifth of nine is 20.
        #expect(try MedianFilter3x3().apply(to: image).bytes() == [20, 30, 30, 40, 50, 60, 70, 70, 80])
    }

    @Test("a lone hot pixel is removed and a straight edge kept")
    func speckleAndEdge() throws {
        var pixels = [UInt8](repeating: 0, count: 6 * 4)
        for y in 0..<4 { for x in 3..<6 { pixels[y * 6 + x] = 200 } }
        var speckled = pixels
        speckled[6 + 1] = 255
        let filtered = try MedianFilter3x3().apply(to: Image(width: 6, height: 4, colorModel: .gray, samples: .uint8(speckled)))
        #expect(filtered.bytes() == pixels)
    }

    @Test("a single row or a single pixel filters against its own repeated edges")
    func degenerateSizes() throws {
        let row = Image(width: 5, height: 1, colorModel: .gray, samples: .uint8([9, 1, 5, 7, 3]))
        // With the row repeated above and below, each median is the median of three along the row.
        #expect(try MedianFilter3x3().apply(to: row).bytes() == [9, 5, 5, 5, 3])
        let pixel = Image(width: 1, height: 1, colorModel: .gray, samples: .uint8([42]))
        #expect(try MedianFilter3x3().apply(to: pixel).bytes() == [42])
    }

    @Test("the median equals OpenCV's medianBlur(image, 3) byte for byte", arguments: OpenCVReferences.outputs("median3"))
    func equalsOpenCV(item: OpenCVReferences.Case, output: OpenCVReferences.Output) throws {
        let ours = try MedianFilter3x3().apply(to: OpenCVReferences.image(item)).bytes()
        let difference = PixelDifference(ours, try OpenCVReferences.bytes(output.file))
        #expect(difference.maximum == 0, "\(output.file): \(difference)")
    }
}
