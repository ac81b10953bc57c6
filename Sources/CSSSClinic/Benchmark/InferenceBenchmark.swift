import CSSSEngine
import Foundation

/// Measures how fast the engine runs a model: latency per call and throughput, after warm-up, for one
/// batch size and thread count. Only the network is timed; decoding and preprocessing, when an image is
/// given, are timed apart so the two costs are never mixed.
public struct InferenceBenchmark: Sendable {
    public var modelPath: String
    public var threads: Int
    public var batchSize: Int
    public var runs: Int
    public var warmUpRuns: Int
    /// A scan whose preprocessed pixels fill the batch; without one, a fixed pattern does (the network's
    /// time does not depend on the values).
    public var imagePath: String?
    /// Also time Grad-CAM of one image at this layer (`""` for the model's default), after the inference runs.
    public var gradCAMLayer: String?

    public init(modelPath: String, threads: Int, batchSize: Int, runs: Int, warmUpRuns: Int = 3,
                imagePath: String? = nil, gradCAMLayer: String? = nil) {
        self.modelPath = modelPath
        self.threads = threads
        self.batchSize = batchSize
        self.runs = runs
        self.warmUpRuns = warmUpRuns
        self.imagePath = imagePath
        self.gradCAMLayer = gradCAMLayer
    }

    /// Loads the model, warms up, then times `runs` calls.
    public func run() throws -> InferenceBenchmarkResult {
        let graph = try ModelGraph(contentsOf: URL(fileURLWithPath: modelPath))
        let network = try Network(graph: graph, threads: threads)
        let shape = network.inputShape
        let preprocessor = ModelInputPreprocessor(width: shape.width, height: shape.height, scaling: InputScaling(for: graph))
        let imageValues = shape.height * shape.width * shape.channels
        var batch = Tensor(zeros: [batchSize, shape.height, shape.width, shape.channels])

        var preprocessTimes: [Double] = []
        if let imagePath {
            let url = URL(fileURLWithPath: imagePath)
            for _ in 0..<max(runs, 1) {
                let start = ContinuousClock.now
                let input = preprocessor.tensor(for: try Image(contentsOf: url))
                preprocessTimes.append((ContinuousClock.now - start).milliseconds)
                for slot in 0..<batchSize {
                    batch.values.replaceSubrange(slot * imageValues..<(slot + 1) * imageValues, with: input.values)
                }
            }
        } else {
            for index in batch.values.indices {
                batch.values[index] = Float(index % 255) / 127.5 - 1
            }
        }

        for _ in 0..<warmUpRuns { _ = try network.run(batch) }
        var latencies: [Double] = []
        for _ in 0..<runs {
            let start = ContinuousClock.now
            _ = try network.run(batch)
            latencies.append((ContinuousClock.now - start).milliseconds)
        }
        let median = latencies.percentile(0.5)
        let gradCAM = try gradCAMLayer.map { layer in
            try timeGradCAM(graph: graph, layer: layer.isEmpty ? nil : layer,
                            image: Tensor(shape: [1] + Array(batch.shape.dropFirst()),
                                          values: Array(batch.values.prefix(imageValues))))
        }
        return InferenceBenchmarkResult(
            model: modelPath, inputSize: [shape.height, shape.width], threads: threads, batch: batchSize, runs: runs,
            latency: .init(median: median, p90: latencies.percentile(0.9)),
            imagesPerSecond: Double(batchSize) / (median / 1000),
            preprocessMilliseconds: preprocessTimes.isEmpty ? nil : preprocessTimes.percentile(0.5),
            gradCAM: gradCAM)
    }

    /// Times whole explanations (inference + Grad-CAM) and plain single-image inferences, interleaved so
    /// that machine noise hits both alike; the difference of the medians is Grad-CAM's own cost.
    private func timeGradCAM(graph: ModelGraph, layer: String?, image: Tensor) throws -> InferenceBenchmarkResult.GradCAMCost {
        let explainer = try GradCAMExplainer(graph: graph, threads: threads)
        let network = try Network(graph: graph, threads: threads)
        for _ in 0..<warmUpRuns {
            _ = try explainer.explain(image, layer: layer)
            _ = try network.run(image)
        }
        var explanations: [Double] = [], inferences: [Double] = []
        for _ in 0..<runs {
            var start = ContinuousClock.now
            _ = try explainer.explain(image, layer: layer)
            explanations.append((ContinuousClock.now - start).milliseconds)
            start = ContinuousClock.now
            _ = try network.run(image)
            inferences.append((ContinuousClock.now - start).milliseconds)
        }
        return .init(layer: layer ?? explainer.defaultLayer, explainMedian: explanations.percentile(0.5),
                     inferenceMedian: inferences.percentile(0.5))
    }
}

/// What ``InferenceBenchmark`` measured.
public struct InferenceBenchmarkResult: Sendable {
    public struct Latency: Sendable {
        public var median: Double
        public var p90: Double
    }

    public var model: String
    public var inputSize: [Int]
    public var threads: Int
    public var batch: Int
    public var runs: Int
    public var latency: Latency
    public var imagesPerSecond: Double
    /// Median decode + preprocessing time of one image, when an image was given.
    public var preprocessMilliseconds: Double?
    /// What Grad-CAM adds to one image's inference, when asked for.
    public var gradCAM: GradCAMCost?

    /// Grad-CAM's cost at one layer, batch 1.
    public struct GradCAMCost: Sendable {
        public var layer: String
        /// Median of a whole explanation: inference plus Grad-CAM.
        public var explainMedian: Double
        /// Median of a plain single-image inference in the same runs.
        public var inferenceMedian: Double
        /// What Grad-CAM adds, as a fraction of one inference.
        public var overheadFraction: Double { (explainMedian - inferenceMedian) / inferenceMedian }
    }

    /// The `csss bench --json` line: `{"model", "input_size", "threads", "batch", "runs",
    /// "latency_ms": {"median", "p90"}, "images_per_s"}`, then `"preprocess_ms"` when measured.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [
            ("model", .string(model)),
            ("input_size", .array(inputSize.map(JSONValue.integer))),
            ("threads", .integer(threads)),
            ("batch", .integer(batch)),
            ("runs", .integer(runs)),
            ("latency_ms", .object([("median", .number(latency.median)), ("p90", .number(latency.p90))])),
            ("images_per_s", .number(imagesPerSecond)),
        ]
        if let preprocessMilliseconds { members.append(("preprocess_ms", .number(preprocessMilliseconds))) }
        if let gradCAM {
            members.append(("gradcam", .object([
                ("layer", .string(gradCAM.layer)),
                ("explain_ms", .number(gradCAM.explainMedian)),
                ("inference_ms", .number(gradCAM.inferenceMedian)),
                ("overhead", .number(gradCAM.overheadFraction)),
            ])))
        }
        return .object(members)
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}

extension Array where Element == Double {
    /// The `p`-quantile, interpolating linearly between the closest ranks (numpy's default), so that
    /// `percentile(0.5)` is the median of an even count too.
    func percentile(_ p: Double) -> Double {
        guard !isEmpty else { return .nan }
        let sorted = self.sorted()
        let position = p * Double(sorted.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = Swift.min(lower + 1, sorted.count - 1)
        return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
    }
}
