/// The layers after a step that its epilogue computes, in the order the epilogue can apply them:
/// BatchNormalizations (folded into the weights), a clamp, a residual add, a second clamp.
struct EpilogueChain {
    enum Stage: Int, Comparable {
        /// Nothing nonlinear yet: a BatchNormalization can still fold into the weights.
        case linear
        case clamped
        case added
        /// Nothing more fits.
        case finished

        static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    var stage: Stage
    var norms: [BatchNormalization] = []
    var clamp: Clamp
    var residual: PlannedValue?
    var postClamp = Clamp.identity
    /// The absorbed layers in order; the last one's output is the step's.
    var layers: [String] = []

    /// Takes on `next` as the next clamp, if one still fits.
    mutating func apply(_ next: Clamp) -> Bool {
        switch stage {
        case .linear:
            (clamp, stage) = (next, .clamped)
        case .added:
            (postClamp, stage) = (next, .finished)
        case .clamped, .finished:
            return false
        }
        return true
    }
}

/// What a step's epilogue can take on besides clamps.
struct EpilogueAbilities {
    /// Whether a BatchNormalization can fold into the step's weights.
    var foldsNorms: Bool
    /// Whether the step can add a residual storage.
    var addsResidual: Bool

    static let kernel = EpilogueAbilities(foldsNorms: true, addsResidual: true)
    static let clampOnly = EpilogueAbilities(foldsNorms: false, addsResidual: false)
}

extension GraphLowering {
    /// The epilogue of the step computing `layer`, whose own activation is `activation` and whose output
    /// has `shape`: it takes on the layers after `layer` while each is the sole reader of the one before,
    /// none of them is pinned, and the epilogue has room for it. The layers taken on are marked absorbed.
    mutating func epilogue(after layer: Layer, activation: Activation, shape: [Int],
                           abilities: EpilogueAbilities) -> EpilogueChain {
        guard let clamp = Clamp(activation) else {
            // A softmax or sigmoid follows as a step of its own; nothing can come between.
            return EpilogueChain(stage: .finished, clamp: .identity)
        }
        var chain = EpilogueChain(stage: clamp == .identity ? .linear : .clamped, clamp: clamp)
        var current = layer.name
        while !pinned.contains(current), let reader = readers[current], reader.count == 1,
              let next = layersByName[reader[0]], absorb(next, after: current, shape: shape, into: &chain, abilities) {
            chain.layers.append(next.name)
            absorbed.insert(next.name)
            current = next.name
        }
        return chain
    }

    private func absorb(_ next: Layer, after current: String, shape: [Int], into chain: inout EpilogueChain,
                        _ abilities: EpilogueAbilities) -> Bool {
        switch next.operation {
        case .batchNormalization(let norm):
            guard abilities.foldsNorms, chain.stage == .linear, norm.fits(channels: shape.last ?? 0) else { return false }
            chain.norms.append(norm)
            return true
        case .activation(let activation):
            guard let clamp = Clamp(activation) else { return false }
            return clamp == .identity || chain.apply(clamp)
        case .relu(let maxValue, let negativeSlope, let threshold):
            guard let clamp = Clamp(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold) else {
                return false
            }
            return chain.apply(clamp)
        case .add:
            // The other operand must already be computed: this step runs before the layers between it and
            // the Add.
            let others = next.inputs.map(source(of:)).filter { $0 != current }
            guard abilities.addsResidual, chain.stage <= .clamped, next.inputs.count == 2, others.count == 1,
                  let other = values[others[0]], other.shape == shape
            else { return false }
            (chain.residual, chain.stage) = (other, .added)
            return true
        default:
            return false
        }
    }

    /// Records the step computing `layer` and the layers its epilogue absorbed, whose raw output is
    /// `output`; a softmax or sigmoid activation of the layer's own follows as a step of its own.
    mutating func finish(_ layer: Layer, step: any PlanStep, chain: EpilogueChain, output: PlannedValue,
                         activation: Activation) {
        emit(step, layers: [layer.name] + chain.layers)
        switch activation {
        case .softmax:
            beforeSoftmax[layer.name] = output
            values[layer.name] = emitSoftmax(of: output, layers: [layer.name])
        case .sigmoid:
            let activated = PlannedValue(storage: newStorage(count: output.count), shape: output.shape)
            emit(SigmoidStep(input: output.storage, output: activated.storage, countPerImage: output.count),
                 layers: [layer.name])
            values[layer.name] = activated
        case .linear, .relu, .relu6:
            values[chain.layers.last ?? layer.name] = output
        }
    }

    mutating func emitSoftmax(of input: PlannedValue, layers: [String]) -> PlannedValue {
        let output = PlannedValue(storage: newStorage(count: input.count), shape: input.shape)
        emit(SoftmaxStep(input: input.storage, output: output.storage, countPerImage: input.count,
                         classes: input.shape.last ?? 1),
             layers: layers)
        return output
    }
}
