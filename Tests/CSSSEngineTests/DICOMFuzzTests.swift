import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// Hostile input: a seeded mutation loop over every DICOM fixture. Each mutated file must either read or
/// throw a ``DICOMError`` (typed throws make anything else a compile error), without trapping, hanging
/// or allocating past ``DICOMLimits``; a crash fails the whole test run.
@Suite("DICOM robustness", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DICOMFuzzTests {
    /// How many mutated files are parsed, and how often one of them is also decoded (a frame of pixels
    /// costs up to milliseconds, the header microseconds).
    static let inputCount = 100_000
    static let decodeEvery = 8
    /// How many mutated codestreams of each compressed fixture are decoded.
    static let codestreamInputs = 500

    /// Small limits keep a mutated size field from making a single decode slow.
    private static let limits = DICOMLimits(maximumSamplesPerFrame: 1 << 20, maximumTotalSamples: 1 << 20,
                                            maximumFrames: 64)

    /// A fixture and where its elements start, the places where length fields are worth corrupting.
    private struct Seed: Sendable {
        let bytes: [UInt8]
        let elementOffsets: [Int]
    }

    private static func seeds() throws -> [Seed] {
        let folder = Fixtures.url("dicom")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasSuffix(".json") && !$0.hasSuffix(".md") && !$0.hasSuffix(".bin") }.sorted()
        return try names.map { name in
            let data = try Data(contentsOf: folder.appendingPathComponent(name))
            let dataset = (try? DICOMFile(data: data, name: name))?.dataset
            return Seed(bytes: [UInt8](data), elementOffsets: dataset.map(offsets) ?? [])
        }
    }

    private static func offsets(_ dataset: DICOMDataset) -> [Int] {
        dataset.elements.flatMap { [$0.offset] + $0.items.flatMap(offsets) }
    }

    private struct Tally: Sendable {
        var inputs = 0, read = 0, decodeAttempts = 0, decoded = 0

        static func + (lhs: Tally, rhs: Tally) -> Tally {
            Tally(inputs: lhs.inputs + rhs.inputs, read: lhs.read + rhs.read,
                  decodeAttempts: lhs.decodeAttempts + rhs.decodeAttempts, decoded: lhs.decoded + rhs.decoded)
        }
    }

    @Test("100,000 mutated fixtures (bit flips, bytes set, truncations, corrupt lengths, insertions) never crash")
    func mutatedFixtures() async throws {
        let seeds = try Self.seeds()
        try #require(!seeds.isEmpty)
        let start = ContinuousClock.now
        let lanes = 2
        let tally = await withTaskGroup(of: Tally.self) { group in
            for lane in 0..<lanes {
                group.addTask { Self.run(seeds: seeds, lane: lane, lanes: lanes) }
            }
            return await group.reduce(Tally(), +)
        }
        let elapsed = (ContinuousClock.now - start).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        print("DICOM fuzz: \(tally.inputs) mutated inputs, \(tally.read) read, \(tally.decodeAttempts) decoded "
              + "(\(tally.decoded) without error) in \(String(format: "%.1f", seconds)) s")
        #expect(tally.inputs == Self.inputCount)
        #expect(tally.read > 0 && tally.decoded > 0, "the mutations should leave some files readable")
    }

    @Test("mutated codestreams of every compressed syntax are decoded or refused, never crash the codecs",
          arguments: ["MR_small_RLE.dcm", "SC_rgb_jpeg_dcmtk.dcm", "SC_jpeg_no_color_transform.dcm",
                      "SC_rgb_jpeg_gdcm.dcm", "JPGExtended.dcm", "MR_small_jp2klossless.dcm", "693_J2KI.dcm",
                      "MR_small_jpeg_ls_lossless.dcm"])
    func mutatedCodestreams(file: String) throws {
        let bytes = [UInt8](try Data(contentsOf: Fixtures.url("dicom/\(file)")))
        guard case .fragments(let encapsulated) = try #require(DICOMFile(bytes: bytes, name: file).dataset[.pixelData]).value
        else { throw DICOMError.pixelDataMissing(file: file) }
        // Fragment values are slices of the file, so their indices are file offsets: the mutations stay
        // inside the codestreams, the file still reads, and the codec gets the damage.
        let positions = encapsulated.fragments.flatMap(\.indices)
        var decoded = 0
        for index in 0..<Self.codestreamInputs {
            var random = SeededRandom(seed: UInt64(index) &+ 0xC0DE_C0DE)
            var input = bytes
            for _ in 0..<(1 + random.below(4)) {
                let position = positions[random.below(positions.count)]
                input[position] = random.below(3) == 0 ? 0xFF : input[position] ^ UInt8(1 << random.below(8))
            }
            let pixels = try DICOMFile(bytes: input, name: file).pixelData()
            if (try? pixels.frame(0)) != nil { decoded += 1 }
        }
        print("DICOM codestream fuzz: \(file): \(Self.codestreamInputs) mutated, \(decoded) decoded")
    }

    /// Inputs `lane`, `lane + lanes`, … of the run, each from its own seeded generator so that any one can
    /// be replayed alone.
    private static func run(seeds: [Seed], lane: Int, lanes: Int) -> Tally {
        var tally = Tally()
        for index in stride(from: lane, to: inputCount, by: lanes) {
            var random = SeededRandom(seed: UInt64(index) &* 0x9E37_79B9_7F4A_7C15)
            let seed = seeds[index % seeds.count]
            let input = mutated(seed, &random)
            tally.inputs += 1
            guard let file = try? DICOMFile(bytes: input, name: "fuzz-\(index)", limits: limits) else { continue }
            tally.read += 1
            _ = DICOMScanAttributes(file.dataset)
            guard index % decodeEvery == 0 else { continue }
            tally.decodeAttempts += 1
            if let pixels = try? file.pixelData(), (try? pixels.image()) != nil { tally.decoded += 1 }
        }
        return tally
    }

    /// One to three mutations of the seed's bytes.
    private static func mutated(_ seed: Seed, _ random: inout SeededRandom) -> [UInt8] {
        var bytes = seed.bytes
        for _ in 0..<(1 + random.below(3)) where !bytes.isEmpty {
            // Half the mutations hit an element's header, where the parser makes its decisions.
            let position = !seed.elementOffsets.isEmpty && random.below(2) == 0
                ? min(bytes.count - 1, seed.elementOffsets[random.below(seed.elementOffsets.count)] + random.below(12))
                : random.below(bytes.count)
            switch random.below(6) {
            case 0:
                bytes[position] ^= UInt8(1 << random.below(8))
            case 1:
                bytes[position] = random.below(2) == 0 ? 0x00 : 0xFF
            case 2:
                bytes.removeSubrange(random.below(bytes.count)...)
            case 3:  // a length field (at +4 implicit or long explicit, +6 short explicit, +8 long explicit)
                let field = [UInt8](repeating: 0xFF, count: 4), big: [UInt8] = [0xF0, 0xFF, 0xFF, 0x7F]
                let value = [field, big, [0, 0, 0, 0], (0..<4).map { _ in UInt8(random.below(256)) }][random.below(4)]
                let at = min(bytes.count, position + [0, 2, 4][random.below(3)])
                bytes.replaceSubrange(at..<min(bytes.count, at + 4), with: value.prefix(bytes.count - at))
            case 4:
                bytes.insert(contentsOf: (0..<(1 + random.below(8))).map { _ in UInt8(random.below(256)) }, at: position)
            default:
                bytes.removeSubrange(position..<min(bytes.count, position + 1 + random.below(16)))
            }
        }
        return bytes
    }
}
