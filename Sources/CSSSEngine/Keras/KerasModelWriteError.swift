/// Why a ``ModelGraph`` could not be saved as a Keras model file by ``KerasModelWriter``.
///
/// Each case names what a person needs to fix it: the path for file-system failures, the layer for a
/// graph that Keras cannot express. ``description`` is one line, fit for a log or a status bar.
public enum KerasModelWriteError: Error, Equatable, CustomStringConvertible {
    /// The folder the file should go into does not exist (or is not a folder).
    case folderMissing(path: String)
    /// The file could not be written at `path` (no permission, disk full, HDF5 failure).
    case unwritable(path: String, reason: String)
    /// The graph cannot be written as a Keras 2 functional model: a layer's settings, or its wiring.
    case unsupportedGraph(layer: String, reason: String)

    public var description: String {
        switch self {
        case .folderMissing(let path):
            return "cannot save the model: the folder \(path) does not exist"
        case .unwritable(let path, let reason):
            return "cannot save the model to \(path): \(reason)"
        case .unsupportedGraph(let layer, let reason):
            return "cannot save the model as Keras: layer '\(layer)' \(reason)"
        }
    }
}
