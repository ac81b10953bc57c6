/// What convolution and depthwise convolution share in training: the kernel and bias they learn, the
/// window they slide, their fused activation, and what a training pass keeps for the backward pass.
/// Each step adds only its own arithmetic: how a tap combines input and output channels.
final class SlidingWindowLayer {
    let name: String
    let kernel: TrainableParameter
    let bias: TrainableParameter?
    let parameters: [TrainableParameter]
    private let strides: (Int, Int), dilation: (Int, Int), padding: Padding, activation: Activation
    private var input: Tensor?, output: Tensor?, geometry: WindowGeometry?

    init(name: String, kernelName: String, kernel: Tensor, bias: Tensor?, strides: (Int, Int), dilation: (Int, Int),
         padding: Padding, activation: Activation, learns: Bool) {
        self.name = name
        self.kernel = TrainableParameter(layer: name, name: kernelName, tensor: kernel, learns: learns)
        self.bias = bias.map { TrainableParameter(layer: name, name: "bias", tensor: $0, learns: learns) }
        parameters = [self.kernel] + (self.bias.map { [$0] } ?? [])
        self.strides = strides
        self.dilation = dilation
        self.padding = padding
        self.activation = activation
    }

    /// Checks that `x` has `inputChannels`, lays the window over it, and returns the output filled
    /// with the bias, ready for the taps to add into.
    func start(_ x: Tensor, inputChannels: Int, outputChannels: Int) throws(TrainingError) -> (WindowGeometry, Tensor) {
        guard x.shape.count == 4, x.shape[3] == inputChannels else {
            throw .shapeMismatch(layer: name, expected: [-1, -1, -1, inputChannels], actual: x.shape)
        }
        let geometry = try WindowGeometry(layer: name, input: x.shape, kernel: (kernel.shape[0], kernel.shape[1]),
                                          strides: strides, dilation: dilation, padding: padding)
        var y = Tensor(zeros: [geometry.batch, geometry.outputHeight, geometry.outputWidth, outputChannels])
        if let bias {
            for pixel in 0..<(y.count / outputChannels) {
                y.values.replaceSubrange(pixel * outputChannels..<(pixel + 1) * outputChannels, with: bias.values)
            }
        }
        return (geometry, y)
    }

    /// Applies the activation, and in training keeps what the backward pass needs.
    func finish(_ y: inout Tensor, input x: Tensor, geometry: WindowGeometry, outputChannels: Int, training: Bool) {
        ActivationMath.apply(activation, to: &y.values, channels: outputChannels)
        if training { (input, output, self.geometry) = (x, y, geometry) }
    }

    /// The kept input and window, and `gradient` taken back through the activation.
    func startBackward(_ gradient: Tensor, outputChannels: Int) throws(TrainingError) -> (x: Tensor, geometry: WindowGeometry, dy: [Float]) {
        guard let x = input, let y = output, let geometry else { throw .noForwardPass }
        guard gradient.shape == y.shape else {
            throw .shapeMismatch(layer: name, expected: y.shape, actual: gradient.shape)
        }
        var dy = gradient.values
        ActivationMath.backpropagate(activation, output: y.values, gradient: &dy, channels: outputChannels)
        return (x, geometry, dy)
    }

    /// Records the kernel's gradient and the bias's (the output gradient summed over pixels).
    func finishBackward(kernelGradient: [Float], dy: [Float], outputChannels: Int) {
        guard kernel.learns else { return }
        kernel.gradient = kernelGradient
        if let bias { accumulateRows(dy, width: outputChannels, into: &bias.gradient) }
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
