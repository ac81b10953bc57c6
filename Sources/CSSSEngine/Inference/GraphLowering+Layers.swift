import CSSSKernels

extension GraphLowering {
    /// Input channels up to which a convolution reads its input directly instead of through im2col.
    static let directConvolutionChannels = 4

    mutating func lowerConvolution(_ layer: Layer, _ convolution: Convolution) throws(NetworkError) {
        let (x, geometry, chain, weights, output) = try beginConvolution(
            layer, kernel: convolution.kernel, bias: convolution.bias, strides: convolution.strides,
            dilation: convolution.dilation, padding: convolution.padding, activation: convolution.activation
        ) { kernel in kernel[3] }

        let step: any PlanStep
        if geometry.isPointwise {
            step = GEMMStep(kind: .pointwise, input: x.storage, output: output.storage, rowsPerImage: x.count / x.shape[2],
                            weights: weights, epilogue: Epilogue(chain, bias: weights.bias))
        } else if x.shape[2] <= Self.directConvolutionChannels {
            step = DirectConvolutionStep(input: x.storage, output: output.storage, geometry: geometry, weights: weights,
                                         epilogue: Epilogue(chain, bias: weights.bias))
        } else {
            step = GEMMStep(kind: .convolution, input: x.storage, output: output.storage,
                            rowsPerImage: Int(geometry.out_h * geometry.out_w), weights: weights,
                            epilogue: Epilogue(chain, bias: weights.bias), unfolding: geometry)
        }
        finish(layer, step: step, chain: chain, output: output, activation: convolution.activation)
    }

    mutating func lowerDepthwise(_ layer: Layer, _ convolution: DepthwiseConvolution) throws(NetworkError) {
        // Keras's depthwise kernel is (kh, kw, in, multiplier): in × multiplier output channels.
        let (x, geometry, chain, weights, output) = try beginConvolution(
            layer, kernel: convolution.kernel, bias: convolution.bias, strides: convolution.strides,
            dilation: convolution.dilation, padding: convolution.padding, activation: convolution.activation
        ) { kernel in kernel[2] * kernel[3] }
        let step = DepthwiseStep(input: x.storage, output: output.storage, geometry: geometry,
                                 weights: AlignedFloats(weights.values), epilogue: Epilogue(chain, bias: weights.bias))
        finish(layer, step: step, chain: chain, output: output, activation: convolution.activation)
    }

    /// A Dense layer applies to the last axis, so every other position is a GEMM row.
    mutating func lowerDense(_ layer: Layer, _ dense: DenseLayer) throws(NetworkError) {
        let x = try input(of: layer)
        let kernel = dense.kernel.shape
        guard kernel.count == 2, kernel[0] == x.shape.last else {
            throw .unsupportedLayer(name: layer.name, reason: "its kernel \(kernel) does not fit an input of \(x.shape)")
        }
        try check(bias: dense.bias, channels: kernel[1], of: layer)
        let shape = Array(x.shape.dropLast()) + [kernel[1]]
        let chain = epilogue(after: layer, activation: dense.activation, shape: shape, abilities: .kernel)
        var weights = ChannelWeights(kernel: dense.kernel, outputChannels: kernel[1], bias: dense.bias)
        chain.norms.forEach { weights.fold($0) }
        let output = PlannedValue(storage: newStorage(count: shape.reduce(1, *)), shape: shape)
        let step = GEMMStep(kind: .pointwise, input: x.storage, output: output.storage, rowsPerImage: x.count / kernel[0],
                            weights: weights, epilogue: Epilogue(chain, bias: weights.bias))
        finish(layer, step: step, chain: chain, output: output, activation: dense.activation)
    }

    /// `x * scale[c] + shift[c]` over the last axis, with a ReLU after it fused in.
    mutating func lowerChannelAffine(_ layer: Layer, scale: [Float], shift: [Float]) throws(NetworkError) {
        let x = try input(of: layer)
        let chain = epilogue(after: layer, activation: .linear, shape: x.shape, abilities: .clampOnly)
        let output = PlannedValue(storage: newStorage(count: x.count), shape: x.shape)
        let step = ChannelAffineStep(input: x.storage, output: output.storage, countPerImage: x.count,
                                     scale: AlignedFloats(scale), shift: AlignedFloats(shift), clamp: chain.clamp)
        finish(layer, step: step, chain: chain, output: output, activation: .linear)
    }

    /// Keras's Normalization: `(x - mean) / max(sqrt(variance), 1e-7)`, one mean for all channels or one each.
    mutating func lowerNormalization(_ layer: Layer, mean: [Float], variance: [Float]) throws(NetworkError) {
        let channels = try input(of: layer).shape.last ?? 0
        guard mean.count == variance.count, mean.count == 1 || mean.count == channels else {
            throw .unsupportedLayer(name: layer.name,
                                    reason: "it has \(mean.count) means and \(variance.count) variances for \(channels) channels")
        }
        let scale = variance.map { 1 / max($0.squareRoot(), 1e-7) }
        let shift = zip(mean, scale).map { -$0 * $1 }
        let expand = { (values: [Float]) in values.count == channels ? values : Array(repeating: values[0], count: channels) }
        try lowerChannelAffine(layer, scale: expand(scale), shift: expand(shift))
    }

    mutating func lowerReLU(_ layer: Layer, maxValue: Float, negativeSlope: Float, threshold: Float) throws(NetworkError) {
        let x = try input(of: layer)
        let output = PlannedValue(storage: newStorage(count: x.count), shape: x.shape)
        emit(ReLUStep(input: x.storage, output: output.storage, countPerImage: x.count, maxValue: maxValue,
                      negativeSlope: negativeSlope, threshold: threshold),
             layers: [layer.name])
        values[layer.name] = output
    }

    mutating func lowerActivation(_ layer: Layer, _ activation: Activation) throws(NetworkError) {
        let x = try input(of: layer)
        switch activation {
        case .linear:
            values[layer.name] = x
        case .relu:
            try lowerReLU(layer, maxValue: .infinity, negativeSlope: 0, threshold: 0)
        case .relu6:
            try lowerReLU(layer, maxValue: 6, negativeSlope: 0, threshold: 0)
        case .sigmoid:
            let output = PlannedValue(storage: newStorage(count: x.count), shape: x.shape)
            emit(SigmoidStep(input: x.storage, output: output.storage, countPerImage: x.count), layers: [layer.name])
            values[layer.name] = output
        case .softmax:
            beforeSoftmax[layer.name] = x
            values[layer.name] = emitSoftmax(of: x, layers: [layer.name])
        }
    }

    /// An Add no convolution could take on as its residual.
    mutating func lowerAdd(_ layer: Layer) throws(NetworkError) {
        guard layer.inputs.count >= 2 else {
            throw .unsupportedLayer(name: layer.name, reason: "an Add needs at least two inputs")
        }
        var operands: [PlannedValue] = []
        for index in layer.inputs.indices {
            operands.append(try input(of: layer, at: index))
        }
        guard operands.allSatisfy({ $0.shape == operands[0].shape }) else {
            throw .unsupportedLayer(name: layer.name, reason: "its inputs have different shapes \(operands.map(\.shape))")
        }
        let output = PlannedValue(storage: newStorage(count: operands[0].count), shape: operands[0].shape)
        emit(AddStep(inputs: operands.map(\.storage), output: output.storage, countPerImage: output.count),
             layers: [layer.name])
        values[layer.name] = output
    }

    mutating func lowerGlobalAveragePooling(_ layer: Layer, keepDims: Bool) throws(NetworkError) {
        let x = try input(of: layer)
        guard x.shape.count == 3 else {
            throw .unsupportedLayer(name: layer.name, reason: "it pools an NHWC image, not a value of shape \(x.shape)")
        }
        let channels = x.shape[2]
        let output = PlannedValue(storage: newStorage(count: channels), shape: keepDims ? [1, 1, channels] : [channels])
        emit(GlobalAveragePoolStep(input: x.storage, output: output.storage, pixels: x.shape[0] * x.shape[1],
                                   channels: channels),
             layers: [layer.name])
        values[layer.name] = output
    }

    /// Leaves the padding to the convolution reading it, unless its output is needed as it is.
    mutating func lowerZeroPadding(_ layer: Layer, _ padding: PaddingAmounts) throws(NetworkError) {
        let x = try input(of: layer)
        guard x.shape.count == 3 else {
            throw .unsupportedLayer(name: layer.name, reason: "it pads an NHWC image, not a value of shape \(x.shape)")
        }
        if !pinned.contains(layer.name), let reader = readers[layer.name], reader.count == 1,
           let convolution = layersByName[reader[0]]?.operation, convolution.isConvolution {
            foldedPadding[layer.name] = padding
            return
        }
        let geometry = csss_conv_geometry(zeroPadding: padding, input: x.shape)
        let output = PlannedValue(storage: newStorage(count: geometry.outputShape.reduce(1, *)), shape: geometry.outputShape)
        emit(ZeroPadStep(input: x.storage, output: output.storage, geometry: geometry), layers: [layer.name])
        values[layer.name] = output
    }

    /// A convolution's input and the padding of a ZeroPadding2D folded into it.
    /// What lowering a convolution or a depthwise convolution starts with: its input (any ZeroPadding2D
    /// before it folded in), the geometry, the epilogue chain after it, the weights with the chain's
    /// BatchNormalizations folded in, and a new storage for the output.
    private mutating func beginConvolution(
        _ layer: Layer, kernel: Tensor, bias: Tensor?, strides: (Int, Int), dilation: (Int, Int), padding: Padding,
        activation: Activation, outputChannels: ([Int]) -> Int
    ) throws(NetworkError) -> (PlannedValue, csss_conv_geometry, EpilogueChain, ChannelWeights, PlannedValue) {
        let (x, zeroPadding) = try convolutionInput(of: layer)
        let kernelShape = kernel.shape
        guard kernelShape.count == 4, x.shape.count == 3, kernelShape[2] == x.shape[2] else {
            throw .unsupportedLayer(name: layer.name,
                                    reason: "its kernel \(kernelShape) does not fit an NHWC input of \(x.shape)")
        }
        let channels = outputChannels(kernelShape)
        try check(bias: bias, channels: channels, of: layer)
        guard let geometry = csss_conv_geometry(
            input: x.shape, outputChannels: channels, kernel: (kernelShape[0], kernelShape[1]),
            strides: strides, dilation: dilation, padding: padding, zeroPadding: zeroPadding)
        else { throw .unsupportedLayer(name: layer.name, reason: "its input \(x.shape) is smaller than its kernel") }

        let shape = geometry.outputShape
        let chain = epilogue(after: layer, activation: activation, shape: shape, abilities: .kernel)
        var weights = ChannelWeights(kernel: kernel, outputChannels: channels, bias: bias)
        chain.norms.forEach { weights.fold($0) }
        let output = PlannedValue(storage: newStorage(count: shape.reduce(1, *)), shape: shape)
        return (x, geometry, chain, weights, output)
    }

    private func convolutionInput(of layer: Layer) throws(NetworkError) -> (PlannedValue, PaddingAmounts) {
        let name = source(of: layer.inputs[0])
        guard let padding = foldedPadding[name], let paddingLayer = layersByName[name] else {
            return (try input(of: layer), .none)
        }
        return (try input(of: paddingLayer), padding)
    }

    private func check(bias: Tensor?, channels: Int, of layer: Layer) throws(NetworkError) {
        if let bias, bias.count != channels {
            throw .unsupportedLayer(name: layer.name, reason: "it has \(bias.count) biases for \(channels) channels")
        }
    }
}

private extension LayerOperation {
    var isConvolution: Bool {
        switch self {
        case .conv2D, .depthwiseConv2D: true
        default: false
        }
    }
}

private extension csss_conv_geometry {
    /// A 1×1 convolution that maps each pixel to the same pixel: a plain GEMM over the input.
    var isPointwise: Bool {
        kernel_h == 1 && kernel_w == 1 && stride_h == 1 && stride_w == 1 && pad_top == 0 && pad_left == 0
            && out_h == in_h && out_w == in_w
    }
}

private extension Epilogue {
    init(_ chain: EpilogueChain, bias: [Float]) {
        self.init(bias: bias, clamp: chain.clamp, residual: chain.residual?.storage, postClamp: chain.postClamp)
    }
}
