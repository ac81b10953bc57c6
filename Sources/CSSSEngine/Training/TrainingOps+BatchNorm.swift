/// A `BatchNormalization` layer over the last axis in training.
///
/// Learning and in a training pass, it normalises with the batch's mean and (biased) variance and moves
/// the moving statistics toward them with Keras's momentum, `moving = moving · 0.99 + batch · 0.01`.
/// Otherwise (frozen, or an inference pass) it uses the moving statistics, as Keras runs a BatchNormalization
/// layer whose `trainable` is false.
final class TrainingBatchNormStep: TrainingStep {
    /// Keras's default `momentum` for the moving statistics.
    static let momentum: Float = 0.99

    let name: String
    let gamma: TrainableParameter
    let beta: TrainableParameter
    let parameters: [TrainableParameter]
    private(set) var movingMean: [Float]
    private(set) var movingVariance: [Float]
    private let epsilon: Float
    /// The normalised input, the per-channel `1 / sqrt(variance + epsilon)` and whether they came from the
    /// batch, from the last training pass.
    private var normalized: Tensor?, inverseDeviation: [Float] = [], usedBatchStatistics = false

    init(name: String, _ normalization: BatchNormalization, learns: Bool) {
        self.name = name
        let channels = normalization.gamma.count
        gamma = TrainableParameter(layer: name, name: "gamma",
                                   tensor: Tensor(shape: [channels], values: normalization.gamma), learns: learns)
        beta = TrainableParameter(layer: name, name: "beta",
                                  tensor: Tensor(shape: [channels], values: normalization.beta), learns: learns)
        parameters = [gamma, beta]
        movingMean = normalization.movingMean
        movingVariance = normalization.movingVariance
        epsilon = normalization.epsilon
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0], channels = gamma.shape[0]
        guard x.shape.last == channels, x.count > 0 else {
            throw .shapeMismatch(layer: name, expected: [-1, channels], actual: x.shape)
        }
        let batchStatistics = context.training && gamma.learns
        var mean = movingMean, variance = movingVariance
        if batchStatistics {
            (mean, variance) = Self.moments(x.values, channels: channels)
            let keep = Self.momentum
            for channel in 0..<channels {
                movingMean[channel] = movingMean[channel] * keep + mean[channel] * (1 - keep)
                movingVariance[channel] = movingVariance[channel] * keep + variance[channel] * (1 - keep)
            }
        }
        let inverse = variance.map { 1 / ($0 + epsilon).squareRoot() }
        var xhat = x.values, y = x.values
        for index in x.values.indices {
            let channel = index % channels
            xhat[index] = (x.values[index] - mean[channel]) * inverse[channel]
            y[index] = xhat[index] * gamma.values[channel] + beta.values[channel]
        }
        if context.training {
            normalized = Tensor(shape: x.shape, values: xhat)
            inverseDeviation = inverse
            usedBatchStatistics = batchStatistics
        }
        return Tensor(shape: x.shape, values: y)
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let xhat = normalized else { throw .noForwardPass }
        guard gradient.shape == xhat.shape else {
            throw .shapeMismatch(layer: name, expected: xhat.shape, actual: gradient.shape)
        }
        let channels = gamma.shape[0], rows = Float(xhat.count / channels)
        // Σ dy and Σ dy·x̂ per channel, in Double: a channel sums a whole batch of pixels.
        var sumGradient = [Double](repeating: 0, count: channels), sumProduct = sumGradient
        for index in gradient.values.indices {
            let channel = index % channels
            sumGradient[channel] += Double(gradient.values[index])
            sumProduct[channel] += Double(gradient.values[index] * xhat.values[index])
        }
        if gamma.learns {
            for channel in 0..<channels {
                gamma.gradient[channel] += Float(sumProduct[channel])
                beta.gradient[channel] += Float(sumGradient[channel])
            }
        }
        var dx = gradient.values
        let scale = (0..<channels).map { gamma.values[$0] * inverseDeviation[$0] }
        if usedBatchStatistics {
            // The mean and variance depend on every input, which adds the two centring terms.
            let meanGradient = sumGradient.map { Float($0) / rows }, meanProduct = sumProduct.map { Float($0) / rows }
            for index in dx.indices {
                let channel = index % channels
                dx[index] = scale[channel]
                    * (dx[index] - meanGradient[channel] - xhat.values[index] * meanProduct[channel])
            }
        } else {
            for index in dx.indices { dx[index] *= scale[index % channels] }
        }
        return [Tensor(shape: xhat.shape, values: dx)]
    }

    func write(into operation: inout LayerOperation) {
        guard case .batchNormalization(var normalization) = operation else { return }
        normalization.gamma = gamma.values
        normalization.beta = beta.values
        normalization.movingMean = movingMean
        normalization.movingVariance = movingVariance
        operation = .batchNormalization(normalization)
    }

    /// The per-channel mean and biased variance of `values` (rows of `channels`), accumulated in Double.
    static func moments(_ values: [Float], channels: Int) -> (mean: [Float], variance: [Float]) {
        var sum = [Double](repeating: 0, count: channels), squares = sum
        for index in values.indices {
            let value = Double(values[index])
            sum[index % channels] += value
            squares[index % channels] += value * value
        }
        let rows = Double(values.count / channels)
        let mean = sum.map { $0 / rows }
        let variance = (0..<channels).map { max(squares[$0] / rows - mean[$0] * mean[$0], 0) }
        return (mean.map(Float.init), variance.map(Float.init))
    }
}
