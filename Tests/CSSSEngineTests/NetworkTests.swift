import CSSSKernels
import Testing
@testable import CSSSEngine

/// Whole networks against the unfused reference evaluator: fusion, taps, sizes, threads and errors.
@Suite("Network")
struct NetworkTests {
    static let mobileNet = SyntheticMobileNetV2.graph()

    @Test("the synthetic MobileNetV2 matches the unfused reference at its own size and at others",
          arguments: [(images: 1, size: 160), (images: 3, size: 96), (images: 1, size: 224)])
    func mobileNetMatchesReference(images: Int, size: Int) throws {
        let input = SyntheticMobileNetV2.input(images: images, size: size)
        let network = try Network(graph: Self.mobileNet, inputSize: (size, size), keeping: ["out_relu"])
        #expect(network.inputShape == (size, size, 3))
        let output = try network.run(input)
        let reference = ReferenceEvaluator.evaluate(Self.mobileNet, input: input)

        let logits = ReferenceEvaluator.logits(of: Self.mobileNet, input: input)
        #expect(output.logits?.shape == [images, 19])
        let logitsDifference = output.logits.map { $0.maxDifference(from: logits) } ?? .infinity
        #expect(logitsDifference < 1e-4)
        expectClose(output.probabilities, reference["dense"], relative: 1e-6, "probabilities")
        expectClose(output.activations["out_relu"], reference["out_relu"], "out_relu")
    }

    @Test("taps return the unfused values, even of a convolution before its BatchNormalization")
    func tapsAreUnfused() throws {
        let taps: Set = ["Conv1", "Conv1_relu", "block_1_pad", "block_1_project_BN", "block_2_add",
                         "block_16_project", "block_16_project_BN", "out_relu", "dropout"]
        let input = SyntheticMobileNetV2.input(images: 2)
        let output = try Network(graph: Self.mobileNet, keeping: taps).run(input)
        let reference = ReferenceEvaluator.evaluate(Self.mobileNet, input: input)
        #expect(Set(output.activations.keys) == taps)
        for tap in taps {
            expectClose(output.activations[tap], reference[tap], tap)
        }
    }

    @Test("fusion leaves one step per convolution, and a tap between two layers splits them again")
    func fusion() throws {
        let fused = try GraphLowering.program(for: Self.mobileNet, inputSize: nil, taps: []).steps
        // 52 convolutions, then pooling, the Dense layer and its softmax.
        #expect(fused.count == 55)
        #expect(fused.allSatisfy { $0.step.kind != .elementwise })
        #expect(fused.first { $0.layers.contains("block_2_add") }?.layers.first == "block_2_project")
        #expect(fused.first { $0.layers.contains("block_1_pad") } == nil, "the padding folds into the depthwise")

        let tapped = try GraphLowering.program(for: Self.mobileNet, inputSize: nil, taps: ["block_16_project"]).steps
        #expect(tapped.count == 56)
        #expect(tapped.filter { $0.step.kind == .elementwise }.map(\.layers) == [["block_16_project_BN"]])
    }

    @Test("the blocks with the largest expanded tensors run row by row, unless a tap needs their insides")
    func blockFusion() throws {
        let blocks = try Network(graph: Self.mobileNet).program.steps.filter { $0.step.kind == .invertedResidual }
        #expect(blocks.map { $0.layers.first! } == ["expanded_conv_depthwise", "block_1_expand", "block_2_expand",
                                                    "block_3_expand"])
        #expect(blocks[2].layers.last == "block_2_add")

        let tapped = try Network(graph: Self.mobileNet, keeping: ["block_1_depthwise_relu"]).program.steps
        #expect(!tapped.contains { $0.step.kind == .invertedResidual && $0.layers.contains("block_1_expand") })
    }

    @Test("a BatchNormalization folded into a convolution or Dense layer equals the unfolded layers")
    func foldingEqualsUnfolded() throws {
        var builder = GraphBuilder(seed: 21)
        builder.add("input", .input(height: 12, width: 12, channels: 6), inputs: [])
        builder.convolution("conv", in: 6, out: 16, kernel: 3, bias: true)
        builder.normalization("conv_BN", channels: 16)
        builder.relu6("conv_relu")
        builder.depthwise("depthwise", channels: 16, stride: 1, bias: true)
        builder.normalization("depthwise_BN", channels: 16)
        builder.add("pool", .globalAveragePooling(keepDims: false))
        builder.dense("dense", in: 16, out: 10, activation: .linear)
        builder.normalization("dense_BN", channels: 10)
        let graph = ModelGraph(name: "folding", layers: builder.layers, outputName: "dense_BN")
        let input = Tensor.random([2, 12, 12, 6], seed: 4)

        let network = try Network(graph: graph)
        #expect(network.program.steps.count == 4, "every BatchNormalization folds")
        expectClose(try network.run(input).outputs, ReferenceEvaluator.evaluate(graph, input: input)["dense_BN"],
                    "dense_BN")
    }

    @Test("layers outside MobileNetV2 match the reference: Rescaling, Normalization, slopes, sigmoid, Flatten")
    func genericLayers() throws {
        var builder = GraphBuilder(seed: 22)
        builder.add("input", .input(height: 10, width: 9, channels: 3), inputs: [])
        builder.add("rescale", .rescaling(scale: 1 / 127.5, offset: -1))
        builder.add("normalize", .normalization(mean: [0.1, -0.2, 0.3], variance: [0.5, 2, 0.25]))
        builder.convolution("conv", in: 3, out: 12, kernel: 3, bias: true, activation: .relu)
        builder.add("leaky", .relu(maxValue: 4, negativeSlope: 0.1, threshold: 0.5))
        builder.convolution("branch", in: 12, out: 12, kernel: 1, bias: true)
        builder.add("sigmoid", .activation(.sigmoid))
        builder.add("sum", .add, inputs: ["leaky", "sigmoid", "conv"])
        builder.add("pad", .zeroPadding(top: 1, bottom: 0, left: 0, right: 2))
        builder.depthwise("depthwise", channels: 12, stride: 2, multiplier: 2, bias: true)
        builder.add("relu", .activation(.relu))
        builder.add("flatten", .flatten)
        builder.dense("dense", in: 5 * 5 * 24, out: 5, activation: .linear)
        builder.add("softmax", .activation(.softmax))
        let graph = ModelGraph(name: "generic", layers: builder.layers, outputName: "softmax")
        let input = Tensor.random([2, 10, 9, 3], seed: 6).mapValues { ($0 + 1) * 127.5 }

        let output = try Network(graph: graph, keeping: ["pad", "sum"]).run(input)
        let reference = ReferenceEvaluator.evaluate(graph, input: input)
        expectClose(output.outputs, reference["softmax"], "softmax")
        expectClose(output.logits, reference["dense"], "logits")
        expectClose(output.activations["pad"], reference["pad"], "pad")
        expectClose(output.activations["sum"], reference["sum"], "sum")
    }

    @Test("Normalization floors the standard deviation at 1e-7, as Keras does")
    func normalizationFloor() throws {
        var builder = GraphBuilder(seed: 23)
        builder.add("input", .input(height: 4, width: 4, channels: 3), inputs: [])
        builder.add("normalize", .normalization(mean: [0.5], variance: [0]))
        let graph = ModelGraph(name: "floor", layers: builder.layers, outputName: "normalize")
        let input = Tensor.random([1, 4, 4, 3], seed: 8)
        let output = try Network(graph: graph).run(input).outputs
        expectClose(output, ReferenceEvaluator.evaluate(graph, input: input)["normalize"], "normalize")
        #expect(abs(output.values[0] - (input.values[0] - 0.5) * 1e7) <= 1e-6 * abs(output.values[0]))
    }

    @Test("one and two threads give the same results", arguments: [1, 3, 4])
    func threadsAgree(images: Int) throws {
        let input = SyntheticMobileNetV2.input(images: images, size: 96)
        let taps: Set = ["block_3_expand_relu", "out_relu"]
        let one = try Network(graph: Self.mobileNet, inputSize: (96, 96), threads: 1, keeping: taps).run(input)
        let two = try Network(graph: Self.mobileNet, inputSize: (96, 96), threads: 2, keeping: taps).run(input)
        expectClose(two.outputs, one.outputs, relative: 1e-6, "outputs")
        expectClose(two.logits, one.logits, relative: 1e-6, "logits")
        for tap in taps {
            expectClose(two.activations[tap], one.activations[tap], relative: 1e-6, tap)
        }
    }

    @Test("the portable kernels compute the same network")
    func portableKernels() throws {
        let input = SyntheticMobileNetV2.input(images: 1, size: 96)
        let fast = try Network(graph: Self.mobileNet, inputSize: (96, 96), threads: 2, keeping: [],
                               isa: csss_best_isa()).run(input)
        let portable = try Network(graph: Self.mobileNet, inputSize: (96, 96), threads: 2, keeping: [],
                                   isa: CSSS_ISA_PORTABLE).run(input)
        expectClose(portable.logits, fast.logits, "logits")
    }

    @Test("runs reuse their buffers and agree across calls, batch sizes and a raw buffer")
    func repeatedRuns() throws {
        let network = try Network(graph: Self.mobileNet, inputSize: (64, 64))
        let batch = SyntheticMobileNetV2.input(images: 3, size: 64)
        let first = try network.run(batch)
        let again = try network.run(batch)
        let rerunEqual = first.outputs == again.outputs
        #expect(rerunEqual)
        let raw = try batch.values.withUnsafeBufferPointer { try network.run($0, count: 3) }
        let rawEqual = raw.outputs == first.outputs
        #expect(rawEqual)
        let pixels = 64 * 64 * 3
        let second = try network.run(Tensor(shape: [1, 64, 64, 3], values: Array(batch.values[pixels..<2 * pixels])))
        let secondEqual = second.outputs.values == Array(first.outputs.values[19..<38])
        #expect(secondEqual)
    }

    @Test("concurrent runs from several tasks each get their own results")
    func concurrentRuns() async throws {
        let network = try Network(graph: Self.mobileNet, inputSize: (64, 64))
        let inputs = (0..<4).map { SyntheticMobileNetV2.input(images: 1 + $0 % 2, size: 64, seed: UInt64($0)) }
        let expected = try inputs.map { try network.run($0).outputs }
        try await withThrowingTaskGroup(of: (Int, Tensor).self) { group in
            for (index, input) in inputs.enumerated() {
                group.addTask { (index, try network.run(input).outputs) }
            }
            for try await (index, outputs) in group {
                let equal = outputs == expected[index]
                #expect(equal, "task \(index)")
            }
        }
    }

    @Test("a profile times every step and names the layers each one computes")
    func profileCoversEveryStep() throws {
        let network = try Network(graph: Self.mobileNet, inputSize: (64, 64), keeping: [])
        let profile = try network.profile(SyntheticMobileNetV2.input(images: 1, size: 64), repetitions: 2)
        #expect(profile.count == network.program.steps.count)
        #expect(profile.allSatisfy { $0.seconds >= 0 && !$0.layers.isEmpty })
        let profiled = Set(profile.flatMap(\.layers))
        let computing = Self.mobileNet.layers.filter {
            if case .input = $0.operation { return false }
            if case .dropout = $0.operation { return false }
            if case .zeroPadding = $0.operation { return false }
            return true
        }
        #expect(computing.allSatisfy { profiled.contains($0.name) })
    }

    @Test("an input of the wrong shape is rejected, naming the input layer")
    func wrongInputShape() throws {
        let network = try Network(graph: Self.mobileNet, inputSize: (64, 64))
        let error = #expect(throws: NetworkError.self) { try network.run(SyntheticMobileNetV2.input(images: 1, size: 96)) }
        #expect(error == .inputShapeMismatch(layer: "input_layer", expected: [64, 64, 3], actual: [1, 96, 96, 3]))
        #expect(error?.description.contains("'input_layer'") == true)
        #expect(throws: NetworkError.self) { try network.run(Tensor(zeros: [64, 64, 3])) }
    }

    @Test("an unknown tap is rejected with its name")
    func unknownTap() {
        let error = #expect(throws: NetworkError.self) { try Network(graph: Self.mobileNet, keeping: ["block_99_add"]) }
        #expect(error == .unknownTap("block_99_add"))
        #expect(error?.description.contains("'block_99_add'") == true)
    }

    @Test("a model with an open input size needs an inputSize, and a kernel that does not fit is named")
    func unsupportedGraphs() throws {
        var graph = Self.mobileNet
        graph.layers[0].operation = .input(height: nil, width: nil, channels: 3)
        #expect(throws: NetworkError.unsupportedLayer(name: "input_layer",
                                                      reason: "its input size is open; give the network an inputSize")) {
            try Network(graph: graph)
        }
        #expect(try Network(graph: graph, inputSize: (96, 96)).inputShape == (96, 96, 3))

        graph.layers[0].operation = .input(height: 160, width: 160, channels: 4)
        let error = #expect(throws: NetworkError.self) { try Network(graph: graph) }
        guard case .unsupportedLayer(let name, _)? = error else {
            Issue.record("expected an unsupported layer, got \(String(describing: error))")
            return
        }
        #expect(name == "Conv1")
    }
}

extension Tensor {
    func mapValues(_ transform: (Float) -> Float) -> Tensor {
        Tensor(shape: shape, values: values.map(transform))
    }
}
