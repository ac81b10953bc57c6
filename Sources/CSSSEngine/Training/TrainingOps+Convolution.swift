/// A `Conv2D` layer in training: any kernel size, strides, dilation, SAME or VALID padding, optional bias
/// and fused activation.
final class TrainingConvolutionStep: TrainingStep {
    let name: String
    let kernel: TrainableParameter
    let bias: TrainableParameter?
    let parameters: [TrainableParameter]
    private let strides: (Int, Int), dilation: (Int, Int), padding: Padding, activation: Activation
    private var input: Tensor?, output: Tensor?, geometry: WindowGeometry?

    init(name: String, _ convolution: Convolution, activation: Activation, learns: Bool) {
        self.name = name
        kernel = TrainableParameter(layer: name, name: "kernel", tensor: convolution.kernel, learns: learns)
        bias = convolution.bias.map { TrainableParameter(layer: name, name: "bias", tensor: $0, learns: learns) }
        parameters = [kernel] + (bias.map { [$0] } ?? [])
        strides = convolution.strides
        dilation = convolution.dilation
        padding = convolution.padding
        self.activation = activation
    }

    private var inputChannels: Int { kernel.shape[2] }
    private var outputChannels: Int { kernel.shape[3] }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0]
        guard x.shape.count == 4, x.shape[3] == inputChannels else {
            throw .shapeMismatch(layer: name, expected: [-1, -1, -1, inputChannels], actual: x.shape)
        }
        let geometry = try WindowGeometry(layer: name, input: x.shape, kernel: (kernel.shape[0], kernel.shape[1]),
                                          strides: strides, dilation: dilation, padding: padding)
        let cin = inputChannels, cout = outputChannels
        var y = Tensor(zeros: [geometry.batch, geometry.outputHeight, geometry.outputWidth, cout])
        if let bias {
            for pixel in 0..<(y.count / cout) {
                y.values.replaceSubrange(pixel * cout..<(pixel + 1) * cout, with: bias.values)
            }
        }
        withPointers(x.values, kernel.values) { xs, weights in
            y.values.withPointer { ys in
                // Each input value scales a row of the kernel into the output row: contiguous in `cout`.
                geometry.forEachTap { outputPixel, inputPixel, tap in
                    let row = ys + outputPixel &* cout, source = xs + inputPixel &* cin
                    let taps = weights + tap &* cin &* cout
                    for channel in 0..<cin {
                        TrainingKernels.axpy(source[channel], taps + channel &* cout, row, cout)
                    }
                }
            }
        }
        ActivationMath.apply(activation, to: &y.values, channels: cout)
        if context.training {
            (input, output, self.geometry) = (x, y, geometry)
        }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let x = input, let y = output, let geometry else { throw .noForwardPass }
        guard gradient.shape == y.shape else {
            throw .shapeMismatch(layer: name, expected: y.shape, actual: gradient.shape)
        }
        let cin = inputChannels, cout = outputChannels, learns = kernel.learns
        var dy = gradient.values
        ActivationMath.backpropagate(activation, output: y.values, gradient: &dy, channels: cout)
        var dx = [Float](repeating: 0, count: x.count)
        var dw = kernel.gradient
        withPointers(x.values, kernel.values) { xs, weights in
            withPointers(dy, dy) { dys, _ in
                dx.withPointer { dxs in
                    dw.withPointer { dws in
                        geometry.forEachTap { outputPixel, inputPixel, tap in
                            let row = dys + outputPixel &* cout, source = xs + inputPixel &* cin
                            let target = dxs + inputPixel &* cin, offset = tap &* cin &* cout
                            for channel in 0..<cin {
                                let taps = offset &+ channel &* cout
                                target[channel] += TrainingKernels.dot(weights + taps, row, cout)
                                if learns {
                                    TrainingKernels.axpy(source[channel], row, dws + taps, cout)
                                }
                            }
                        }
                    }
                }
            }
        }
        if learns {
            kernel.gradient = dw
            if let bias { accumulateRows(dy, width: cout, into: &bias.gradient) }
        }
        return [Tensor(shape: x.shape, values: dx)]
    }

    func write(into operation: inout LayerOperation) {
        guard case .conv2D(var convolution) = operation else { return }
        convolution.kernel = kernel.tensor
        if let bias { convolution.bias = bias.tensor }
        operation = .conv2D(convolution)
    }
}

/// Adds every row of `width` values of `values` into `sums` (a bias's gradient: the sum over pixels).
func accumulateRows(_ values: [Float], width: Int, into sums: inout [Float]) {
    withPointers(values, values) { rows, _ in
        sums.withPointer { sums in
            for row in stride(from: 0, to: values.count, by: width) {
                TrainingKernels.axpy(1, rows + row, sums, width)
            }
        }
    }
}
