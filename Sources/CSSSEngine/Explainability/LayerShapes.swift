import CSSSKernels

/// The output shape of every layer of a graph for one image (batch axis left out) at one input size,
/// worked out from the graph alone: a layer named for Grad-CAM is checked, and its tail compiled, before
/// anything runs.
struct LayerShapes {
    private var shapes: [String: [Int]] = [:]

    /// - Throws: ``GradCAMError/network(_:)`` with ``NetworkError/unsupportedLayer(name:reason:)`` for a
    ///   layer whose inputs do not fit it (the same graphs ``Network`` rejects).
    init(graph: ModelGraph, inputSize: (height: Int, width: Int)?) throws(GradCAMError) {
        for layer in graph.layers {
            var inputs: [[Int]] = []
            for name in layer.inputs {
                guard let shape = shapes[name] else {
                    throw Self.unsupported(layer, "it reads '\(name)', which is not an earlier layer")
                }
                inputs.append(shape)
            }
            shapes[layer.name] = try Self.shape(of: layer, inputs: inputs, inputSize: inputSize)
        }
    }

    /// The shape of `layer`'s output, `nil` for a name the graph does not have.
    subscript(layer: String) -> [Int]? {
        shapes[layer]
    }

    private static func shape(of layer: Layer, inputs: [[Int]], inputSize: (height: Int, width: Int)?)
        throws(GradCAMError) -> [Int] {
        if case .input(let height, let width, let channels) = layer.operation {
            guard let height = inputSize?.height ?? height, let width = inputSize?.width ?? width, let channels else {
                throw unsupported(layer, "its input size is open; give the explainer an inputSize")
            }
            return [height, width, channels]
        }
        guard let x = inputs.first else { throw unsupported(layer, "it has no input") }
        switch layer.operation {
        case .input:
            return x
        case .conv2D(let convolution):
            return try convolutionShape(layer, x, kernel: convolution.kernel.shape, depthwise: false,
                                        convolution.strides, convolution.dilation, convolution.padding)
        case .depthwiseConv2D(let convolution):
            return try convolutionShape(layer, x, kernel: convolution.kernel.shape, depthwise: true,
                                        convolution.strides, convolution.dilation, convolution.padding)
        case .zeroPadding(let top, let bottom, let left, let right):
            guard x.count == 3 else { throw unsupported(layer, "it pads an NHWC image, not a value of shape \(x)") }
            return [x[0] + top + bottom, x[1] + left + right, x[2]]
        case .add:
            guard inputs.allSatisfy({ $0 == x }) else {
                throw unsupported(layer, "its inputs have different shapes \(inputs)")
            }
            return x
        case .globalAveragePooling(let keepDims):
            guard x.count == 3 else { throw unsupported(layer, "it pools an NHWC image, not a value of shape \(x)") }
            return keepDims ? [1, 1, x[2]] : [x[2]]
        case .dense(let dense):
            let kernel = dense.kernel.shape
            guard kernel.count == 2, kernel[0] == x.last else {
                throw unsupported(layer, "its kernel \(kernel) does not fit an input of \(x)")
            }
            return Array(x.dropLast()) + [kernel[1]]
        case .flatten:
            return [x.reduce(1, *)]
        case .rescaling, .normalization, .batchNormalization, .relu, .activation, .dropout:
            return x
        }
    }

    private static func convolutionShape(_ layer: Layer, _ x: [Int], kernel: [Int], depthwise: Bool,
                                         _ strides: (Int, Int), _ dilation: (Int, Int), _ padding: Padding)
        throws(GradCAMError) -> [Int] {
        guard kernel.count == 4, x.count == 3, kernel[2] == x[2],
              let geometry = csss_conv_geometry(
                input: x, outputChannels: depthwise ? kernel[2] * kernel[3] : kernel[3],
                kernel: (kernel[0], kernel[1]), strides: strides, dilation: dilation, padding: padding)
        else { throw unsupported(layer, "its kernel \(kernel) does not fit an NHWC input of \(x)") }
        return geometry.outputShape
    }

    private static func unsupported(_ layer: Layer, _ reason: String) -> GradCAMError {
        .network(.unsupportedLayer(name: layer.name, reason: reason))
    }
}
