/// A Keras model as the engine understands it: layers in an order where every layer comes after its
/// inputs, with their weights attached, independent of the file format they were read from.
///
/// Nested models are flattened: the layers of a `Functional` used as a layer appear under their own
/// names (so `out_relu` or `block_16_project` can be named for Grad-CAM), and a layer that consumed the
/// nested model takes the nested model's output layer as its input. Nothing is fused here; fusing is the
/// job of ``Network``, so the graph keeps every intermediate a caller may want to look at.
public struct ModelGraph: Sendable {
    /// The model's name from its config (for example `sequential` or `functional`).
    public var name: String
    /// The layers, each after every layer it reads from. The first is the `.input` layer.
    public var layers: [Layer]
    /// The name of the layer whose output is the model's output.
    public var outputName: String

    public init(name: String, layers: [Layer], outputName: String) {
        self.name = name
        self.layers = layers
        self.outputName = outputName
    }

    /// The layer with this name, if any.
    public func layer(named name: String) -> Layer? {
        layers.first { $0.name == name }
    }

    /// The input size the model declares, `(height, width, channels)`; `nil` for an axis left open.
    public var inputShape: (height: Int?, width: Int?, channels: Int?) {
        guard case .input(let height, let width, let channels)? = layers.first?.operation else {
            return (nil, nil, nil)
        }
        return (height, width, channels)
    }
}

/// One layer of a ``ModelGraph``.
public struct Layer: Sendable {
    /// The Keras layer name, unique within the graph.
    public var name: String
    /// What the layer computes, with its weights.
    public var operation: LayerOperation
    /// The names of the layers it reads from, in order (two for `.add`, one otherwise, none for `.input`).
    public var inputs: [String]

    public init(name: String, operation: LayerOperation, inputs: [String]) {
        self.name = name
        self.operation = operation
        self.inputs = inputs
    }
}

/// An elementwise activation as Keras names it.
public enum Activation: String, Sendable {
    case linear
    case relu
    case relu6
    case softmax
    case sigmoid
}

/// How a convolution pads its input, as Keras's `padding` argument.
public enum Padding: String, Sendable {
    /// No padding: the output shrinks by `kernel - 1` (dilated).
    case valid
    /// TensorFlow's SAME: output = ceil(input / stride), the odd pixel of padding going bottom/right.
    case same
}

/// A `Conv2D` layer: kernel `(kh, kw, in, out)`, optional bias `(out)`.
public struct Convolution: Sendable {
    public var kernel: Tensor
    public var bias: Tensor?
    public var strides: (Int, Int)
    public var padding: Padding
    public var dilation: (Int, Int)
    public var activation: Activation

    public init(kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding,
                dilation: (Int, Int) = (1, 1), activation: Activation = .linear) {
        self.kernel = kernel
        self.bias = bias
        self.strides = strides
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
    }
}

/// A `DepthwiseConv2D` layer: kernel `(kh, kw, in, multiplier)`, optional bias `(in * multiplier)`.
public struct DepthwiseConvolution: Sendable {
    public var kernel: Tensor
    public var bias: Tensor?
    public var strides: (Int, Int)
    public var padding: Padding
    public var dilation: (Int, Int)
    public var activation: Activation

    public init(kernel: Tensor, bias: Tensor?, strides: (Int, Int), padding: Padding,
                dilation: (Int, Int) = (1, 1), activation: Activation = .linear) {
        self.kernel = kernel
        self.bias = bias
        self.strides = strides
        self.padding = padding
        self.dilation = dilation
        self.activation = activation
    }
}

/// A `BatchNormalization` layer at inference: `(x - mean) / sqrt(variance + epsilon) * gamma + beta`
/// over the last axis. `gamma` is all ones when the layer was built with `scale=False`, `beta` all
/// zeros with `center=False`.
public struct BatchNormalization: Sendable {
    public var gamma: [Float]
    public var beta: [Float]
    public var movingMean: [Float]
    public var movingVariance: [Float]
    public var epsilon: Float

    public init(gamma: [Float], beta: [Float], movingMean: [Float], movingVariance: [Float], epsilon: Float) {
        self.gamma = gamma
        self.beta = beta
        self.movingMean = movingMean
        self.movingVariance = movingVariance
        self.epsilon = epsilon
    }
}

/// A `Dense` layer: kernel `(in, out)`, so `y = x · kernel + bias`.
public struct DenseLayer: Sendable {
    public var kernel: Tensor
    public var bias: Tensor?
    public var activation: Activation

    public init(kernel: Tensor, bias: Tensor?, activation: Activation) {
        self.kernel = kernel
        self.bias = bias
        self.activation = activation
    }
}

/// What a ``Layer`` computes.
public enum LayerOperation: Sendable {
    /// The model's input, NHWC without the batch axis; `nil` where the model leaves an axis open.
    case input(height: Int?, width: Int?, channels: Int?)
    /// `x * scale + offset` (Keras `Rescaling`).
    case rescaling(scale: Float, offset: Float)
    /// `(x - mean) / sqrt(variance)` per channel (Keras `Normalization` on the last axis), with
    /// Keras's floor of `epsilon` on the standard deviation.
    case normalization(mean: [Float], variance: [Float])
    case conv2D(Convolution)
    case depthwiseConv2D(DepthwiseConvolution)
    case batchNormalization(BatchNormalization)
    /// Keras `ReLU`: `x >= threshold ? min(x, maxValue) : negativeSlope * (x - threshold)`.
    case relu(maxValue: Float?, negativeSlope: Float, threshold: Float)
    case activation(Activation)
    case zeroPadding(top: Int, bottom: Int, left: Int, right: Int)
    /// The elementwise sum of all inputs.
    case add
    /// The mean over height and width; `keepDims` keeps them as 1×1.
    case globalAveragePooling(keepDims: Bool)
    case dense(DenseLayer)
    /// The identity at inference; in training, zeroes a `rate` fraction of values (and scales the rest).
    case dropout(rate: Float)
    /// Collapses every axis after the batch into one.
    case flatten
}
