/// Keras `ReLU`: `x >= threshold ? min(x, maxValue) : negativeSlope · (x - threshold)`.
final class TrainingReLUStep: TrainingStep {
    private let maxValue: Float, negativeSlope: Float, threshold: Float
    private var input: Tensor?

    init(maxValue: Float?, negativeSlope: Float, threshold: Float) {
        self.maxValue = maxValue ?? .infinity
        self.negativeSlope = negativeSlope
        self.threshold = threshold
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        var y = inputs[0]
        for index in y.values.indices {
            let x = y.values[index]
            y.values[index] = x >= threshold ? min(x, maxValue) : negativeSlope * (x - threshold)
        }
        if context.training { input = inputs[0] }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let x = input else { throw .noForwardPass }
        var dx = gradient
        for index in dx.values.indices {
            let value = x.values[index]
            // At the cap the output no longer follows the input.
            dx.values[index] *= value >= threshold ? (value < maxValue ? 1 : 0) : negativeSlope
        }
        return [dx]
    }
}

/// A Keras `Activation` layer over the last axis.
final class TrainingActivationStep: TrainingStep {
    private let activation: Activation
    private var output: Tensor?

    init(_ activation: Activation) {
        self.activation = activation
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        var y = inputs[0]
        ActivationMath.apply(activation, to: &y.values, channels: y.shape.last ?? 1)
        if context.training { output = y }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let y = output else { throw .noForwardPass }
        var dx = gradient
        ActivationMath.backpropagate(activation, output: y.values, gradient: &dx.values, channels: y.shape.last ?? 1)
        return [dx]
    }
}

/// `x · scale + offset` per channel (Keras `Rescaling`, and `Normalization` as its affine form).
final class TrainingAffineStep: TrainingStep {
    private let scale: [Float], offset: [Float]

    init(scale: [Float], offset: [Float]) {
        self.scale = scale
        self.offset = offset
    }

    /// Keras `Normalization`: `(x - mean) / max(sqrt(variance), 1e-7)`.
    convenience init(mean: [Float], variance: [Float]) {
        let scale = variance.map { 1 / max($0.squareRoot(), 1e-7) }
        self.init(scale: scale, offset: zip(mean, scale).map { -$0 * $1 })
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        var y = inputs[0]
        let count = scale.count
        for index in y.values.indices {
            y.values[index] = y.values[index] * scale[index % count] + offset[index % count]
        }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        var dx = gradient
        for index in dx.values.indices { dx.values[index] *= scale[index % scale.count] }
        return [dx]
    }
}

/// The elementwise sum of the inputs; each input receives the whole gradient.
final class TrainingAddStep: TrainingStep {
    private let name: String
    private var inputCount = 0

    init(name: String) {
        self.name = name
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        var y = inputs[0]
        for other in inputs.dropFirst() {
            guard other.shape == y.shape else { throw .shapeMismatch(layer: name, expected: y.shape, actual: other.shape) }
            for index in y.values.indices { y.values[index] += other.values[index] }
        }
        if context.training { inputCount = inputs.count }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard inputCount > 0 else { throw .noForwardPass }
        return Array(repeating: gradient, count: inputCount)
    }
}

/// Inverted dropout: in a training pass each value is kept with probability `1 - rate` and scaled by
/// `1 / (1 - rate)`, so the expected output is the input; outside training, the identity.
final class TrainingDropoutStep: TrainingStep {
    private let rate: Float
    /// The factor each value was multiplied by in the last training pass (0 or `1 / (1 - rate)`).
    private var mask: [Float]?

    init(rate: Float) {
        self.rate = rate
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        guard context.training else { return inputs[0] }
        var random = SplitMix64(seed: context.seed)
        let keep = 1 - rate, scale = rate < 1 ? 1 / keep : 0
        let mask = (0..<inputs[0].count).map { _ in random.unit() < keep ? scale : 0 }
        var y = inputs[0]
        for index in y.values.indices { y.values[index] *= mask[index] }
        self.mask = mask
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let mask else { throw .noForwardPass }
        var dx = gradient
        for index in dx.values.indices { dx.values[index] *= mask[index] }
        return [dx]
    }
}

/// Passes its input through (an `Input` layer, or a layer the trainer treats as the identity).
final class TrainingIdentityStep: TrainingStep {
    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor { inputs[0] }
    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] { [gradient] }
}
