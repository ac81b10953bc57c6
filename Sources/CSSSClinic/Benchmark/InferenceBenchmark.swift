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

    public init(modelPath: String, threads: Int, batchSize: Int, runs: Int, warmUpRuns: Int = 3, imagePath: String? = nil) {
        self.modelPath = modelPath
        self.threads = threads
        self.batchSize = batchSize
        self.runs = runs
        self.warmUpRuns = warmUpRuns
        self.imagePath = imagePath
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
        return InferenceBenchmarkResult(
            model: modelPath, inputSize: [shape.height, shape.width], threads: threads, batch: batchSize, runs: runs,
            latency: .init(median: median, p90: latencies.percentile(0.9)),
            imagesPerSecond: Double(batchSize) / (median / 1000),
            preprocessMilliseconds: preprocessTimes.isEmpty ? nil : preprocessTimes.percentile(0.5))
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
