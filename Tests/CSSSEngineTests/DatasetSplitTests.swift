import Crypto
import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// A class-folder dataset of small gray PNGs, each different unless asked.
private struct DatasetBuilder {
    let root: URL
    private var serial = 0

    init(root: URL) { self.root = root }

    /// Writes a distinct 40×40 PNG at `relativePath` and returns its bytes.
    @discardableResult
    mutating func png(_ relativePath: String) throws -> Data {
        serial += 1
        let seed = serial
        let samples = (0..<1600).map { UInt8(truncatingIfNeeded: $0 &* seed &+ seed) }
        let data = try Image(width: 40, height: 40, colorModel: .gray, samples: .uint8(samples)).pngData()
        try write(data, relativePath)
        return data
    }

    func write(_ data: Data, _ relativePath: String) throws {
        let url = root.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }
}

@Suite("Dataset split")
struct DatasetSplitTests {
    @Test("SplitMix64 gives the reference sequence for seed 0 and a seed-fixed shuffle")
    func generator() {
        var generator = SplitMix64(seed: 0)
        // The published first outputs of SplitMix64 seeded with 0.
        #expect(generator.next() == 0xE220_A839_7B1D_CDAF)
        #expect(generator.next() == 0x6E78_9E6A_A1B9_65F4)
        var a = SplitMix64(seed: 42), b = SplitMix64(seed: 42), c = SplitMix64(seed: 43)
        let items = Array(0..<50)
        let shuffledA = a.shuffled(items)
        #expect(shuffledA == b.shuffled(items))
        #expect(shuffledA != c.shuffled(items))
        #expect(shuffledA.sorted() == items)
    }

    @Test("largest remainders, and at least one file per split for a class of 3 or more")
    func allocation() {
        let ratios = [0.70, 0.15, 0.15]
        #expect(SplitAllocation.counts(for: 100, ratios: ratios, guaranteeEachSplit: true) == [70, 15, 15])
        #expect(SplitAllocation.counts(for: 10, ratios: ratios, guaranteeEachSplit: true) == [7, 2, 1])
        #expect(SplitAllocation.counts(for: 3, ratios: ratios, guaranteeEachSplit: true) == [1, 1, 1])
        #expect(SplitAllocation.counts(for: 4, ratios: ratios, guaranteeEachSplit: true) == [2, 1, 1])
        #expect(SplitAllocation.counts(for: 2, ratios: ratios, guaranteeEachSplit: true) == [2, 0, 0])
        #expect(SplitAllocation.counts(for: 5, ratios: [0.8, 0.2, 0], guaranteeEachSplit: true) == [4, 1, 0])
        #expect(SplitAllocation.counts(for: 3, ratios: ratios, guaranteeEachSplit: false) == [2, 1, 0])
    }

    @Test("ratios that do not add up to 1 are refused before anything is written")
    func badRatios() throws {
        let folder = try TemporaryFolder("split")
        let output = folder.file("out")
        #expect(throws: DatasetSplitError.ratiosDoNotSumToOne(train: 0.7, validation: 0.2, test: 0.2)) {
            try DatasetSplitter(train: 0.7, validation: 0.2, test: 0.2).split(dataset: folder.url, into: output)
        }
        #expect(throws: DatasetSplitError.invalidRatio(name: "val", value: -0.1)) {
            try DatasetSplitter(train: 1.0, validation: -0.1, test: 0.1).split(dataset: folder.url, into: output)
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("copies every usable file once, leaves out duplicates and garbage, and refuses a non-empty output")
    func split() throws {
        let folder = try TemporaryFolder("split")
        var builder = DatasetBuilder(root: folder.file("data"))
        for i in 0..<10 { try builder.png("cat/\(i).png") }
        let copied = try builder.png("dog/nested/a.png")
        for i in 0..<6 { try builder.png("dog/\(i).png") }
        try builder.write(copied, "dog/z_copy.png")
        try builder.write(Data("not an image".utf8), "dog/garbage.png")
        try builder.write(copied, "dog/.hidden.png")

        let output = folder.file("out")
        let report = try DatasetSplitter(seed: 5).split(dataset: builder.root, into: output)
        #expect(report.classes == ["cat", "dog"])
        #expect(report.files.count == 17)
        #expect(report.duplicates == [.init(path: "dog/z_copy.png", sameAs: "dog/nested/a.png")])
        #expect(report.unreadable.map(\.path) == ["dog/garbage.png"])
        #expect(report.unreadable.first?.reason.contains("not a PNG, JPEG or DICOM") == true)
        #expect([7, 2, 1] == DatasetSplitName.allCases.map { report.count(of: "cat", in: $0) })
        #expect([5, 1, 1] == DatasetSplitName.allCases.map { report.count(of: "dog", in: $0) })
        #expect(Set(report.files.map(\.sha256)).count == report.files.count)
        for file in report.files {
            let copy = output.appendingPathComponent("\(file.split.rawValue)/\(file.path)")
            #expect(SHA256.hash(data: try Data(contentsOf: copy)).map { String(format: "%02x", $0) }.joined() == file.sha256)
        }
        let metadata = try String(contentsOf: output.appendingPathComponent("dataset_metadata.json"), encoding: .utf8)
        let keys = ["\"seed\"", "\"ratios\"", "\"stratified\"", "\"label_map\"", "\"counts\"", "\"files\"", "\"unreadable\"", "\"duplicates\""]
        let positions = keys.map { metadata.range(of: $0)!.lowerBound }
        #expect(positions == positions.sorted())
        #expect(metadata.contains("\"label_map\":{\"cat\":0,\"dog\":1}"))
        let log = try String(contentsOf: output.appendingPathComponent("split_log.txt"), encoding: .utf8)
        #expect(log.contains("dog/garbage.png: not a PNG, JPEG or DICOM"))
        #expect(log.contains("dog/z_copy.png: same bytes as dog/nested/a.png"))

        #expect(throws: DatasetSplitError.outputNotEmpty(path: output.standardizedFileURL.path)) {
            try DatasetSplitter(seed: 5).split(dataset: builder.root, into: output)
        }
        let again = try DatasetSplitter(seed: 5).split(dataset: builder.root, into: folder.file("again"))
        #expect(again == report)
    }
}
