import Testing
@testable import CSSSEngine

/// Grad-CAM's public behaviour on synthetic models: defaults, what a result holds, empty maps and errors.
@Suite("Grad-CAM")
struct GradCAMTests {
    static let model = GradCAMGradientTests.smallModel
    static let image = Tensor.random([1, 8, 8, 3], seed: 5)

    @Test("the default layer is the last feature map before pooling, found from the graph")
    func defaultLayer() throws {
        #expect(try GradCAMExplainer(graph: Self.model, threads: 1).defaultLayer == "head_relu")
        let mobileNet = try GradCAMExplainer(graph: SyntheticMobileNetV2.graph(inputSize: 96), threads: 1)
        #expect(mobileNet.defaultLayer == "out_relu")
        #expect(mobileNet.classes == 19)
    }

    @Test("an explanation weighs the layer's output by the spatial means of its backward-pass gradient, for the top class by default")
    func explanationFromGradient() throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        let result = try explainer.explain(Self.image, layer: "depthwise_relu")

        let reference = ReferenceEvaluator.evaluate(Self.model, input: Self.image)
        let logits = ReferenceEvaluator.logits(of: Self.model, input: Self.image).values
        let top = logits.indices.max { logits[$0] < logits[$1] }!
        #expect(result.classIndex == top)
        #expect(abs(result.score - logits[top]) <= 1e-5)
        let predicted = try #require(result.prediction.logits).values
        #expect(predicted.indices.max { predicted[$0] < predicted[$1] } == top)

        let tail = try Tail(graph: Self.model, feature: "depthwise_relu", shapes: LayerShapes(graph: Self.model, inputSize: nil))
        let feature = try #require(reference["depthwise_relu"]).values
        tail.forward(feature: feature, constants: [try #require(reference["stem_relu"]).values])
        let gradient = Array(tail.backward(classIndex: top))
        let (pixels, channels) = (16, 16)
        #expect((result.height, result.width) == (4, 4))
        #expect(result.channelWeights.count == channels)
        for k in 0..<channels {
            let mean = (0..<pixels).map { gradient[$0 * channels + k] }.reduce(0, +) / Float(pixels)
            #expect(abs(result.channelWeights[k] - mean) <= 1e-6)
        }
        for pixel in 0..<pixels {
            let sum = (0..<channels).map { result.channelWeights[$0] * feature[pixel * channels + $0] }.reduce(0, +)
            #expect(abs(result.linear[pixel] - sum) <= 1e-5)
            #expect(result.raw[pixel] == max(result.linear[pixel], 0))
        }
        let largest = try #require(result.raw.max())
        #expect(result.isEmpty == (largest == 0))
        #expect(result.map == (result.isEmpty ? result.raw : result.raw.map { $0 / largest }))
    }

    @Test("a named class is explained rather than the top one, and explaining again gives the same map")
    func namedClass() throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        let logits = ReferenceEvaluator.logits(of: Self.model, input: Self.image).values
        for classIndex in 0..<4 {
            let result = try explainer.explain(Self.image, classIndex: classIndex)
            #expect(result.layer == "head_relu" && result.classIndex == classIndex)
            #expect(abs(result.score - logits[classIndex]) <= 1e-5)
            let again = try explainer.explain(Self.image, classIndex: classIndex)
            #expect(again.linear == result.linear && again.channelWeights == result.channelWeights)
        }
    }

    @Test("a class with no positive evidence gives an all-zero map flagged empty, without NaN")
    func emptyMap() throws {
        // ReLU feature maps are never negative; class 0's Dense weights all are, so Σ wₖ·Aₖ ≤ 0 everywhere.
        var builder = GraphBuilder(seed: 51)
        builder.add("input", .input(height: 4, width: 4, channels: 3), inputs: [])
        builder.convolution("features", in: 3, out: 6, kernel: 1, bias: true)
        builder.add("features_relu", .activation(.relu))
        builder.add("pool", .globalAveragePooling(keepDims: false))
        let kernel = Tensor(shape: [6, 2], values: (0..<12).map { $0 % 2 == 0 ? -0.5 : 0.5 })
        builder.add("classes", .dense(DenseLayer(kernel: kernel, bias: nil, activation: .softmax)))
        let explainer = try GradCAMExplainer(graph: ModelGraph(name: "empty", layers: builder.layers, outputName: "classes"),
                                             threads: 1)
        let image = Tensor.random([1, 4, 4, 3], seed: 3)

        let negative = try explainer.explain(image, classIndex: 0)
        #expect(negative.isEmpty)
        #expect(negative.raw.allSatisfy { $0 == 0 })
        #expect(negative.map == [Float](repeating: 0, count: 16))
        #expect(negative.linear.contains { $0 < 0 })
        let positive = try explainer.explain(image, classIndex: 1)
        #expect(!positive.isEmpty && positive.map.max() == 1)
        #expect(!positive.map.contains { $0.isNaN })
    }

    @Test("an unknown layer is rejected with its name")
    func unknownLayer() throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        #expect(throws: GradCAMError.unknownLayer("block_99")) { try explainer.explain(Self.image, layer: "block_99") }
        #expect(GradCAMError.unknownLayer("block_99").description.contains("'block_99'"))
    }

    @Test("a Dense layer, which has no spatial output, is rejected with its name and shape")
    func denseLayer() throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        #expect(throws: GradCAMError.notSpatial(layer: "hidden", shape: [12])) {
            try explainer.explain(Self.image, layer: "hidden")
        }
        #expect(throws: GradCAMError.notSpatial(layer: "pool", shape: [24])) {
            try explainer.explain(Self.image, layer: "pool")
        }
        #expect(GradCAMError.notSpatial(layer: "hidden", shape: [12]).description.contains("'hidden'"))
    }

    @Test("a class index outside the model's classes is rejected", arguments: [-1, 4, 100])
    func classOutOfRange(classIndex: Int) throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        #expect(throws: GradCAMError.classIndexOutOfRange(classIndex, classes: 4)) {
            try explainer.explain(Self.image, classIndex: classIndex)
        }
    }

    @Test("a batch of images or an image of the wrong size is rejected")
    func wrongInput() throws {
        let explainer = try GradCAMExplainer(graph: Self.model, threads: 1)
        #expect(throws: GradCAMError.notOneImage(shape: [2, 8, 8, 3])) {
            try explainer.explain(Tensor.random([2, 8, 8, 3], seed: 1))
        }
        #expect(throws: GradCAMError.network(.inputShapeMismatch(layer: "input", expected: [8, 8, 3], actual: [1, 9, 9, 3]))) {
            try explainer.explain(Tensor.random([1, 9, 9, 3], seed: 1))
        }
    }

    @Test("every error reads as one line")
    func errorDescriptions() {
        let errors: [GradCAMError] = [
            .unknownLayer("x"), .notSpatial(layer: "x", shape: [3]), .noFeatureMap, .disconnected(layer: "x"),
            .classIndexOutOfRange(5, classes: 4), .notOneImage(shape: [2]), .undifferentiable(layer: "x", reason: "y"),
            .network(.unknownTap("x")),
        ]
        for error in errors {
            #expect(!error.description.isEmpty && !error.description.contains("\n"))
        }
    }
}
