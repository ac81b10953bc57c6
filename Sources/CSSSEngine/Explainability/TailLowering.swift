import CSSSKernels

/// Turns the layers of a ``TailRoute`` into ``TailStep``s, one layer at a time, giving each value a
/// storage. Nothing is fused or folded, so every value the backward pass reads is there as Keras
/// computes it; a layer's own activation becomes a step of its own after it.
struct TailLowering {
    /// Where a layer's output lives, and its shape for one image.
    struct Value {
        var storage: Int
        var shape: [Int]
        var count: Int { shape.reduce(1, *) }
    }

    let isa: csss_isa
    private(set) var values: [String: Value] = [:]
    /// The floats of each storage.
    private(set) var counts: [Int] = []
    /// Whether each storage gets a gradient: the feature map and what the tail computes, not constants.
    private(set) var differentiable: [Bool] = []
    private(set) var steps: [any TailStep] = []

    init(isa: csss_isa) {
        self.isa = isa
    }

    /// Gives layer `name` a new storage of `shape` and returns it.
    mutating func define(_ name: String, shape: [Int], differentiable: Bool) -> Int {
        let storage = newStorage(shape, differentiable: differentiable)
        values[name] = Value(storage: storage, shape: shape)
        return storage
    }

    private mutating func newStorage(_ shape: [Int], differentiable: Bool = true) -> Int {
        counts.append(shape.reduce(1, *))
        self.differentiable.append(differentiable)
        return counts.count - 1
    }

    /// Lowers `layer`; `dropsSoftmax` leaves out the softmax activation of the Dense layer that gives the
    /// score.
    mutating func lower(_ layer: Layer, dropsSoftmax: Bool) throws(GradCAMError) {
        var operands: [Value] = []
        for name in layer.inputs {
            guard let value = values[name] else {
                throw .network(.unsupportedLayer(name: layer.name, reason: "it reads '\(name)', which is not an earlier layer"))
            }
            operands.append(value)
        }
        guard let x = operands.first else {
            throw .undifferentiable(layer: layer.name, reason: "it has no input to pass a gradient to")
        }
        let channels = x.shape.last ?? 0
        switch layer.operation {
        case .input:
            throw .undifferentiable(layer: layer.name, reason: "an input layer cannot follow the explained layer")
        case .rescaling(let scale, let offset):
            values[layer.name] = affine(x, scale: Array(repeating: scale, count: channels),
                                        shift: Array(repeating: offset, count: channels))
        case .normalization(let mean, let variance):
            guard mean.count == variance.count, mean.count == 1 || mean.count == channels else {
                throw Self.unsupported(layer, "it has \(mean.count) means and \(variance.count) variances for \(channels) channels")
            }
            // Keras's Normalization floors the standard deviation at 1e-7, as the network does.
            let scale = variance.map { 1 / max($0.squareRoot(), 1e-7) }
            let shift = zip(mean, scale).map { -$0 * $1 }
            let perChannel = { (values: [Float]) in values.count == channels ? values : Array(repeating: values[0], count: channels) }
            values[layer.name] = affine(x, scale: perChannel(scale), shift: perChannel(shift))
        case .batchNormalization(let norm):
            guard norm.fits(channels: channels) else {
                throw Self.unsupported(layer, "its parameters do not have \(channels) channels")
            }
            values[layer.name] = affine(x, scale: norm.scales, shift: norm.shifts)
        case .conv2D(let convolution):
            let y = try convolve(x, convolution, layer)
            values[layer.name] = activate(y, convolution.activation)
        case .depthwiseConv2D(let convolution):
            let geometry = try self.geometry(x, convolution.kernel.shape, outputChannels: channels * (convolution.kernel.shape.last ?? 0),
                                             convolution.strides, convolution.dilation, convolution.padding, layer)
            let y = Value(storage: newStorage(geometry.outputShape), shape: geometry.outputShape)
            steps.append(DepthwiseTailStep(input: x.storage, output: y.storage, geometry: geometry,
                                           convolution: convolution, isa: isa))
            values[layer.name] = activate(y, convolution.activation)
        case .dense(let dense):
            let units = dense.kernel.shape.last ?? 0
            let shape = Array(x.shape.dropLast()) + [units]
            let y = Value(storage: newStorage(shape), shape: shape)
            steps.append(MatrixProductTailStep(
                input: x.storage, output: y.storage, rows: x.count / max(channels, 1),
                matrix: PackedMatrix(dense.kernel.values, k: channels, n: units, bias: dense.bias?.values, isa: isa)))
            values[layer.name] = dropsSoftmax ? y : activate(y, dense.activation)
        case .relu(let maxValue, let negativeSlope, let threshold):
            values[layer.name] = relu(x, maxValue: maxValue ?? .infinity, negativeSlope: negativeSlope, threshold: threshold)
        case .activation(let activation):
            values[layer.name] = activate(x, activation)
        case .zeroPadding(let top, let bottom, let left, let right):
            let geometry = csss_conv_geometry(zeroPadding: PaddingAmounts(top: top, bottom: bottom, left: left, right: right),
                                              input: x.shape)
            let y = Value(storage: newStorage(geometry.outputShape), shape: geometry.outputShape)
            steps.append(ZeroPaddingTailStep(input: x.storage, output: y.storage, geometry: geometry))
            values[layer.name] = y
        case .add:
            let y = Value(storage: newStorage(x.shape), shape: x.shape)
            steps.append(AddTailStep(inputs: operands.map(\.storage), output: y.storage, count: y.count))
            values[layer.name] = y
        case .globalAveragePooling(let keepDims):
            let y = Value(storage: newStorage(keepDims ? [1, 1, channels] : [channels]),
                          shape: keepDims ? [1, 1, channels] : [channels])
            steps.append(AveragePoolingTailStep(input: x.storage, output: y.storage, pixels: x.count / max(channels, 1),
                                                channels: channels))
            values[layer.name] = y
        case .dropout:
            values[layer.name] = x
        case .flatten:
            values[layer.name] = Value(storage: x.storage, shape: [x.count])
        }
    }

    private mutating func affine(_ x: Value, scale: [Float], shift: [Float]) -> Value {
        let y = Value(storage: newStorage(x.shape), shape: x.shape)
        steps.append(ChannelAffineTailStep(input: x.storage, output: y.storage, count: x.count, scale: scale, shift: shift))
        return y
    }

    private mutating func relu(_ x: Value, maxValue: Float, negativeSlope: Float, threshold: Float) -> Value {
        let y = Value(storage: newStorage(x.shape), shape: x.shape)
        steps.append(ReLUTailStep(input: x.storage, output: y.storage, count: x.count, maxValue: maxValue,
                                  negativeSlope: negativeSlope, threshold: threshold))
        return y
    }

    private mutating func activate(_ x: Value, _ activation: Activation) -> Value {
        switch activation {
        case .linear:
            return x
        case .relu:
            return relu(x, maxValue: .infinity, negativeSlope: 0, threshold: 0)
        case .relu6:
            return relu(x, maxValue: 6, negativeSlope: 0, threshold: 0)
        case .sigmoid:
            let y = Value(storage: newStorage(x.shape), shape: x.shape)
            steps.append(SigmoidTailStep(input: x.storage, output: y.storage, count: x.count))
            return y
        case .softmax:
            let y = Value(storage: newStorage(x.shape), shape: x.shape)
            let classes = max(x.shape.last ?? 1, 1)
            steps.append(SoftmaxTailStep(input: x.storage, output: y.storage, rows: x.count / classes, classes: classes))
            return y
        }
    }

    /// A Conv2D: a plain product when it is 1×1 and maps each pixel to itself, im2col otherwise.
    private mutating func convolve(_ x: Value, _ convolution: Convolution, _ layer: Layer) throws(GradCAMError) -> Value {
        let kernel = convolution.kernel.shape
        let geometry = try self.geometry(x, kernel, outputChannels: kernel.last ?? 0, convolution.strides,
                                         convolution.dilation, convolution.padding, layer)
        let y = Value(storage: newStorage(geometry.outputShape), shape: geometry.outputShape)
        let matrix = PackedMatrix(convolution.kernel.values, k: kernel[0] * kernel[1] * kernel[2], n: kernel[3],
                                  bias: convolution.bias?.values, isa: isa)
        let pointwise = kernel[0] == 1 && kernel[1] == 1 && geometry.outputShape == Array(x.shape.dropLast()) + [kernel[3]]
            && geometry.pad_top == 0 && geometry.pad_left == 0
        if pointwise {
            steps.append(MatrixProductTailStep(input: x.storage, output: y.storage, rows: x.count / kernel[2], matrix: matrix))
        } else {
            steps.append(ConvolutionTailStep(input: x.storage, output: y.storage, geometry: geometry, matrix: matrix))
        }
        return y
    }

    private func geometry(_ x: Value, _ kernel: [Int], outputChannels: Int, _ strides: (Int, Int), _ dilation: (Int, Int),
                          _ padding: Padding, _ layer: Layer) throws(GradCAMError) -> csss_conv_geometry {
        guard kernel.count == 4, x.shape.count == 3, kernel[2] == x.shape[2],
              let geometry = csss_conv_geometry(input: x.shape, outputChannels: outputChannels, kernel: (kernel[0], kernel[1]),
                                                strides: strides, dilation: dilation, padding: padding)
        else { throw Self.unsupported(layer, "its kernel \(kernel) does not fit an NHWC input of \(x.shape)") }
        return geometry
    }

    private static func unsupported(_ layer: Layer, _ reason: String) -> GradCAMError {
        .network(.unsupportedLayer(name: layer.name, reason: reason))
    }
}
