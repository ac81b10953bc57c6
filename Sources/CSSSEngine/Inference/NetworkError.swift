/// Why a ``Network`` could not be built from a graph, or could not run an input.
public enum NetworkError: Error, Equatable, CustomStringConvertible {
    /// The input tensor's shape is not `[N, height, width, channels]` for the network's input layer.
    case inputShapeMismatch(layer: String, expected: [Int], actual: [Int])
    /// A requested tap names no layer of the graph.
    case unknownTap(String)
    /// The graph has a layer, or a combination of layers, the engine cannot run; `reason` says which.
    case unsupportedLayer(name: String, reason: String)
    /// The operating system would not start the requested number of threads.
    case threadsUnavailable(Int)

    public var description: String {
        switch self {
        case .inputShapeMismatch(let layer, let expected, let actual):
            let wanted = (["N"] + expected.map(String.init)).joined(separator: ", ")
            return "input of shape \(actual) does not fit layer '\(layer)', which takes [\(wanted)]"
        case .unknownTap(let name):
            return "cannot keep the output of '\(name)': the model has no layer of that name"
        case .unsupportedLayer(let name, let reason):
            return "layer '\(name)' cannot run: \(reason)"
        case .threadsUnavailable(let count):
            return "could not start \(count) inference threads"
        }
    }
}
