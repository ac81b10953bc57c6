/// A `DepthwiseConv2D` layer in training: kernel `(kh, kw, in, multiplier)`, output channel
/// `c · multiplier + m` from input channel `c`, optional bias and fused activation.
final class TrainingDepthwiseStep: TrainingStep {
    private let layer: SlidingWindowLayer
    var parameters: [TrainableParameter] { layer.parameters }

    init(name: String, _ convolution: DepthwiseConvolution, activation: Activation, learns: Bool) {
        layer = SlidingWindowLayer(name: name, kernelName: "depthwise_kernel", kernel: convolution.kernel,
                                   bias: convolution.bias, strides: convolution.strides, dilation: convolution.dilation,
                                   padding: convolution.padding, activation: activation, learns: learns)
    }

    private var channels: Int { layer.kernel.shape[2] }
    private var multiplier: Int { layer.kernel.shape[3] }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0], cin = channels, mult = multiplier, cout = cin * mult
        var (geometry, y) = try layer.start(x, inputChannels: cin, outputChannels: cout)
        withPointers(x.values, layer.kernel.values) { xs, weights in
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
        layer.finish(&y, input: x, geometry: geometry, outputChannels: cout, training: context.training)
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        let cin = channels, mult = multiplier, cout = cin * mult, learns = layer.kernel.learns
        let (x, geometry, dy) = try layer.startBackward(gradient, outputChannels: cout)
        var dx = [Float](repeating: 0, count: x.count)
        var dw = layer.kernel.gradient
        withPointers(x.values, layer.kernel.values) { xs, weights in
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
        layer.finishBackward(kernelGradient: dw, dy: dy, outputChannels: cout)
        return [Tensor(shape: x.shape, values: dx)]
    }

    func write(into operation: inout LayerOperation) {
        guard case .depthwiseConv2D(var convolution) = operation else { return }
        convolution.kernel = layer.kernel.tensor
        if let bias = layer.bias { convolution.bias = bias.tensor }
        operation = .depthwiseConv2D(convolution)
    }
}
