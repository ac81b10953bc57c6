/// What a layer of a ``TrainableNetwork`` is told about the pass it runs in.
struct ForwardContext {
    /// Whether this is a training pass: dropout drops, learning BatchNormalization uses batch statistics,
    /// and the step keeps what its backward pass needs.
    var training: Bool
    /// Seeds the step's random draws (dropout masks), already mixed with the step's position.
    var seed: UInt64
}

/// One layer of a ``TrainableNetwork``: its forward pass, the vector-Jacobian product of its backward
/// pass, and the weights it writes back into the graph.
protocol TrainingStep: AnyObject {
    /// Every weight of the layer, learning or frozen.
    var parameters: [TrainableParameter] { get }
    /// Computes the output from the inputs; with `context.training`, keeps what ``backward(_:)`` needs.
    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor
    /// The gradients at the inputs of the last training forward pass, given the gradient at its output;
    /// accumulates the gradients of the learning parameters.
    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor]
    /// Writes the current weights (and statistics) into the layer's operation.
    func write(into operation: inout LayerOperation)
}

extension TrainingStep {
    var parameters: [TrainableParameter] { [] }
    func write(into operation: inout LayerOperation) {}
}

/// Runs `body` with the values of `tensors`, read-only, as pointers.
@inline(__always)
func withPointers<Result>(_ a: [Float], _ b: [Float],
                          _ body: (UnsafePointer<Float>, UnsafePointer<Float>) -> Result) -> Result {
    a.withUnsafeBufferPointer { a in b.withUnsafeBufferPointer { b in body(a.baseAddress!, b.baseAddress!) } }
}

extension Array where Element == Float {
    /// Runs `body` with a pointer to the values, writable; the array must not be empty.
    @inline(__always)
    mutating func withPointer<Result>(_ body: (UnsafeMutablePointer<Float>) -> Result) -> Result {
        withUnsafeMutableBufferPointer { body($0.baseAddress!) }
    }
}
