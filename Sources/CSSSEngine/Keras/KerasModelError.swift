/// Why a Keras model file, its config or its weights could not become a ``ModelGraph``.
///
/// Each case names what a person needs to find the problem: the file for container failures, the layer
/// (and weight) for model failures. ``description`` is one line, fit for a log or a status bar.
public enum KerasModelError: Error, Equatable, CustomStringConvertible {
    /// The file could not be read: missing, truncated or damaged.
    case unreadable(file: String, reason: String)
    /// The file is neither a `.keras` archive nor an HDF5 file holding a Keras model.
    case notAKerasModel(file: String)
    /// The model config is not the JSON of a Keras model (or is missing something every model has).
    case invalidConfig(reason: String)
    /// A layer of a class the engine cannot run.
    case unsupportedLayer(layer: String, className: String)
    /// A layer of a supported class, set up in a way the engine cannot run (for example `channels_first`).
    case unsupportedConfiguration(layer: String, reason: String)
    /// A weight the config implies is not in the weights.
    case missingWeight(layer: String, weight: String)
    /// A stored weight does not have the shape the config implies.
    case shapeMismatch(layer: String, weight: String, expected: [Int?], found: [Int])

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file) cannot be read: \(reason)"
        case .notAKerasModel(let file):
            return "\(file) is not a Keras model (neither a .keras archive nor an HDF5 model file)"
        case .invalidConfig(let reason):
            return "the Keras model config is invalid: \(reason)"
        case .unsupportedLayer(let layer, let className):
            return "layer '\(layer)' has class \(className), which the engine does not support"
        case .unsupportedConfiguration(let layer, let reason):
            return "layer '\(layer)' is not supported: \(reason)"
        case .missingWeight(let layer, let weight):
            return "layer '\(layer)' has no stored weight '\(weight)'"
        case .shapeMismatch(let layer, let weight, let expected, let found):
            return "layer '\(layer)' weight '\(weight)' has shape \(Self.format(found.map { $0 }))"
                + ", but the config implies \(Self.format(expected))"
        }
    }

    /// A shape as Python prints it, with `?` for an extent the config leaves open: `(3, 3, ?, 1)`.
    static func format(_ shape: [Int?]) -> String {
        let extents = shape.map { $0.map(String.init) ?? "?" }
        return "(" + extents.joined(separator: ", ") + (shape.count == 1 ? ",)" : ")")
    }
}
