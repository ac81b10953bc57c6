import CSSSKernels

/// The layers between an explained feature map and the model's score, compiled once per layer and input
/// size: a float32 forward pass, unfused as Keras computes it, that keeps every value the backward pass
/// reads, then the backward pass proper, reverse-mode, one vector-Jacobian product per step, from one
/// class's score back to the feature map.
///
/// Buffers are allocated when it is compiled and reused by every run; one run at a time.
final class Tail {
    /// The explained layer's output for one image, `[height, width, channels]`.
    let featureShape: [Int]
    /// Layers before the tail whose outputs it also reads, in the order ``forward(feature:constants:)``
    /// takes them.
    let constants: [String]
    /// The number of scores: the model's classes.
    let classes: Int

    private let steps: [(step: any TailStep, uses: [GradientUse?])]
    private let memory: TailMemory
    private let constantStorages: [Int]
    private let scoreStorage: Int
    /// The feature map is always storage 0.
    private static let featureStorage = 0

    /// Compiles the tail after `feature`, a layer whose shape `shapes` knows.
    ///
    /// - Throws: ``GradCAMError/disconnected(layer:)`` when the score does not depend on `feature`,
    ///   ``GradCAMError/undifferentiable(layer:reason:)`` or ``GradCAMError/network(_:)`` for a layer after
    ///   it that cannot run backward.
    /// - Complexity: O(weights of the tail), to pack each matrix and its transpose.
    init(graph: ModelGraph, feature: String, shapes: LayerShapes, isa: csss_isa = csss_best_isa()) throws(GradCAMError) {
        let route = try TailRoute(graph: graph, from: feature)
        guard let featureShape = shapes[feature] else { throw .unknownLayer(feature) }
        var lowering = TailLowering(isa: isa)
        _ = lowering.define(feature, shape: featureShape, differentiable: true)
        constantStorages = route.constants.map { lowering.define($0, shape: shapes[$0] ?? [], differentiable: false) }
        for layer in route.layers {
            try lowering.lower(layer, dropsSoftmax: route.dropsSoftmax && layer.name == route.score)
        }
        guard let score = lowering.values[route.score] else { throw .disconnected(layer: feature) }

        self.featureShape = featureShape
        constants = route.constants
        classes = score.shape.reduce(1, *)
        scoreStorage = score.storage
        steps = Self.assignUses(lowering.steps, differentiable: lowering.differentiable)
        memory = TailMemory(counts: lowering.counts, differentiable: lowering.differentiable,
                            scratchCount: lowering.steps.map(\.scratchCount).max() ?? 0)
    }

    /// Pairs each step with how it hands on each input's gradient: walking backward, the first step to
    /// reach a value writes its gradient and later ones add to it.
    private static func assignUses(_ steps: [any TailStep], differentiable: [Bool])
        -> [(step: any TailStep, uses: [GradientUse?])] {
        var reached = Set<Int>()
        var uses = [[GradientUse?]](repeating: [], count: steps.count)
        for index in steps.indices.reversed() {
            uses[index] = steps[index].inputs.map { storage in
                guard differentiable[storage] else { return nil }
                return reached.insert(storage).inserted ? .write : .add
            }
        }
        return zip(steps, uses).map { (step: $0, uses: $1) }
    }

    /// Runs the tail forward from the explained layer's output and the ``constants``' outputs.
    ///
    /// - Precondition: Each array holds its layer's output for one image.
    func forward(feature: [Float], constants: [[Float]]) {
        precondition(feature.count == featureShape.reduce(1, *) && constants.count == constantStorages.count)
        for (values, storage) in zip([feature] + constants, [Self.featureStorage] + constantStorages) {
            values.withUnsafeBufferPointer { memory[storage].update(from: $0.baseAddress!, count: $0.count) }
        }
        for (step, _) in steps {
            step.forward(memory)
        }
    }

    /// The scores of the last ``forward(feature:constants:)``: the logits, or the output of a model
    /// without a softmax.
    var scores: UnsafeBufferPointer<Float> {
        UnsafeBufferPointer(start: memory[scoreStorage], count: classes)
    }

    /// Runs the tail backward from score `classIndex` (the vector-Jacobian product of a one-hot vector)
    /// and returns the gradient of that score with respect to the feature map, valid until the next run.
    ///
    /// - Precondition: ``forward(feature:constants:)`` ran, and `classIndex` is in `0..<classes`.
    func backward(classIndex: Int) -> UnsafeBufferPointer<Float> {
        precondition((0..<classes).contains(classIndex), "class \(classIndex) of \(classes)")
        let seed = memory.gradient(scoreStorage)
        seed.update(repeating: 0, count: classes)
        seed[classIndex] = 1
        for (step, uses) in steps.reversed() {
            step.backward(memory, uses: uses)
        }
        return UnsafeBufferPointer(start: memory.gradient(Self.featureStorage), count: featureShape.reduce(1, *))
    }
}
