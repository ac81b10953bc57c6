import Foundation
import Testing
@testable import CSSSEngine

/// Adam and SGD against Keras's update rules worked by hand, a new head built as Keras names it, and a
/// short training run that learns.
@Suite("Optimizers and heads")
struct OptimizerTests {
    /// A network with one learning weight, `w = 0.5`, whose gradient the test sets.
    func singleWeight() throws -> (TrainableNetwork, TrainableParameter) {
        let graph = ModelGraph(name: "one", layers: [
            Layer(name: "input", operation: .input(height: 1, width: 1, channels: 1), inputs: []),
            Layer(name: "dense", operation: .dense(DenseLayer(kernel: Tensor(shape: [1, 1], values: [0.5]),
                                                              bias: nil, activation: .linear)), inputs: ["input"]),
        ], outputName: "dense")
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: ["dense"])
        return (network, network.parameters[0])
    }

    @Test("two Adam steps match Keras's update with bias correction in the step size")
    func adam() throws {
        let (network, weight) = try singleWeight()
        var adam = Adam(learningRate: 0.1)
        weight.gradient = [2]
        adam.step(network)
        // m = 0.2, v = 0.004, alpha = 0.1 · √0.001 / 0.1.
        var expected = 0.5 - 0.1 * 0.001.squareRoot() / 0.1 * 0.2 / (0.004.squareRoot() + 1e-7)
        #expect(abs(Double(weight.values[0]) - expected) < 1e-6)
        weight.gradient = [-1]
        adam.step(network)
        let m = 0.9 * 0.2 + 0.1 * -1.0, v = 0.999 * 0.004 + 0.001 * 1.0
        expected -= 0.1 * (1 - 0.999 * 0.999).squareRoot() / (1 - 0.81) * m / (v.squareRoot() + 1e-7)
        #expect(abs(Double(weight.values[0]) - expected) < 1e-6)
    }

    @Test("two SGD steps with momentum match Keras's velocity update")
    func sgd() throws {
        let (network, weight) = try singleWeight()
        var sgd = SGD(learningRate: 0.1, momentum: 0.9)
        weight.gradient = [2]
        sgd.step(network)
        #expect(abs(weight.values[0] - 0.3) < 1e-6)
        weight.gradient = [1]
        sgd.step(network)
        // velocity = 0.9 · -0.2 - 0.1 · 1 = -0.28.
        #expect(abs(weight.values[0] - 0.02) < 1e-6)
    }

    @Test("replacingHead keeps the layers up to the named one and adds Keras's head, Glorot-initialised from the seed")
    func headBuilder() throws {
        let base = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)
        let graph = try base.replacingHead(after: "out_relu", hidden: 64, classes: 3, dropout: 0.3, seed: 9)
        #expect(graph.layers.suffix(4).map(\.name) == ["global_average_pooling2d", "dense", "dropout", "dense_1"])
        #expect(graph.layers.count == base.layers.firstIndex { $0.name == "out_relu" }! + 5)
        #expect(graph.outputName == "dense_1")
        guard case .dense(let hidden) = graph.layer(named: "dense")?.operation,
              case .dense(let output) = graph.layer(named: "dense_1")?.operation,
              case .dropout(let rate) = graph.layer(named: "dropout")?.operation else { Issue.record(); return }
        #expect(hidden.kernel.shape == [1280, 64] && output.kernel.shape == [64, 3] && rate == 0.3)
        #expect(hidden.activation == .relu && output.activation == .softmax)
        #expect(hidden.bias?.values.allSatisfy { $0 == 0 } == true)
        let limit = (6 / Float(1280 + 64)).squareRoot()
        #expect(hidden.kernel.values.allSatisfy { abs($0) <= limit })
        #expect(hidden.kernel.values.max()! > limit * 0.9, "spread over the whole Glorot range")
        let again = try base.replacingHead(after: "out_relu", hidden: 64, classes: 3, dropout: 0.3, seed: 9)
        guard case .dense(let same) = again.layer(named: "dense")?.operation else { Issue.record(); return }
        #expect(same.kernel == hidden.kernel)
        _ = try Network(graph: graph).run(SyntheticMobileNetV2.input(images: 1, size: 32))
    }

    @Test("a new head on separable features learns three classes within 50 Adam steps")
    func trainingRun() throws {
        var random = SeededRandom(seed: 21)
        let images = 30, channels = 8
        var labels: [Int] = [], values: [Float] = []
        for image in 0..<images {
            let label = image % 3
            labels.append(label)
            for _ in 0..<4 {
                for channel in 0..<channels {
                    values.append(random.uniform(0, 0.5) + (channel % 3 == label ? 1 : 0))
                }
            }
        }
        let features = Tensor(shape: [images, 2, 2, channels], values: values)
        let base = ModelGraph(name: "features", layers: [
            Layer(name: "input", operation: .input(height: 2, width: 2, channels: channels), inputs: []),
        ], outputName: "input")
        let graph = try base.replacingHead(after: "input", hidden: 16, classes: 3, dropout: 0.2, seed: 4)
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: ["dense", "dense_1"])
        var adam = Adam(learningRate: 0.01)
        var losses: [Float] = []
        for step in 0..<50 {
            let logits = try network.forward(features, training: true, seed: UInt64(step))
            let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, classWeights: nil)
            losses.append(result.loss)
            network.zeroGradients()
            try network.backward(result.gradient)
            adam.step(network)
        }
        #expect(losses.last! < losses.first! * 0.3, "loss \(losses.first!) → \(losses.last!)")
        let scores = try Network(graph: network.updatedGraph(), threads: 1).run(features).outputs
        let predicted = (0..<images).map { row in (0..<3).max { scores.values[row * 3 + $0] < scores.values[row * 3 + $1] }! }
        #expect(predicted == labels)
    }
}
