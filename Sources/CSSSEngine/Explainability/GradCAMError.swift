/// Why ``GradCAMExplainer`` could not explain a prediction.
public enum GradCAMError: Error, Equatable, CustomStringConvertible {
    /// The model has no layer of this name.
    case unknownLayer(String)
    /// The named layer's output is not a feature map `[height, width, channels]`, so it has no spatial
    /// map to show (a Dense layer, a pooled vector).
    case notSpatial(layer: String, shape: [Int])
    /// The model has no layer with a `[height, width, channels]` output before its score.
    case noFeatureMap
    /// The model's score does not depend on the named layer, so every gradient would be zero.
    case disconnected(layer: String)
    /// The class index is not one of the model's `classes` outputs.
    case classIndexOutOfRange(Int, classes: Int)
    /// Grad-CAM explains one image at a time; the input had this shape.
    case notOneImage(shape: [Int])
    /// A layer after the explained one has no backward pass here; `reason` says why.
    case undifferentiable(layer: String, reason: String)
    /// The network could not be built for the graph, or could not run the input.
    case network(NetworkError)

    public var description: String {
        switch self {
        case .unknownLayer(let name):
            return "cannot explain at '\(name)': the model has no layer of that name"
        case .notSpatial(let layer, let shape):
            return "cannot explain at '\(layer)': its output \(shape) is not a [height, width, channels] feature map"
        case .noFeatureMap:
            return "the model has no convolutional layer to explain: no layer before its score outputs a feature map"
        case .disconnected(let layer):
            return "cannot explain at '\(layer)': the model's score does not depend on it"
        case .classIndexOutOfRange(let index, let classes):
            return "class index \(index) is out of range: the model has \(classes) classes (0…\(classes - 1))"
        case .notOneImage(let shape):
            return "Grad-CAM explains one image [1, height, width, channels], not an input of shape \(shape)"
        case .undifferentiable(let layer, let reason):
            return "cannot backpropagate through '\(layer)': \(reason)"
        case .network(let error):
            return error.description
        }
    }
}
