/// Why a ``TrainableNetwork`` could not be built from a graph, or could not run a pass.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A name given to the network (its input layer, or a layer to train) is no layer of the graph.
    case unknownLayer(String)
    /// A layer to train is in the graph but not in the sub-network after the input layer, so it never runs.
    case layerOutsideSubNetwork(String)
    /// A layer of the sub-network reads `input`, which is computed neither from the input layer nor is it
    /// the input layer (a residual shortcut from before the starting point).
    case unreachableInput(layer: String, input: String)
    /// A layer the trainer cannot run; `reason` says why.
    case unsupportedLayer(name: String, reason: String)
    /// A tensor reaching `layer` does not have the shape it needs.
    case shapeMismatch(layer: String, expected: [Int], actual: [Int])
    /// ``TrainableNetwork/backward(_:)`` was called without a `training: true` forward pass before it.
    case noForwardPass

    public var description: String {
        switch self {
        case .unknownLayer(let name):
            return "the model has no layer '\(name)'"
        case .layerOutsideSubNetwork(let name):
            return "layer '\(name)' is not between the input layer and the model's output, so it cannot train"
        case .unreachableInput(let layer, let input):
            return "layer '\(layer)' reads '\(input)', which comes before the input layer"
        case .unsupportedLayer(let name, let reason):
            return "layer '\(name)' cannot train: \(reason)"
        case .shapeMismatch(let layer, let expected, let actual):
            return "layer '\(layer)' got a tensor of shape \(actual) where it needs \(expected)"
        case .noForwardPass:
            return "backward needs a forward pass with training: true before it"
        }
    }
}
