import Foundation
import Testing
@testable import CSSSEngine

/// Every layer's backward pass against central differences, on its own and in a MobileNetV2 block.
@Suite("Training gradients")
struct TrainingGradientTests {
    /// Builds the sub-network after `input` with every layer learning and checks all its gradients.
    func expectGradients(_ graph: ModelGraph, input: Tensor, step: Float = 1e-2, allowedFailures: Int = 0,
                         trainable: Set<String>? = nil) throws {
        let names = trainable ?? Set(graph.layers.dropFirst().map(\.name))
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: names)
        let (checked, failures) = try GradientCheck(network: network, input: input, step: step).failures()
        #expect(checked >= min(input.count, 48) + (network.parameters.isEmpty ? 0 : 1), "the parameters were probed")
        #expect(failures.count <= allowedFailures, "\(failures.count) of \(checked): \(failures.prefix(8))")
    }

    @Test("a 3×3 stride-2 SAME convolution with bias backpropagates to its input, kernel and bias")
    func convolution3x3() throws {
        let graph = ModelGraph.small(input: (5, 5, 3)) { $0.convolution("conv", in: 3, out: 4, kernel: 3, stride: 2, bias: true) }
        try expectGradients(graph, input: .random([2, 5, 5, 3], seed: 1))
    }

    @Test("a 1×1 convolution and a 3×3 VALID one backpropagate to input and kernel")
    func convolutionPointwiseAndValid() throws {
        let pointwise = ModelGraph.small(input: (3, 3, 6)) { $0.convolution("conv", in: 6, out: 5, kernel: 1) }
        try expectGradients(pointwise, input: .random([2, 3, 3, 6], seed: 2))
        let valid = ModelGraph.small(input: (5, 4, 2)) {
            $0.convolution("conv", in: 2, out: 3, kernel: 3, padding: .valid, bias: true, activation: .sigmoid)
        }
        try expectGradients(valid, input: .random([2, 5, 4, 2], seed: 3))
    }

    @Test("a stride-1 SAME depthwise convolution with a channel multiplier and bias backpropagates")
    func depthwiseStride1() throws {
        let graph = ModelGraph.small(input: (4, 4, 3)) {
            $0.depthwise("depthwise", channels: 3, stride: 1, multiplier: 2, bias: true)
        }
        try expectGradients(graph, input: .random([2, 4, 4, 3], seed: 4))
    }

    @Test("a zero padding then a stride-2 VALID depthwise convolution backpropagates, as MobileNetV2 downsamples")
    func depthwiseStride2() throws {
        let graph = ModelGraph.small(input: (6, 6, 4)) {
            $0.add("pad", .zeroPadding(top: 0, bottom: 1, left: 0, right: 1))
            $0.depthwise("depthwise", channels: 4, stride: 2)
        }
        try expectGradients(graph, input: .random([2, 6, 6, 4], seed: 5))
    }

    @Test("BatchNormalization in training mode backpropagates through the batch statistics to input, gamma and beta")
    func batchNormTraining() throws {
        let graph = ModelGraph.small(input: (2, 2, 3)) { $0.normalization("bn", channels: 3) }
        var input = Tensor.random([4, 2, 2, 3], seed: 6)
        for index in input.values.indices { input.values[index] = input.values[index] * 2 + Float(index % 3) }
        try expectGradients(graph, input: input, step: 3e-3)
    }

    @Test("frozen BatchNormalization backpropagates through its moving statistics")
    func batchNormFrozen() throws {
        let graph = ModelGraph.small(input: (2, 2, 3)) { $0.normalization("bn", channels: 3) }
        try expectGradients(graph, input: .random([3, 2, 2, 3], seed: 7), trainable: [])
    }

    @Test("ReLU6 passes the gradient between 0 and 6 and blocks it outside")
    func relu6() throws {
        let graph = ModelGraph.small(input: (3, 3, 2)) { $0.relu6("relu") }
        var input = Tensor.random([2, 3, 3, 2], seed: 8)
        // Spread over [-8, 8], kept away from the kinks where the difference straddles two slopes.
        input.values = input.values.map { value in
            let x = value * 8
            return abs(x) < 0.1 || abs(x - 6) < 0.1 ? x + 0.3 : x
        }
        #expect(input.values.contains { $0 > 6 } && input.values.contains { $0 < 0 })
        try expectGradients(graph, input: input)
    }

    @Test("a residual Add sums the gradients of both paths into the shared input")
    func add() throws {
        let graph = ModelGraph.small(input: (3, 3, 4)) {
            $0.convolution("conv", from: "input", in: 4, out: 4, kernel: 1, bias: true)
            $0.add("add", .add, inputs: ["input", "conv"])
        }
        try expectGradients(graph, input: .random([2, 3, 3, 4], seed: 9))
    }

    @Test("global average pooling spreads the gradient over the pixels, with and without kept dimensions",
          arguments: [false, true])
    func globalAveragePooling(keepDims: Bool) throws {
        let graph = ModelGraph.small(input: (3, 2, 5)) { $0.add("pool", .globalAveragePooling(keepDims: keepDims)) }
        try expectGradients(graph, input: .random([2, 3, 2, 5], seed: 10))
    }

    @Test("a Dense layer backpropagates to input, kernel and bias, and a final softmax is left to the loss")
    func dense() throws {
        let graph = ModelGraph.small(input: (1, 1, 5)) {
            $0.add("flatten", .flatten)
            $0.dense("dense", in: 5, out: 4, activation: .softmax)
        }
        try expectGradients(graph, input: .random([3, 1, 1, 5], seed: 11))
        let network = try TrainableNetwork(graph: graph, inputLayer: "input", trainable: [])
        let logits = try network.forward(.random([3, 1, 1, 5], seed: 11), training: false, seed: 0)
        #expect(logits.values.contains { $0 < 0 }, "logits, not probabilities")
    }

    @Test("dropout with a fixed seed zeroes about `rate` of the values, scales the rest, and backpropagates through its mask")
    func dropout() throws {
        let graph = ModelGraph.small(input: (1, 1, 40)) {
            $0.add("flatten", .flatten)
            $0.add("dropout", .dropout(rate: 0.25))
            $0.dense("dense", in: 40, out: 3, activation: .linear)
        }
        try expectGradients(graph, input: .random([3, 1, 1, 40], seed: 12))

        let alone = ModelGraph.small(input: (1, 1, 400)) { $0.add("dropout", .dropout(rate: 0.25)) }
        let network = try TrainableNetwork(graph: alone, inputLayer: "input", trainable: [])
        let ones = Tensor(shape: [1, 1, 1, 400], values: Array(repeating: 1, count: 400))
        let dropped = try network.forward(ones, training: true, seed: 5)
        #expect(Set(dropped.values) == [0, Float(1) / 0.75])
        #expect((70...130).contains(dropped.values.filter { $0 == 0 }.count))
        #expect(try network.forward(ones, training: true, seed: 5) == dropped, "the same seed draws the same mask")
        #expect(try network.forward(ones, training: true, seed: 6) != dropped)
        #expect(try network.forward(ones, training: false, seed: 5) == ones, "the identity outside training")
    }

    @Test("softmax cross-entropy with class weights has Keras's loss and the gradient of finite differences")
    func softmaxCrossEntropy() throws {
        let logits = Tensor(shape: [2, 3], values: [2, -1, 0.5, 100, 101, 99])
        let labels = [0, 2], weights: [Float] = [2, 1, 0.5]
        let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, classWeights: weights)
        func ce(_ row: [Double], _ label: Int) -> Double {
            let peak = row.max()!
            return log(row.map { exp($0 - peak) }.reduce(0, +)) + peak - row[label]
        }
        let expected = (2 * ce([2, -1, 0.5], 0) + 0.5 * ce([100, 101, 99], 2)) / 2
        #expect(abs(Double(result.loss) - expected) < 1e-5)
        #expect(result.probabilities.values.allSatisfy { $0.isFinite }, "stable for large logits")
        for index in logits.values.indices {
            func loss(_ delta: Float) -> Double {
                var shifted = logits
                shifted.values[index] += delta
                return Double(SoftmaxCrossEntropy.evaluate(logits: shifted, labels: labels, classWeights: weights).loss)
            }
            let numeric = (loss(1e-2) - loss(-1e-2)) / 2e-2
            #expect(abs(numeric - Double(result.gradient.values[index])) < 1e-3, "logit \(index)")
        }
    }

    @Test("a MobileNetV2 inverted-residual block (expand, depthwise, project, residual add) backpropagates to input and every weight")
    func invertedResidualBlock() throws {
        let graph = ModelGraph.small(input: (4, 4, 4)) {
            $0.convolution("expand", from: "input", in: 4, out: 12, kernel: 1)
            $0.normalization("expand_BN", channels: 12)
            $0.relu6("expand_relu")
            $0.depthwise("depthwise", channels: 12, stride: 1)
            $0.normalization("depthwise_BN", channels: 12)
            $0.relu6("depthwise_relu")
            $0.convolution("project", in: 12, out: 4, kernel: 1)
            $0.normalization("project_BN", channels: 4)
            $0.add("add", .add, inputs: ["input", "project_BN"])
            $0.add("pool", .globalAveragePooling(keepDims: false))
            $0.dense("dense", in: 4, out: 3, activation: .softmax)
        }
        // Training-mode BatchNormalization makes every pixel of a channel move with one weight, so a wide
        // step (3e-3) lets some pixel cross a ReLU6 kink; this one keeps every probe on one side.
        try expectGradients(graph, input: .random([2, 4, 4, 4], seed: 13), step: 5e-4)
    }
}

/// The whole path a fine-tuning run takes: the synthetic MobileNetV2 from `block_15_add`, with block 16,
/// `Conv_1` and the head learning and the rest frozen.
@Suite("Fine-tuning gradients")
struct FineTuningGradientTests {
    @Test("fine-tuning the last block of a MobileNetV2 backpropagates to its input and every learning weight")
    func lastBlock() throws {
        let graph = SyntheticMobileNetV2.graph(inputSize: 64, classes: 4)
        let features = try Network(graph: graph, keeping: ["block_15_add"])
            .run(SyntheticMobileNetV2.input(images: 2, size: 64)).activations["block_15_add"]
        let trainable: Set<String> = ["block_16_expand", "block_16_expand_BN", "block_16_depthwise",
                                      "block_16_project", "block_16_project_BN", "Conv_1", "dense"]
        let network = try TrainableNetwork(graph: graph, inputLayer: "block_15_add", trainable: trainable)
        #expect(network.parameters.count == 10)
        let check = GradientCheck(network: network, input: try #require(features), step: 5e-4, samples: 24)
        let (checked, failures) = try check.failures()
        #expect(checked > 200)
        #expect(failures.count <= 3, "\(failures.count) of \(checked): \(failures.prefix(8))")
    }
}
