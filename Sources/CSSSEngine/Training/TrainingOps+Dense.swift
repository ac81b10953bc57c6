/// A `Dense` layer in training: `y = x · kernel + bias` over the last axis, with a fused activation.
final class TrainingDenseStep: TrainingStep {
    let name: String
    let kernel: TrainableParameter
    let bias: TrainableParameter?
    let parameters: [TrainableParameter]
    private let activation: Activation
    private var input: Tensor?, output: Tensor?

    init(name: String, _ dense: DenseLayer, activation: Activation, learns: Bool) {
        self.name = name
        kernel = TrainableParameter(layer: name, name: "kernel", tensor: dense.kernel, learns: learns)
        bias = dense.bias.map { TrainableParameter(layer: name, name: "bias", tensor: $0, learns: learns) }
        parameters = [kernel] + (bias.map { [$0] } ?? [])
        self.activation = activation
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0], width = kernel.shape[0], units = kernel.shape[1]
        guard x.shape.last == width else { throw .shapeMismatch(layer: name, expected: [-1, width], actual: x.shape) }
        let rows = x.count / width
        var y = Tensor(zeros: Array(x.shape.dropLast()) + [units])
        if let bias {
            for row in 0..<rows { y.values.replaceSubrange(row * units..<(row + 1) * units, with: bias.values) }
        }
        withPointers(x.values, kernel.values) { xs, weights in
            y.values.withPointer { ys in
                for row in 0..<rows {
                    for feature in 0..<width {
                        TrainingKernels.axpy(xs[row &* width &+ feature], weights + feature &* units, ys + row &* units, units)
                    }
                }
            }
        }
        ActivationMath.apply(activation, to: &y.values, channels: units)
        if context.training { (input, output) = (x, y) }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let x = input, let y = output else { throw .noForwardPass }
        guard gradient.shape == y.shape else { throw .shapeMismatch(layer: name, expected: y.shape, actual: gradient.shape) }
        let width = kernel.shape[0], units = kernel.shape[1], rows = x.count / width, learns = kernel.learns
        var dy = gradient.values
        ActivationMath.backpropagate(activation, output: y.values, gradient: &dy, channels: units)
        var dx = [Float](repeating: 0, count: x.count), dw = kernel.gradient
        withPointers(x.values, kernel.values) { xs, weights in
            withPointers(dy, dy) { dys, _ in
                dx.withPointer { dxs in
                    dw.withPointer { dws in
                        for row in 0..<rows {
                            let upstream = dys + row &* units
                            for feature in 0..<width {
                                dxs[row &* width &+ feature] = TrainingKernels.dot(weights + feature &* units, upstream, units)
                                if learns {
                                    TrainingKernels.axpy(xs[row &* width &+ feature], upstream, dws + feature &* units, units)
                                }
                            }
                        }
                    }
                }
            }
        }
        if learns {
            kernel.gradient = dw
            if let bias { accumulateRows(dy, width: units, into: &bias.gradient) }
        }
        return [Tensor(shape: x.shape, values: dx)]
    }

    func write(into operation: inout LayerOperation) {
        guard case .dense(var dense) = operation else { return }
        dense.kernel = kernel.tensor
        if let bias { dense.bias = bias.tensor }
        operation = .dense(dense)
    }
}
