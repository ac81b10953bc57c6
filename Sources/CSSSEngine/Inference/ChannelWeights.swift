/// Weights whose fastest axis is the output channel, with a bias per output channel.
///
/// Keras's HWIO Conv2D kernels, `(kh, kw, in, multiplier)` depthwise kernels and `(in, out)` Dense
/// kernels all have this form, so a BatchNormalization after any of them folds in the same way: scale
/// each output channel's column, and move its mean and offset into the bias.
struct ChannelWeights {
    /// Row-major `rows × channels`.
    var values: [Float]
    var bias: [Float]

    var channels: Int { bias.count }
    var rows: Int { values.count / max(channels, 1) }

    /// The weights of a layer whose kernel's last axis (after merging the last two, for a depthwise
    /// kernel's `in × multiplier`) is the output channel.
    init(kernel: Tensor, outputChannels: Int, bias: Tensor?) {
        values = kernel.values
        self.bias = bias?.values ?? [Float](repeating: 0, count: outputChannels)
    }

    /// Folds `norm`, which follows these weights, into them:
    /// `((x·w + b) - mean) / sqrt(var + ε) · γ + β = x·(w·s) + ((b - mean)·s + β)` with `s = γ / sqrt(var + ε)`.
    ///
    /// - Complexity: O(`values.count`).
    mutating func fold(_ norm: BatchNormalization) {
        let scale = norm.scales
        for channel in 0..<channels {
            bias[channel] = (bias[channel] - norm.movingMean[channel]) * scale[channel] + norm.beta[channel]
        }
        let (rows, channels) = (rows, channels)
        values.withUnsafeMutableBufferPointer { matrix in
            for row in 0..<rows {
                for channel in 0..<channels {
                    matrix[row &* channels &+ channel] *= scale[channel]
                }
            }
        }
    }
}

extension BatchNormalization {
    /// The multiplier per channel: `γ / sqrt(variance + ε)`.
    var scales: [Float] {
        zip(gamma, movingVariance).map { gamma, variance in gamma / (variance + epsilon).squareRoot() }
    }

    /// The offset per channel once ``scales`` is applied: `β - mean · scale`.
    var shifts: [Float] {
        zip(zip(beta, movingMean), scales).map { betaAndMean, scale in betaAndMean.0 - betaAndMean.1 * scale }
    }

    /// Whether every parameter has one value per channel.
    func fits(channels: Int) -> Bool {
        [gamma.count, beta.count, movingMean.count, movingVariance.count].allSatisfy { $0 == channels }
    }
}
