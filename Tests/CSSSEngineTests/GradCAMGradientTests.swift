import Testing
@testable import CSSSEngine

/// The Grad-CAM backward pass against finite differences: every layer type's vector-Jacobian product on
/// its own, then whole tails with residual fan-out, at several layers.
@Suite("Grad-CAM gradients")
struct GradCAMGradientTests {
    /// A small MobileNetV2-like model: a strided 3×3 stem, an inverted-residual block whose shortcut reads
    /// the stem (so the stem's gradient arrives by two paths), a 1×1 head, pooling, a hidden Dense ReLU and
    /// a Dense softmax.
    static let smallModel: ModelGraph = {
        var builder = GraphBuilder(seed: 31)
        builder.add("input", .input(height: 8, width: 8, channels: 3), inputs: [])
        builder.convolution("stem", in: 3, out: 8, kernel: 3, stride: 2, bias: true)
        builder.normalization("stem_bn", channels: 8)
        builder.relu6("stem_relu")
        builder.convolution("expand", in: 8, out: 16, kernel: 1)
        builder.normalization("expand_bn", channels: 16)
        builder.relu6("expand_relu")
        builder.depthwise("depthwise", channels: 16, stride: 1)
        builder.normalization("depthwise_bn", channels: 16)
        builder.relu6("depthwise_relu")
        builder.convolution("project", in: 16, out: 8, kernel: 1)
        builder.normalization("project_bn", channels: 8)
        builder.add("add", .add, inputs: ["stem_relu", "project_bn"])
        builder.convolution("head", in: 8, out: 24, kernel: 1)
        builder.normalization("head_bn", channels: 24)
        builder.relu6("head_relu")
        builder.add("pool", .globalAveragePooling(keepDims: false))
        builder.add("dropout", .dropout(rate: 0.5))
        builder.dense("hidden", in: 24, out: 12, activation: .relu)
        builder.dense("classes", in: 12, out: 4, activation: .softmax)
        return ModelGraph(name: "small", layers: builder.layers, outputName: "classes")
    }()

    /// The central difference of `tail`'s score for `classIndex` along element `index` of the feature map,
    /// with the largest of a few steps at which the gradient at both ends is `gradient`, the gradient at
    /// the feature map itself; `nil` when every step reaches a ReLU kink.
    ///
    /// The score is piecewise linear in the feature map (ReLU6, ReLU and affine layers): where the
    /// gradient is the same at both ends, no ReLU switched in between, so the difference is exact but for
    /// float32 rounding, which the largest such step divides the most.
    static func centralDifference(_ tail: Tail, feature: [Float], constants: [[Float]], index: Int, classIndex: Int,
                                  gradient: [Float]) -> Float? {
        for step: Float in [1e-1, 3e-2, 1e-2, 3e-3, 1e-3] {
            func probe(_ delta: Float) -> Float? {
                var shifted = feature
                shifted[index] += delta
                tail.forward(feature: shifted, constants: constants)
                let score = tail.scores[classIndex]
                return Array(tail.backward(classIndex: classIndex)) == gradient ? score : nil
            }
            if let plus = probe(step), let minus = probe(-step) {
                return (plus - minus) / (2 * step)
            }
        }
        return nil
    }

    @Test("the gradient of a class's logit equals finite differences for every element of the layer's output away from a ReLU kink",
          arguments: ["stem_relu", "depthwise_relu", "head_relu"])
    func tailGradientMatchesFiniteDifferences(layer: String) throws {
        let graph = Self.smallModel
        let input = Tensor.random([1, 8, 8, 3], seed: 5)
        let reference = ReferenceEvaluator.evaluate(graph, input: input)
        let tail = try Tail(graph: graph, feature: layer, shapes: LayerShapes(graph: graph, inputSize: nil))
        // Inside the block, the shortcut's value comes from before the layer and is a constant.
        #expect(tail.constants == (layer == "depthwise_relu" ? ["stem_relu"] : []))
        let feature = try #require(reference[layer]).values
        let constants = try tail.constants.map { try #require(reference[$0]).values }

        tail.forward(feature: feature, constants: constants)
        let logits = ReferenceEvaluator.logits(of: graph, input: input).values
        #expect(zip(tail.scores, logits).allSatisfy { abs($0 - $1) <= 1e-5 }, "the tail's logits are the model's")
        let classIndex = 2
        let gradient = Array(tail.backward(classIndex: classIndex))
        #expect(gradient.contains { $0 != 0 })

        var worst: Float = 0, nearKinks = 0
        for index in feature.indices {
            guard let difference = Self.centralDifference(tail, feature: feature, constants: constants, index: index,
                                                          classIndex: classIndex, gradient: gradient)
            else {
                nearKinks += 1
                continue
            }
            worst = max(worst, abs(difference - gradient[index]))
        }
        #expect(worst <= 1e-4, "largest difference from finite differences: \(worst)")
        // A small random model has pre-activations within 1e-4 of a kink; elements that reach one are skipped.
        #expect(nearKinks <= feature.count / 3, "\(nearKinks) of \(feature.count) elements lie near a kink")
    }

    @Test("a tail that starts early, inside a residual block of MobileNetV2, matches finite differences along several directions")
    func earlyTailMatchesFiniteDifferences() throws {
        let graph = SyntheticMobileNetV2.graph(inputSize: 64)
        let input = SyntheticMobileNetV2.input(images: 1, size: 64)
        let layer = "block_2_project_BN"
        let reference = ReferenceEvaluator.evaluate(graph, input: input)
        let tail = try Tail(graph: graph, feature: layer, shapes: LayerShapes(graph: graph, inputSize: (64, 64)))
        #expect(tail.constants == ["block_1_project_BN"])
        let feature = try #require(reference[layer]).values
        let constants = try tail.constants.map { try #require(reference[$0]).values }
        tail.forward(feature: feature, constants: constants)
        let logits = ReferenceEvaluator.logits(of: graph, input: input).values
        #expect(zip(tail.scores, logits).allSatisfy { abs($0 - $1) <= 1e-4 * max(1, abs($1)) })
        let classIndex = 7
        let gradient = Array(tail.backward(classIndex: classIndex))

        // A hundred layers deep, a step along one element either drowns in float32 rounding or crosses
        // some ReLU kink. A step of norm 1e-2 along a unit direction moves each element by ~1e-4, crosses
        // few kinks, and changes the score enough to rise above rounding.
        func unit(_ vector: [Float]) -> [Float] {
            let norm = vector.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return vector.map { $0 / norm }
        }
        var random = SeededRandom(seed: 3)
        let directions = [
            unit(gradient),
            unit(gradient.map { _ in random.uniform(-1, 1) }),
            unit(gradient.enumerated().map { $0.offset % 24 < 12 ? $0.element : 0 }),  // half the channels
            unit(gradient.enumerated().map { $0.offset % 2 == 0 ? $0.element : -$0.element }),
        ]
        let step: Float = 1e-2
        let norm = gradient.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for (index, direction) in directions.enumerated() {
            tail.forward(feature: zip(feature, direction).map { $0 + step * $1 }, constants: constants)
            let plus = tail.scores[classIndex]
            tail.forward(feature: zip(feature, direction).map { $0 - step * $1 }, constants: constants)
            let minus = tail.scores[classIndex]
            let derivative = zip(gradient, direction).reduce(0) { $0 + $1.0 * $1.1 }
            let difference = abs((plus - minus) / (2 * step) - derivative)
            #expect(difference <= 1e-2 * norm, "direction \(index): \(difference) from \(derivative), gradient norm \(norm)")
        }
    }

    @Test("each layer type's backward pass equals finite differences of the reference forward pass",
          arguments: LayerCase.allCases)
    func layerGradientMatchesFiniteDifferences(layer: LayerCase) throws {
        let graph = try layer.graph()
        var input = Tensor.random([1] + layer.inputShape, seed: 9)
        // Values are spread over the ReLUs' range and kept 0.05 away from every kink, so no step crosses one.
        let kinks: [Float] = [0, LayerCase.threshold, LayerCase.maxValue, 6]
        input.values = input.values.map { value in
            var value = value * 7
            while kinks.contains(where: { abs(value - $0) < 0.05 }) { value += 0.1 }
            return value
        }
        let tail = try Tail(graph: graph, feature: "input", shapes: LayerShapes(graph: graph, inputSize: nil))
        tail.forward(feature: input.values, constants: [])
        let classIndex = 1
        let gradient = Array(tail.backward(classIndex: classIndex))

        func score(_ values: [Float]) -> Float {
            ReferenceEvaluator.evaluate(graph, input: Tensor(shape: input.shape, values: values))[graph.outputName]!
                .values[classIndex]
        }
        #expect(abs(tail.scores[classIndex] - score(input.values)) <= 1e-5, "the forward pass is the reference's")
        let step: Float = 1e-2
        var worst: Float = 0
        for index in input.values.indices {
            var (plus, minus) = (input.values, input.values)
            plus[index] += step
            minus[index] -= step
            worst = max(worst, abs((score(plus) - score(minus)) / (2 * step) - gradient[index]))
        }
        let scale = max(gradient.map(abs).max() ?? 0, 1)
        #expect(worst <= 1e-3 * scale, "largest difference from finite differences: \(worst)")
        #expect(gradient.contains { $0 != 0 })
    }
}

/// One layer type between a model's input and a linear Dense score, to check its backward pass alone.
enum LayerCase: String, CaseIterable, CustomTestStringConvertible {
    case pointwiseConvolution, stridedConvolution, dilatedValidConvolution, stridedPointwiseConvolution
    case depthwise, stridedDepthwiseWithMultiplier
    case batchNormalization, rescaling, normalization
    case relu6, reluWithThresholdSlopeAndMax, leakyReLU
    case reluActivation, relu6Activation, sigmoidActivation, softmaxActivation
    case zeroPadding, residualAdd, averagePooling, averagePoolingKeepingDims
    case denseSigmoidOnPixels, dropoutAndFlatten

    static let threshold: Float = 0.5
    static let maxValue: Float = 4

    var testDescription: String { rawValue }

    var inputShape: [Int] {
        switch self {
        case .dilatedValidConvolution: [7, 7, 3]
        case .stridedDepthwiseWithMultiplier: [6, 6, 3]
        default: [5, 5, 4]
        }
    }

    /// `input → layer → flatten → Dense(3)`, the model's output being the Dense layer's, with no softmax.
    func graph() throws -> ModelGraph {
        var builder = GraphBuilder(seed: 41)
        let channels = inputShape[2]
        builder.add("input", .input(height: inputShape[0], width: inputShape[1], channels: channels), inputs: [])
        switch self {
        case .pointwiseConvolution:
            builder.convolution("layer", in: channels, out: 6, kernel: 1, bias: true)
        case .stridedConvolution:
            builder.convolution("layer", in: channels, out: 5, kernel: 3, stride: 2, bias: true)
        case .dilatedValidConvolution:
            let kernel = builder.weights([3, 3, channels, 4], fanIn: 27)
            builder.add("layer", .conv2D(Convolution(kernel: kernel, bias: nil, strides: (1, 1), padding: .valid,
                                                     dilation: (2, 2))))
        case .stridedPointwiseConvolution:
            builder.convolution("layer", in: channels, out: 6, kernel: 1, stride: 2)
        case .depthwise:
            builder.depthwise("layer", channels: channels, stride: 1, bias: true)
        case .stridedDepthwiseWithMultiplier:
            builder.depthwise("layer", channels: channels, stride: 2, multiplier: 2, padding: .valid, bias: true)
        case .batchNormalization:
            builder.normalization("layer", channels: channels)
        case .rescaling:
            builder.add("layer", .rescaling(scale: 1 / 127.5, offset: -1))
        case .normalization:
            let (mean, variance) = (builder.values(channels, -1, 1), builder.values(channels, 0.5, 2))
            builder.add("layer", .normalization(mean: mean, variance: variance))
        case .relu6:
            builder.relu6("layer")
        case .reluWithThresholdSlopeAndMax:
            builder.add("layer", .relu(maxValue: Self.maxValue, negativeSlope: 0.2, threshold: Self.threshold))
        case .leakyReLU:
            builder.add("layer", .relu(maxValue: nil, negativeSlope: 0.1, threshold: 0))
        case .reluActivation:
            builder.add("layer", .activation(.relu))
        case .relu6Activation:
            builder.add("layer", .activation(.relu6))
        case .sigmoidActivation:
            builder.add("layer", .activation(.sigmoid))
        case .softmaxActivation:
            builder.add("layer", .activation(.softmax))
        case .zeroPadding:
            builder.add("layer", .zeroPadding(top: 1, bottom: 2, left: 0, right: 1))
        case .residualAdd:
            // The input reaches the sum directly and through the convolution: its gradients add up.
            builder.convolution("branch", in: channels, out: channels, kernel: 1)
            builder.add("layer", .add, inputs: ["input", "branch"])
        case .averagePooling:
            builder.add("layer", .globalAveragePooling(keepDims: false))
        case .averagePoolingKeepingDims:
            builder.add("layer", .globalAveragePooling(keepDims: true))
        case .denseSigmoidOnPixels:
            builder.dense("layer", in: channels, out: 3, activation: .sigmoid)
        case .dropoutAndFlatten:
            builder.add("layer", .dropout(rate: 0.5))
        }
        builder.add("flatten", .flatten)
        let flattened = try LayerShapes(graph: ModelGraph(name: rawValue, layers: builder.layers, outputName: "flatten"),
                                        inputSize: nil)["flatten"]
        builder.dense("score", in: try #require(flattened).reduce(1, *), out: 3, activation: .linear)
        return ModelGraph(name: rawValue, layers: builder.layers, outputName: "score")
    }
}

