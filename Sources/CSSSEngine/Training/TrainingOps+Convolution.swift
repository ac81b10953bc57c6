/// A `Conv2D` layer in training: any kernel size, strides, dilation, SAME or VALID padding, optional bias
/// and fused activation.
final class TrainingConvolutionStep: TrainingStep {
    private let layer: SlidingWindowLayer
    var parameters: [TrainableParameter] { layer.parameters }

    init(name: String, _ convolution: Convolution, activation: Activation, learns: Bool) {
        layer = SlidingWindowLayer(name: name, kernelName: "kernel", kernel: convolution.kernel, bias: convolution.bias,
                                   strides: convolution.strides, dilation: convolution.dilation,
                                   padding: convolution.padding, activation: activation, learns: learns)
    }

    private var inputChannels: Int { layer.kernel.shape[2] }
    private var outputChannels: Int { layer.kernel.shape[3] }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0], cin = inputChannels, cout = outputChannels
        var (geometry, y) = try layer.start(x, inputChannels: cin, outputChannels: cout)
        withPointers(x.values, layer.kernel.values) { xs, weights in
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
        layer.finish(&y, input: x, geometry: geometry, outputChannels: cout, training: context.training)
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        let cin = inputChannels, cout = outputChannels, learns = layer.kernel.learns
        let (x, geometry, dy) = try layer.startBackward(gradient, outputChannels: cout)
        var dx = [Float](repeating: 0, count: x.count)
        var dw = layer.kernel.gradient
        withPointers(x.values, layer.kernel.values) { xs, weights in
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
        layer.finishBackward(kernelGradient: dw, dy: dy, outputChannels: cout)
        return [Tensor(shape: x.shape, values: dx)]
    }

    func write(into operation: inout LayerOperation) {
        guard case .conv2D(var convolution) = operation else { return }
        convolution.kernel = layer.kernel.tensor
        if let bias = layer.bias { convolution.bias = bias.tensor }
        operation = .conv2D(convolution)
    }
}
