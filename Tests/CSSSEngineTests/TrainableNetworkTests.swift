import Foundation
import Testing
@testable import CSSSEngine

/// What a ``TrainableNetwork`` computes besides gradients: the same forward pass as ``Network``,
/// BatchNormalization's two modes, the weights it writes back, and the errors it reports.
@Suite("Trainable network")
struct TrainableNetworkTests {
    static let graph = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)

    func softmax(_ logits: Tensor) -> Tensor {
        SoftmaxCrossEntropy.evaluate(logits: logits, labels: Array(repeating: 0, count: logits.shape[0]),
                                     classWeights: nil).probabilities
    }

    @Test("an inference pass from the input, or from block_15_add, gives the fast engine's probabilities")
    func inferenceMatchesNetwork() throws {
        let input = SyntheticMobileNetV2.input(images: 2, size: 32)
        let reference = try Network(graph: Self.graph, keeping: ["block_15_add"]).run(input)
        let whole = try TrainableNetwork(graph: Self.graph, inputLayer: "input_layer", trainable: [])
        let probabilities = softmax(try whole.forward(input, training: false, seed: 0))
        #expect(probabilities.shape == reference.outputs.shape)
        #expect(zip(probabilities.values, reference.outputs.values).allSatisfy { abs($0 - $1) <= 1e-4 })

        let tail = try TrainableNetwork(graph: Self.graph, inputLayer: "block_15_add",
                                        trainable: ["block_16_project", "block_16_project_BN", "Conv_1", "dense"])
        let features = try #require(reference.activations["block_15_add"])
        let tailProbabilities = softmax(try tail.forward(features, training: false, seed: 0))
        #expect(zip(tailProbabilities.values, reference.outputs.values).allSatisfy { abs($0 - $1) <= 1e-4 })
        #expect(tail.parameters.map { "\($0.layer)/\($0.name)" } == [
            "block_16_project/kernel", "block_16_project_BN/gamma", "block_16_project_BN/beta",
            "Conv_1/kernel", "dense/kernel", "dense/bias",
        ])
    }

    @Test("frozen BatchNormalization normalises with its moving statistics in a training pass and keeps them")
    func frozenBatchNorm() throws {
        let graph = ModelGraph.small(input: (2, 2, 3)) { $0.normalization("bn", channels: 3) }
        guard case .batchNormalization(let bn) = graph.layers[1].operation else { Issue.record(); return }
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: [])
        let input = Tensor.random([4, 2, 2, 3], seed: 1)
        let output = try network.forward(input, training: true, seed: 0)
        for index in input.values.indices {
            let c = index % 3
            let expected = (input.values[index] - bn.movingMean[c]) / (bn.movingVariance[c] + bn.epsilon).squareRoot()
                * bn.gamma[c] + bn.beta[c]
            #expect(abs(output.values[index] - expected) < 1e-5)
        }
        guard case .batchNormalization(let after) = network.updatedGraph().layers[1].operation else { Issue.record(); return }
        #expect(after.movingMean == bn.movingMean && after.movingVariance == bn.movingVariance)
    }

    @Test("learning BatchNormalization normalises with the batch and moves its statistics by Keras's momentum")
    func learningBatchNorm() throws {
        let graph = ModelGraph.small(input: (1, 2, 1)) { $0.normalization("bn", channels: 1) }
        guard case .batchNormalization(let bn) = graph.layers[1].operation else { Issue.record(); return }
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: ["bn"])
        // Batch values 1, 3, 5, 7: mean 4, biased variance 5.
        let input = Tensor(shape: [2, 1, 2, 1], values: [1, 3, 5, 7])
        let output = try network.forward(input, training: true, seed: 0)
        let expected = [1, 3, 5, 7].map { (Float($0) - 4) / (5 + bn.epsilon).squareRoot() * bn.gamma[0] + bn.beta[0] }
        #expect(zip(output.values, expected).allSatisfy { abs($0 - $1) < 1e-5 })
        guard case .batchNormalization(let after) = network.updatedGraph().layers[1].operation else { Issue.record(); return }
        #expect(abs(after.movingMean[0] - (bn.movingMean[0] * 0.99 + 4 * 0.01)) < 1e-6)
        #expect(abs(after.movingVariance[0] - (bn.movingVariance[0] * 0.99 + 5 * 0.01)) < 1e-6)
        // An inference pass uses the (moved) moving statistics and leaves them.
        _ = try network.forward(input, training: false, seed: 0)
        guard case .batchNormalization(let again) = network.updatedGraph().layers[1].operation else { Issue.record(); return }
        #expect(again.movingMean == after.movingMean)
    }

    @Test("updatedGraph writes learned weights back into the whole graph and keeps the final softmax")
    func updatedGraph() throws {
        let network = try TrainableNetwork(graph: Self.graph, inputLayer: "out_relu", trainable: ["dense"])
        let kernel = try #require(network.parameters.first)
        kernel.values[0] += 1
        let updated = network.updatedGraph()
        #expect(updated.layers.count == Self.graph.layers.count)
        guard case .dense(let dense) = updated.layer(named: "dense")?.operation,
              case .dense(let original) = Self.graph.layer(named: "dense")?.operation else { Issue.record(); return }
        #expect(dense.kernel.values[0] == original.kernel.values[0] + 1)
        #expect(dense.activation == .softmax)
    }

    @Test("a final softmax Activation layer is left to the loss, so the network returns the Dense layer's logits")
    func softmaxLayerIsLeftOut() throws {
        let graph = ModelGraph.small(input: (1, 1, 6)) {
            $0.add("flatten", .flatten)
            $0.dense("dense", in: 6, out: 3, activation: .linear)
            $0.add("softmax", .activation(.softmax))
        }
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: ["dense"])
        let input = Tensor.random([2, 1, 1, 6], seed: 3)
        let logits = try network.forward(input, training: false, seed: 0)
        let probabilities = try Network(graph: graph, threads: 1).run(input).outputs
        #expect(zip(softmax(logits).values, probabilities.values).allSatisfy { abs($0 - $1) <= 1e-5 })
        #expect(logits.values.contains { $0 < 0 })
    }

    @Test("backward without a training pass, and a learning layer outside the sub-network, are reported")
    func errors() throws {
        let network = try TrainableNetwork(graph: Self.graph, inputLayer: "out_relu", trainable: ["dense"])
        _ = try network.forward(.random([1, 1, 1, 1280], seed: 1), training: false, seed: 0)
        #expect(throws: TrainingError.noForwardPass) { try network.backward(Tensor(zeros: [1, 5])) }
        #expect(throws: TrainingError.layerOutsideSubNetwork("Conv_1")) {
            try TrainableNetwork(graph: Self.graph, inputLayer: "out_relu", trainable: ["Conv_1"])
        }
        #expect(throws: TrainingError.unknownLayer("block_99")) {
            try TrainableNetwork(graph: Self.graph, inputLayer: "block_99", trainable: [])
        }
        // block_15_add's shortcut reads block_14_add, which comes before block_15_project.
        #expect(throws: TrainingError.unreachableInput(layer: "block_15_add", input: "block_14_add")) {
            try TrainableNetwork(graph: Self.graph, inputLayer: "block_15_project", trainable: [])
        }
    }

    @Test("a 7×7×320→1280 pointwise convolution's backward pass over a batch of 32 takes well under a few seconds")
    func pointwiseBackwardSpeed() throws {
        var builder = GraphBuilder(seed: 3)
        builder.add("input", .input(height: 7, width: 7, channels: 320), inputs: [])
        builder.convolution("Conv_1", in: 320, out: 1280, kernel: 1)
        let graph = ModelGraph(name: "pointwise", layers: builder.layers, outputName: "Conv_1")
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: ["Conv_1"])
        let input = Tensor.random([32, 7, 7, 320], seed: 4)
        let output = try network.forward(input, training: true, seed: 0)
        let clock = ContinuousClock()
        let elapsed = try clock.measure { _ = try network.backward(output) }
        print("pointwise 7×7×320→1280 backward, batch 32: \(elapsed)")
        #expect(elapsed < .seconds(5))
    }
}
