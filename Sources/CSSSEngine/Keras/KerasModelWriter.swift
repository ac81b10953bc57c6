#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Saves a ``ModelGraph`` as a Keras 2 legacy HDF5 model file, the format `tf.keras` 2.x writes for
/// `model.save("model.h5")`, so that `tf.keras.models.load_model(path, compile=False)` and
/// ``ModelGraph/init(contentsOf:)`` both read it back.
///
/// ```swift
/// let graph = try ModelGraph(contentsOf: URL(fileURLWithPath: "lung_classifier.keras"))
/// try KerasModelWriter.write(graph, to: URL(fileURLWithPath: "lung_classifier.h5"))
/// ```
///
/// The file holds:
/// - root attributes `keras_version` (`2.15.0`), `backend` (`tensorflow`) and `model_config`: a
///   `Functional` model with every graph layer, wired by `inbound_nodes` (a nested model read from the
///   original file is written flattened, as the graph holds it);
/// - group `model_weights` with attribute `layer_names` and, per layer, a group whose `weight_names`
///   lists its weights (`Conv1/kernel:0`), stored as float32 datasets at
///   `model_weights/<layer>/<layer>/kernel:0`.
///
/// No optimizer state or training config is written: the file is for inference (and further training
/// after a fresh `compile`). The write is atomic: a temporary file beside `url` is renamed over it only
/// when complete, so a reader never sees half a model and a failure leaves `url` as it was.
public enum KerasModelWriter {
    /// The Keras version the file claims; its layout and config keys are those of `tf.keras` 2.15.
    static let kerasVersion = "2.15.0"

    /// Writes `graph` to `url`, replacing any file there.
    ///
    /// - Throws: ``KerasModelWriteError``: `folderMissing` naming the folder, `unwritable` naming the
    ///   file, `unsupportedGraph` naming the layer Keras cannot express.
    public static func write(_ graph: ModelGraph, to url: URL) throws(KerasModelWriteError) {
        let folder = url.deletingLastPathComponent().path
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .folderMissing(path: folder)
        }
        let records = try graph.layers.map { (layer: Layer) throws(KerasModelWriteError) in try KerasLayerEncoder(layer: layer).encode() }
        let config = try modelConfig(graph, records: records)
        let temporary = AtomicFile.temporaryPath(for: url)
        do throws(HDF5WriteFailure) {
            try writeFile(at: temporary, config: config, records: records, names: graph.layers.map(\.name))
        } catch {
            unlink(temporary)
            throw .unwritable(path: url.path, reason: error.reason)
        }
        do {
            try AtomicFile.commit(temporary, to: url)
        } catch {
            throw .unwritable(path: url.path, reason: error.reason)
        }
    }

    /// The `model_config` JSON: `{"class_name": "Functional", "config": {…}}`.
    static func modelConfig(_ graph: ModelGraph, records: [KerasLayerRecord]) throws(KerasModelWriteError) -> String {
        guard let input = graph.layers.first, case .input = input.operation else {
            throw .unsupportedGraph(layer: graph.layers.first?.name ?? graph.name, reason: "is not the model's input")
        }
        var defined = Set<String>()
        for layer in graph.layers {
            if let unknown = layer.inputs.first(where: { !defined.contains($0) }) {
                throw .unsupportedGraph(layer: layer.name, reason: "reads '\(unknown)', which is not defined before it")
            }
            guard defined.insert(layer.name).inserted else { throw .unsupportedGraph(layer: layer.name, reason: "is named twice") }
        }
        guard defined.contains(graph.outputName) else {
            throw .unsupportedGraph(layer: graph.outputName, reason: "is the model's output but not one of its layers")
        }
        let model: [String: Any] = [
            "class_name": "Functional",
            "config": ["name": graph.name, "trainable": true, "layers": records.map(\.entry),
                       "input_layers": [[input.name, 0, 0]], "output_layers": [[graph.outputName, 0, 0]]] as [String: Any],
        ]
        do {
            let json = try JSONSerialization.data(withJSONObject: model, options: [.sortedKeys, .withoutEscapingSlashes])
            return String(decoding: json, as: UTF8.self)
        } catch {
            throw .unsupportedGraph(layer: graph.name, reason: "cannot be expressed as JSON (\(error))")
        }
    }

    private static func writeFile(at path: String, config: String, records: [KerasLayerRecord],
                                  names: [String]) throws(HDF5WriteFailure) {
        let file = try HDF5Writer(creating: path)
        // As h5py stores them for Keras: `str` values as UTF-8, `bytes` (the JSON) as ASCII.
        try file.writeText(kerasVersion, attribute: "keras_version", of: "/", utf8: true)
        try file.writeText("tensorflow", attribute: "backend", of: "/", utf8: true)
        try file.writeText(config, attribute: "model_config", of: "/", utf8: false)
        try file.createGroup("model_weights")
        try file.writeNames(names, attribute: "layer_names", of: "model_weights")
        try file.writeText("tensorflow", attribute: "backend", of: "model_weights", utf8: true)
        try file.writeText(kerasVersion, attribute: "keras_version", of: "model_weights", utf8: true)
        for (name, record) in zip(names, records) {
            let group = "model_weights/" + name
            try file.createGroup(group)
            try file.writeNames(record.weights.map(\.name), attribute: "weight_names", of: group)
            for (weightName, tensor) in record.weights {
                try file.writeFloats(tensor.values, shape: tensor.shape, at: group + "/" + weightName)
            }
        }
        try file.close()
    }
}
