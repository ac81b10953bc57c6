import CSSSKernels
import Foundation

/// A ``ModelGraph`` compiled to run on the CPU: convolutions with their BatchNormalization folded in and
/// their ReLU and residual Add fused into one pass, on AVX2+FMA kernels where the CPU has them.
///
/// ```swift
/// let network = try Network(graph: graph, keeping: ["out_relu"])
/// let output = try network.run(batch)          // batch: [N, 160, 160, 3]
/// let scores = output.probabilities            // [N, classes]
/// let features = output.activations["out_relu"] // [N, 5, 5, 1280]
/// ```
///
/// A batch is spread over the threads a whole image at a time; images left over (and a single image)
/// are split layer by layer across all threads. Buffers are allocated on the first run of each batch
/// size and reused by later runs.
///
/// Thread safety: a network can be shared between threads and tasks. Runs are serialised, since each
/// one already uses all of the network's threads and reuses its buffers.
public final class Network: @unchecked Sendable {
    /// The images the network takes, `(height, width, channels)`: the input layer's size, or the
    /// `inputSize` it was built with.
    public let inputShape: (height: Int, width: Int, channels: Int)
    /// The number of threads a run uses.
    public var threads: Int { team.size }

    /// Images a thread runs through the network together when a batch is spread over threads.
    static let imagesPerChunk = 1

    let program: Program
    let isa: csss_isa
    private let team: ThreadTeam
    let lock = NSLock()
    /// Plans by batch size and the member that runs them (`nil`: the whole team); guarded by `lock`.
    private var plans: [PlanKey: ExecutionPlan] = [:]

    private struct PlanKey: Hashable {
        var batch: Int
        var lane: Int?
    }

    /// Compiles `graph`.
    ///
    /// - Parameters:
    ///   - inputSize: The image size to run at, when it is not the one the input layer declares (a model
    ///     trained at 160×160 run at 224×224); required when the input layer leaves it open.
    ///   - threads: How many threads a run uses; 1 keeps it on the calling thread.
    ///   - taps: Layers whose outputs ``NetworkOutput/activations`` returns, exactly as the unfused model
    ///     computes them (fusion never swallows a tapped layer).
    /// - Throws: ``NetworkError/unknownTap(_:)`` for a tap naming no layer,
    ///   ``NetworkError/unsupportedLayer(name:reason:)`` for a graph it cannot run.
    /// - Complexity: O(weights), to fold and pack them.
    public convenience init(graph: ModelGraph, inputSize: (height: Int, width: Int)? = nil,
                            threads: Int = ProcessInfo.processInfo.activeProcessorCount,
                            keeping taps: Set<String> = []) throws(NetworkError) {
        try self.init(graph: graph, inputSize: inputSize, threads: threads, keeping: taps, isa: csss_best_isa())
    }

    /// Compiles `graph` for the kernels of `isa`, fusing inverted-residual blocks whose depthwise reads at
    /// least `fusionThreshold` floats per image; tests use it to run the portable kernels and small blocks.
    init(graph: ModelGraph, inputSize: (height: Int, width: Int)?, threads: Int, keeping taps: Set<String>,
         isa: csss_isa, fusionThreshold: Int = BlockFusion.minimumExpandedCount) throws(NetworkError) {
        program = BlockFusion.fuse(try GraphLowering.program(for: graph, inputSize: inputSize, taps: taps),
                                   threshold: fusionThreshold)
        inputShape = (program.inputShape[0], program.inputShape[1], program.inputShape[2])
        self.isa = isa
        guard let team = ThreadTeam(size: max(threads, 1)) else { throw .threadsUnavailable(threads) }
        self.team = team
    }

    /// Runs a batch of images, `[N, height, width, channels]`.
    ///
    /// - Throws: ``NetworkError/inputShapeMismatch(layer:expected:actual:)`` when the shape is not that.
    public func run(_ input: Tensor) throws(NetworkError) -> NetworkOutput {
        let expected = [inputShape.height, inputShape.width, inputShape.channels]
        guard input.shape.count == 4, input.shape[0] > 0, Array(input.shape.dropFirst()) == expected else {
            throw .inputShapeMismatch(layer: program.inputLayer, expected: expected, actual: input.shape)
        }
        return input.values.withUnsafeBufferPointer { run(images: $0.baseAddress!, count: input.shape[0]) }
    }

    /// Runs `count` images stored back to back in `images` (NHWC), without copying them into a ``Tensor``.
    ///
    /// - Throws: ``NetworkError/inputShapeMismatch(layer:expected:actual:)`` when `images` does not hold
    ///   exactly `count` images of ``inputShape``.
    public func run(_ images: UnsafeBufferPointer<Float>, count: Int) throws(NetworkError) -> NetworkOutput {
        let expected = [inputShape.height, inputShape.width, inputShape.channels]
        guard count > 0, let base = images.baseAddress, images.count == count * program.storageCounts[0] else {
            // The buffer has no shape of its own; report it as the flat run of floats it is.
            throw .inputShapeMismatch(layer: program.inputLayer, expected: expected, actual: [images.count])
        }
        return run(images: base, count: count)
    }

    private func run(images input: UnsafePointer<Float>, count: Int) -> NetworkOutput {
        lock.lock()
        defer { lock.unlock() }
        let results = BatchResults(program: program, images: count)
        // Whole images per thread first, handed out as the threads ask for them, so one slowed down by
        // another process takes fewer; then what is left (fewer images than threads) split layer by layer.
        let spread = count / team.size * team.size
        if spread > 0 {
            for lane in 0..<team.size {
                preparePlans(lane: lane, images: spread)
            }
            team.run { member, _ in
                while case let chunk = team.claim(), chunk * Self.imagesPerChunk < spread {
                    let first = chunk * Self.imagesPerChunk
                    runChunk(on: member, images: first..<min(first + Self.imagesPerChunk, spread), input: input,
                             into: results)
                }
            }
        }
        if spread < count {
            runTogether(images: spread..<count, input: input, into: results)
        }
        return results.networkOutput
    }

    /// Runs `images` on member `lane` alone.
    private func runChunk(on lane: Int, images: Range<Int>, input: UnsafePointer<Float>, into results: BatchResults) {
        // Prepared before the team started, so this read does not race with a write.
        let plan = plans[PlanKey(batch: images.count, lane: lane)]!
        let workspace = plan.workspace(input: input + images.lowerBound * program.storageCounts[0], isa: isa,
                                       members: 1)
        plan.run(in: workspace, member: 0, of: 1, barrier: {})
        plan.copyResults(of: workspace, into: results, firstImage: images.lowerBound)
    }

    /// Creates the plans `runChunk` needs for `images` images handed out a chunk at a time to `lane`.
    private func preparePlans(lane: Int, images: Int) {
        for batch in Set([min(images, Self.imagesPerChunk), images % Self.imagesPerChunk]) where batch > 0 {
            _ = plan(batch: batch, lane: lane)
        }
    }

    /// Runs `images` as one batch split across the whole team, layer by layer. The caller holds the lock.
    func runTogether(images: Range<Int>, input: UnsafePointer<Float>, into results: BatchResults,
                     finished: ((_ step: Int) -> Void)? = nil) {
        let plan = plan(batch: images.count, lane: nil)
        let workspace = plan.workspace(input: input + images.lowerBound * program.storageCounts[0], isa: isa,
                                       members: team.size)
        team.run { member, size in
            plan.run(in: workspace, member: member, of: size, barrier: team.barrier, finished: finished)
        }
        plan.copyResults(of: workspace, into: results, firstImage: images.lowerBound)
    }

    private func plan(batch: Int, lane: Int?) -> ExecutionPlan {
        let key = PlanKey(batch: batch, lane: lane)
        if let plan = plans[key] {
            return plan
        }
        let plan = ExecutionPlan(program: program, batch: batch, members: lane == nil ? team.size : 1)
        plans[key] = plan
        return plan
    }
}
