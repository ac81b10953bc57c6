/// A `DepthwiseConv2D` layer in training: kernel `(kh, kw, in, multiplier)`, output channel
/// `c · multiplier + m` from input channel `c`, optional bias and fused activation.
final class TrainingDepthwiseStep: TrainingStep {
    let name: String
    let kernel: TrainableParameter
    let bias: TrainableParameter?
    let parameters: [TrainableParameter]
    private let strides: (Int, Int), dilation: (Int, Int), padding: Padding, activation: Activation
    private var input: Tensor?, output: Tensor?, geometry: WindowGeometry?

    init(name: String, _ convolution: DepthwiseConvolution, activation: Activation, learns: Bool) {
        self.name = name
        kernel = TrainableParameter(layer: name, name: "depthwise_kernel", tensor: convolution.kernel, learns: learns)
        bias = convolution.bias.map { TrainableParameter(layer: name, name: "bias", tensor: $0, learns: learns) }
        parameters = [kernel] + (bias.map { [$0] } ?? [])
        strides = convolution.strides
        dilation = convolution.dilation
        padding = convolution.padding
        self.activation = activation
    }

    private var channels: Int { kernel.shape[2] }
    private var multiplier: Int { kernel.shape[3] }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0]
        guard x.shape.count == 4, x.shape[3] == channels else {
            throw .shapeMismatch(layer: name, expected: [-1, -1, -1, channels], actual: x.shape)
        }
        let geometry = try WindowGeometry(layer: name, input: x.shape, kernel: (kernel.shape[0], kernel.shape[1]),
                                          strides: strides, dilation: dilation, padding: padding)
        let cin = channels, mult = multiplier, cout = cin * mult
        var y = Tensor(zeros: [geometry.batch, geometry.outputHeight, geometry.outputWidth, cout])
        if let bias {
            for pixel in 0..<(y.count / cout) {
                y.values.replaceSubrange(pixel * cout..<(pixel + 1) * cout, with: bias.values)
            }
        }
        withPointers(x.values, kernel.values) { xs, weights in
            y.values.withPointer { ys in
                geometry.forEachTap { outputPixel, inputPixel, tap in
                    let row = ys + outputPixel &* cout, source = xs + inputPixel &* cin, taps = weights + tap &* cout
                    for channel in 0..<cin {
                        let value = source[channel], first = channel &* mult
                        for copy in 0..<mult { row[first &+ copy] += value * taps[first &+ copy] }
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
        let cin = channels, mult = multiplier, cout = cin * mult, learns = kernel.learns
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
                            let target = dxs + inputPixel &* cin, taps = tap &* cout
                            for channel in 0..<cin {
                                let first = channel &* mult
                                var sum: Float = 0
                                for copy in 0..<mult {
                                    sum += weights[taps &+ first &+ copy] * row[first &+ copy]
                                }
                                target[channel] += sum
                                guard learns else { continue }
                                let value = source[channel]
                                for copy in 0..<mult { dws[taps &+ first &+ copy] += value * row[first &+ copy] }
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
        guard case .depthwiseConv2D(var convolution) = operation else { return }
        convolution.kernel = kernel.tensor
        if let bias { convolution.bias = bias.tensor }
        operation = .depthwiseConv2D(convolution)
    }
}
