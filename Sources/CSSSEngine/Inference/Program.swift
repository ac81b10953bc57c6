/// A network compiled for one input size: fused steps over numbered storages, independent of the batch
/// size (an ``ExecutionPlan`` gives it memory for one).
struct Program: Sendable {
    /// The steps in execution order, each with the layers it computes.
    var steps: [PlannedStep]
    /// Floats per image of each storage; storage 0 is the network input.
    var storageCounts: [Int]
    /// The input layer's name and its `[height, width, channels]`.
    var inputLayer: String
    var inputShape: [Int]
    var output: PlannedValue
    /// The values before the final softmax, when the model ends in one.
    var logits: PlannedValue?
    /// The tapped layers' values, by the names the caller used.
    var taps: [String: PlannedValue]

    /// Storages whose values the caller receives, so their memory is never reused.
    var keptStorages: Set<Int> {
        Set([output.storage] + (logits.map { [$0.storage] } ?? []) + taps.values.map(\.storage))
    }
}

/// A value some step computes: which storage holds it, and its shape for one image. Layers that only
/// rename or reshape (Dropout, Flatten, a linear Activation) share their input's storage.
struct PlannedValue: Sendable {
    var storage: Int
    var shape: [Int]

    var count: Int { shape.reduce(1, *) }
}

/// A step and the names of the graph layers it computes (more than one when layers were fused).
struct PlannedStep: Sendable {
    var step: any PlanStep
    var layers: [String]
}
