import CSSSKernels
import Testing
@testable import CSSSEngine

/// Each kernel, run through a network of one or two layers, against the reference evaluator, on both
/// its AVX2 and its portable form.
@Suite("Kernels")
struct KernelTests {
    enum Path: String, CaseIterable, CustomTestStringConvertible {
        case avx2, portable

        var isa: csss_isa { self == .avx2 ? CSSS_ISA_AVX2_FMA : CSSS_ISA_PORTABLE }
        var testDescription: String { rawValue }
    }

    /// A depthwise case: input size and channels, stride, and either Keras padding or an explicit
    /// ZeroPadding2D `(top, bottom, left, right)` before a VALID convolution.
    struct DepthwiseCase: Sendable, CustomTestStringConvertible {
        var height: Int, width: Int, channels: Int, stride: Int
        var padding: Padding = .same
        var zeroPadding: (Int, Int, Int, Int)?

        var testDescription: String {
            "\(height)×\(width)×\(channels) stride \(stride) " + (zeroPadding.map { "zero-padded \($0)" } ?? padding.rawValue)
        }
    }

    static let depthwiseCases: [DepthwiseCase] = [
        .init(height: 9, width: 11, channels: 32, stride: 1),
        .init(height: 9, width: 11, channels: 20, stride: 1),
        .init(height: 8, width: 8, channels: 3, stride: 1),
        .init(height: 5, width: 5, channels: 37, stride: 1),
        .init(height: 12, width: 10, channels: 24, stride: 2),
        .init(height: 13, width: 9, channels: 20, stride: 2),
        .init(height: 10, width: 10, channels: 16, stride: 1, padding: .valid),
        .init(height: 16, width: 16, channels: 40, stride: 2, padding: .valid, zeroPadding: (0, 1, 0, 1)),
        .init(height: 9, width: 7, channels: 8, stride: 2, padding: .valid, zeroPadding: (1, 1, 2, 0)),
        .init(height: 6, width: 14, channels: 12, stride: 1, padding: .same, zeroPadding: (2, 0, 0, 3)),
        .init(height: 1, width: 6, channels: 8, stride: 1),
    ]

    @Test("depthwise 3×3 matches the reference at stride 1 and 2 with any padding and channel count",
          arguments: Path.allCases, depthwiseCases)
    func depthwise3x3(path: Path, shape: DepthwiseCase) throws {
        var builder = GraphBuilder(seed: 11)
        builder.add("input", .input(height: shape.height, width: shape.width, channels: shape.channels), inputs: [])
        if let (top, bottom, left, right) = shape.zeroPadding {
            builder.add("pad", .zeroPadding(top: top, bottom: bottom, left: left, right: right))
        }
        builder.depthwise("depthwise", channels: shape.channels, stride: shape.stride, padding: shape.padding,
                          bias: true)
        builder.relu6("relu")
        try expectMatchesReference(builder, path: path)
    }

    @Test("depthwise with other kernel sizes, dilations and depth multipliers matches the reference",
          arguments: Path.allCases)
    func depthwiseGeneral(path: Path) throws {
        for (kernel, stride, multiplier, dilation) in [(5, 1, 1, 1), (3, 3, 1, 1), (3, 1, 2, 1), (3, 1, 1, 2), (1, 1, 1, 1)] {
            var builder = GraphBuilder(seed: 12)
            builder.add("input", .input(height: 11, width: 10, channels: 12), inputs: [])
            let convolution = DepthwiseConvolution(
                kernel: builder.weights([kernel, kernel, 12, multiplier], fanIn: kernel * kernel),
                bias: Tensor(shape: [12 * multiplier], values: builder.values(12 * multiplier, -0.1, 0.1)),
                strides: (stride, stride), padding: .same, dilation: (dilation, dilation), activation: .relu)
            builder.add("depthwise", .depthwiseConv2D(convolution))
            try expectMatchesReference(builder, path: path)
        }
    }

    @Test("the stem convolution (3×3, stride 2, three input channels) matches the reference",
          arguments: Path.allCases, [(33, 31, 32, Padding.same), (16, 16, 32, .same), (9, 12, 20, .same), (10, 9, 40, .valid)])
    func stem(path: Path, shape: (height: Int, width: Int, filters: Int, padding: Padding)) throws {
        var builder = GraphBuilder(seed: 13)
        builder.add("input", .input(height: shape.height, width: shape.width, channels: 3), inputs: [])
        builder.convolution("Conv1", in: 3, out: shape.filters, kernel: 3, stride: 2, padding: shape.padding, bias: true)
        builder.relu6("Conv1_relu")
        try expectMatchesReference(builder, path: path)
    }

    @Test("a 1×1 convolution matches the reference with and without a residual and ReLU6",
          arguments: Path.allCases, [(false, false), (false, true), (true, false), (true, true)])
    func pointwise(path: Path, epilogue: (residual: Bool, relu6: Bool)) throws {
        // Rows and columns that fill no tile exactly: 35, 25 and 1 pixels; 24, 19 and 37 channels.
        for (height, width, channels) in [(7, 5, 24), (5, 5, 19), (1, 1, 37), (20, 20, 16)] {
            var builder = GraphBuilder(seed: 14)
            builder.add("input", .input(height: height, width: width, channels: channels), inputs: [])
            builder.convolution("project", in: channels, out: channels, kernel: 1, bias: true)
            builder.normalization("project_BN", channels: channels)
            if epilogue.residual {
                builder.add("add", .add, inputs: ["input", "project_BN"])
            }
            if epilogue.relu6 {
                builder.relu6("relu")
            }
            let network = try expectMatchesReference(builder, path: path)
            #expect(network.program.steps.count == 1, "BatchNormalization, Add and ReLU6 ride on the GEMM")
        }
    }

    /// An inverted-residual block: input size and channels, expanded channels (`nil`: no expansion),
    /// output channels and stride.
    struct BlockCase: Sendable, CustomTestStringConvertible {
        var height: Int, width: Int, channels: Int, hidden: Int?, outputs: Int, stride: Int

        var testDescription: String {
            "\(height)×\(width)×\(channels) → \(hidden.map(String.init) ?? "-") → \(outputs) stride \(stride)"
        }
    }

    @Test("an inverted-residual block run row by row matches the reference, on one thread and two",
          arguments: Path.allCases, [
              BlockCase(height: 9, width: 11, channels: 8, hidden: 48, outputs: 8, stride: 1),
              BlockCase(height: 12, width: 10, channels: 16, hidden: 96, outputs: 24, stride: 2),
              BlockCase(height: 13, width: 7, channels: 5, hidden: 20, outputs: 5, stride: 1),
              BlockCase(height: 11, width: 9, channels: 12, hidden: 37, outputs: 19, stride: 2),
              BlockCase(height: 10, width: 10, channels: 32, hidden: nil, outputs: 16, stride: 1),
              BlockCase(height: 6, width: 8, channels: 24, hidden: nil, outputs: 24, stride: 1),
          ])
    func invertedResidual(path: Path, block: BlockCase) throws {
        var builder = GraphBuilder(seed: 18)
        builder.add("input", .input(height: block.height, width: block.width, channels: block.channels), inputs: [])
        if let hidden = block.hidden {
            builder.convolution("expand", in: block.channels, out: hidden, kernel: 1)
            builder.normalization("expand_BN", channels: hidden)
            builder.relu6("expand_relu")
        }
        if block.stride == 2 {
            builder.add("pad", .zeroPadding(top: 0, bottom: 1, left: 0, right: 1))
        }
        let hidden = block.hidden ?? block.channels
        builder.depthwise("depthwise", channels: hidden, stride: block.stride)
        builder.normalization("depthwise_BN", channels: hidden)
        builder.relu6("depthwise_relu")
        builder.convolution("project", in: hidden, out: block.outputs, kernel: 1)
        builder.normalization("project_BN", channels: block.outputs)
        if block.stride == 1, block.channels == block.outputs {
            builder.add("add", .add, inputs: ["input", "project_BN"])
        }
        let graph = ModelGraph(name: "block", layers: builder.layers, outputName: builder.last)
        let input = Tensor.random([3, block.height, block.width, block.channels], seed: 9)
        let reference = ReferenceEvaluator.evaluate(graph, input: input)[builder.last]
        for threads in [1, 2] {
            let network = try Network(graph: graph, inputSize: nil, threads: threads, keeping: [], isa: path.isa,
                                      fusionThreshold: 0)
            #expect(network.program.steps.map(\.step.kind) == [.invertedResidual])
            expectClose(try network.run(input).outputs, reference, "\(threads) threads")
        }
    }

    @Test("any other convolution matches the reference: im2col and GEMM, or the direct kernel for three channels",
          arguments: Path.allCases, [8, 3])
    func general(path: Path, channels: Int) throws {
        let cases: [(kernel: (Int, Int), stride: Int, dilation: Int, padding: Padding)] = [
            ((3, 3), 2, 1, .same), ((5, 5), 1, 2, .valid), ((1, 1), 2, 1, .same), ((2, 3), 1, 1, .same),
        ]
        for shape in cases {
            var builder = GraphBuilder(seed: 15)
            builder.add("input", .input(height: 13, width: 11, channels: channels), inputs: [])
            let fanIn = shape.kernel.0 * shape.kernel.1 * channels
            let convolution = Convolution(
                kernel: builder.weights([shape.kernel.0, shape.kernel.1, channels, 21], fanIn: fanIn),
                bias: Tensor(shape: [21], values: builder.values(21, -0.1, 0.1)),
                strides: (shape.stride, shape.stride), padding: shape.padding,
                dilation: (shape.dilation, shape.dilation), activation: .relu)
            builder.add("conv", .conv2D(convolution))
            let network = try expectMatchesReference(builder, path: path)
            #expect(network.program.steps.map(\.step.kind) == [.convolution])
        }
    }

    @Test("a Dense layer matches the reference on vectors and on every pixel of an image", arguments: Path.allCases)
    func dense(path: Path) throws {
        var builder = GraphBuilder(seed: 16)
        builder.add("input", .input(height: 3, width: 4, channels: 40), inputs: [])
        builder.dense("per_pixel", in: 40, out: 19, activation: .relu)
        builder.add("flatten", .flatten)
        builder.dense("dense", in: 3 * 4 * 19, out: 7, activation: .linear)
        try expectMatchesReference(builder, path: path, images: 3)
    }

    @Test("global average pooling and softmax match the reference and keep the logits", arguments: Path.allCases)
    func poolingAndSoftmax(path: Path) throws {
        for keepDims in [false, true] {
            var builder = GraphBuilder(seed: 17)
            builder.add("input", .input(height: 6, width: 5, channels: 24), inputs: [])
            builder.add("pool", .globalAveragePooling(keepDims: keepDims))
            builder.dense("dense", in: 24, out: 19, activation: .softmax)
            let graph = ModelGraph(name: "head", layers: builder.layers, outputName: "dense")
            let input = Tensor.random([2, 6, 5, 24], seed: 5)
            let output = try Network(graph: graph, inputSize: nil, threads: 1, keeping: [], isa: path.isa).run(input)
            let reference = ReferenceEvaluator.evaluate(graph, input: input)
            expectClose(output.outputs, reference["dense"], "probabilities")
            expectClose(output.logits, ReferenceEvaluator.logits(of: graph, input: input), "logits")
            for image in 0..<2 {
                #expect(abs(output.outputs.values[image * 19..<(image + 1) * 19].reduce(0, +) - 1) < 1e-5)
            }
        }
    }

    /// Runs the graph the builder holds (its last layer the output) on random images with `path`'s
    /// kernels, and expects every value within 1e-5 (relative to the largest) of the reference.
    @discardableResult
    func expectMatchesReference(_ builder: GraphBuilder, path: Path, images: Int = 2,
                                sourceLocation: SourceLocation = #_sourceLocation) throws -> Network {
        let graph = ModelGraph(name: "kernel", layers: builder.layers, outputName: builder.last)
        guard case .input(let height?, let width?, let channels?) = graph.layers[0].operation else {
            throw NetworkError.unsupportedLayer(name: graph.layers[0].name, reason: "test graphs declare their size")
        }
        let input = Tensor.random([images, height, width, channels], seed: 3)
        let network = try Network(graph: graph, inputSize: nil, threads: 1, keeping: [], isa: path.isa)
        let output = try network.run(input)
        expectClose(output.outputs, ReferenceEvaluator.evaluate(graph, input: input)[builder.last], builder.last,
                    sourceLocation: sourceLocation)
        return network
    }
}
