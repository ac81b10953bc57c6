/// One weight tensor of a ``TrainableNetwork`` that learns: its values, and the gradient that
/// ``TrainableNetwork/backward(_:)`` accumulates into until ``TrainableNetwork/zeroGradients()``.
///
/// A class, so an ``Optimizer`` can key its state by the parameter's identity and a step can update the
/// values in place.
public final class TrainableParameter {
    /// The Keras name of the layer it belongs to.
    public let layer: String
    /// The weight's name as Keras calls it: `kernel`, `bias`, `depthwise_kernel`, `gamma` or `beta`.
    public let name: String
    /// The weight's shape in Keras's layout.
    public let shape: [Int]
    /// The current values, row-major for ``shape``.
    public var values: [Float]
    /// The sum of the gradients of every backward pass since the last zeroing, laid out as ``values``.
    public var gradient: [Float]
    /// Whether backward passes accumulate into ``gradient`` (parameters of frozen layers do not).
    public let learns: Bool

    init(layer: String, name: String, tensor: Tensor, learns: Bool) {
        self.layer = layer
        self.name = name
        shape = tensor.shape
        values = tensor.values
        gradient = [Float](repeating: 0, count: tensor.count)
        self.learns = learns
    }

    /// The values as a tensor of ``shape``.
    var tensor: Tensor { Tensor(shape: shape, values: values) }
}
