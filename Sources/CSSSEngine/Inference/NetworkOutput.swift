/// What one ``Network/run(_:)`` computed for a batch.
public struct NetworkOutput: Sendable {
    /// The model's output, batch first (for a classifier, `[N, classes]`).
    public var outputs: Tensor
    /// The values before the model's final softmax, whether the softmax is a Dense layer's activation or a
    /// layer of its own; `nil` when the model does not end in a softmax.
    public var logits: Tensor?
    /// The outputs of the layers named as taps when the network was built, batch first, exactly as the
    /// unfused model computes them.
    public var activations: [String: Tensor]

    public init(outputs: Tensor, logits: Tensor?, activations: [String: Tensor]) {
        self.outputs = outputs
        self.logits = logits
        self.activations = activations
    }

    /// The class probabilities: ``outputs`` when the model ends in a softmax, otherwise `nil`.
    public var probabilities: Tensor? {
        logits == nil ? nil : outputs
    }
}
