import Foundation

/// A Keras model's structure as its config JSON states it: its layers in order, what each reads, and
/// its input and output, for both the Keras 2 and the Keras 3 way of writing them.
///
/// Layers that are themselves models (`Functional`, `Model`, `Sequential`) carry their own
/// ``KerasModelConfig``, so the structure is a tree that mirrors the file.
struct KerasModelConfig {
    enum Kind {
        /// Each layer reads the previous one.
        case sequential
        /// Each layer names what it reads in `inbound_nodes`.
        case functional
    }

    let name: String
    let kind: Kind
    let layers: [KerasLayerSpec]
    /// The layer whose output is the model's output (for a functional model; a sequential model's
    /// output is its last layer).
    let outputLayer: String?
    /// The input shape declared outside an `InputLayer`, without the batch axis: what a sequential
    /// model built without one records in its first layer or in `build_input_shape`.
    let declaredInputShape: [Int?]?

    /// Parses a model object: `{"class_name": "Sequential" | "Functional" | "Model", "config": {...}}`.
    init(json: [String: Any]) throws {
        guard let className = json["class_name"] as? String,
              let config = json["config"] as? [String: Any],
              let layerObjects = config["layers"] as? [[String: Any]] else {
            throw KerasModelError.invalidConfig(reason: "a model needs 'class_name' and 'config' with 'layers'")
        }
        name = config["name"] as? String ?? className.lowercased()
        switch className {
        case "Sequential":
            kind = .sequential
            outputLayer = nil
        case "Functional", "Model":
            kind = .functional
            outputLayer = try Self.singleLayerReference(config["output_layers"], model: name, role: "output")
        default:
            throw KerasModelError.unsupportedLayer(layer: name, className: className)
        }
        let specs = try layerObjects.map(KerasLayerSpec.init(json:))
        layers = zip(specs, Self.archiveGroupNames(of: specs, kind: kind)).map { spec, group in
            var spec = spec
            spec.archiveGroup = group
            return spec
        }
        let firstConfig = layers.first?.config
        declaredInputShape = firstConfig.flatMap(Self.batchShape(in:))
            ?? (config["build_input_shape"] as? [Any]).map(Self.droppingBatch)
            ?? ((json["build_config"] as? [String: Any])?["input_shape"] as? [Any]).map(Self.droppingBatch)
    }

    /// The shape an `InputLayer` (or a first layer) declares, without the batch axis: Keras 3 writes
    /// `batch_shape`, Keras 2 `batch_input_shape`.
    static func batchShape(in config: KerasLayerConfig) -> [Int?]? {
        let list = config.values["batch_shape"] as? [Any] ?? config.values["batch_input_shape"] as? [Any]
        return list.map(droppingBatch)
    }

    private static func droppingBatch(_ shape: [Any]) -> [Int?] {
        shape.dropFirst().map { $0 as? Int }
    }

    /// The one layer named by `input_layers`/`output_layers`: Keras 3 writes a flat `["out_relu", 0, 0]`
    /// for a single tensor, Keras 2 a list of such lists.
    private static func singleLayerReference(_ value: Any?, model: String, role: String) throws -> String {
        if let reference = value as? [Any], let layer = reference.first as? String {
            return layer
        }
        guard let references = value as? [[Any]], references.count == 1,
              let layer = references[0].first as? String else {
            let count = (value as? [Any])?.count ?? 0
            if count > 1 {
                throw KerasModelError.unsupportedConfiguration(layer: model, reason: "models with more than one \(role)")
            }
            throw KerasModelError.invalidConfig(reason: "model '\(model)' has no valid '\(role)_layers'")
        }
        return layer
    }

    /// The names of the groups a Keras 3 weights file gives these layers: the class in snake case, with
    /// `_1`, `_2`, … for its second and later layers in list order. A Sequential model keeps no group
    /// for its own `InputLayer`.
    private static func archiveGroupNames(of layers: [KerasLayerSpec], kind: Kind) -> [String?] {
        var used: [String: Int] = [:]
        return layers.map { layer in
            if kind == .sequential && layer.className == "InputLayer" { return nil }
            let base = snakeCase(layer.className)
            let index = used[base, default: -1] + 1
            used[base] = index
            return index == 0 ? base : "\(base)_\(index)"
        }
    }

    /// Keras's `naming.to_snake_case`: `BatchNormalization` → `batch_normalization`, `ReLU` → `re_lu`,
    /// `Conv2D` → `conv2d`.
    static func snakeCase(_ className: String) -> String {
        className
            .filter { $0.isLetter || $0.isNumber || $0 == "_" }
            .replacing(#/(.)([A-Z][a-z]+)/#) { "\($0.output.1)_\($0.output.2)" }
            .replacing(#/([a-z])([A-Z])/#) { "\($0.output.1)_\($0.output.2)" }
            .lowercased()
    }
}

/// One entry of a model config's `layers` list.
struct KerasLayerSpec {
    let className: String
    let name: String
    let config: KerasLayerConfig
    /// The layers whose outputs it reads, in order (empty in a sequential model, where it is implied).
    let inboundLayers: [String]
    /// The layer's own structure when it is a model used as a layer.
    let nestedModel: KerasModelConfig?
    /// Its group under `layers/` in a Keras 3 weights file; `nil` for a layer that has none.
    fileprivate(set) var archiveGroup: String?

    var isInput: Bool { className == "InputLayer" }

    init(json: [String: Any]) throws {
        guard let className = json["class_name"] as? String,
              let config = json["config"] as? [String: Any],
              let name = json["name"] as? String ?? config["name"] as? String else {
            throw KerasModelError.invalidConfig(reason: "a layer entry needs 'class_name' and 'config' with a 'name'")
        }
        self.className = className
        self.name = name
        self.config = KerasLayerConfig(layer: name, values: config)
        let isModel = ["Sequential", "Functional", "Model"].contains(className)
        nestedModel = isModel ? try KerasModelConfig(json: json) : nil
        inboundLayers = try Self.inboundLayers(json["inbound_nodes"], layer: name)
    }

    /// The layers named by `inbound_nodes`, which hold one node per call of the layer.
    ///
    /// Keras 2 writes a node as `[["Conv1", 0, 0, {}], …]`; Keras 3 as `{"args": [...], "kwargs": {...}}`
    /// where each input is a `__keras_tensor__` whose `keras_history` is `["Conv1", 0, 0]`, possibly
    /// inside a list (as for `Add`). The node index is ignored: a nested model is called once, but
    /// Keras 2 numbers that call 1 because building the model was call 0.
    private static func inboundLayers(_ value: Any?, layer: String) throws -> [String] {
        guard let nodes = value as? [Any], !nodes.isEmpty else { return [] }
        guard nodes.count == 1 else {
            throw KerasModelError.unsupportedConfiguration(layer: layer, reason: "it is called more than once (a shared layer)")
        }
        let histories: [[Any]]
        if let node = nodes[0] as? [String: Any] {
            histories = kerasTensorHistories(in: node["args"] ?? [])
        } else if let node = nodes[0] as? [[Any]] {
            histories = node
        } else {
            throw KerasModelError.invalidConfig(reason: "layer '\(layer)' has unreadable 'inbound_nodes'")
        }
        return try histories.map { history in
            guard let source = history.first as? String else {
                throw KerasModelError.invalidConfig(reason: "layer '\(layer)' has unreadable 'inbound_nodes'")
            }
            guard history.count < 3 || history[2] as? Int == 0 else {
                throw KerasModelError.unsupportedConfiguration(
                    layer: layer, reason: "it reads output \(history[2]) of '\(source)' (multi-output layers are not supported)")
            }
            return source
        }
    }

    /// Every `keras_history` of the `__keras_tensor__` objects in a Keras 3 node's `args`, in order.
    private static func kerasTensorHistories(in value: Any) -> [[Any]] {
        if let object = value as? [String: Any] {
            guard object["class_name"] as? String == "__keras_tensor__",
                  let history = (object["config"] as? [String: Any])?["keras_history"] as? [Any] else { return [] }
            return [history]
        }
        return (value as? [Any] ?? []).flatMap(kerasTensorHistories(in:))
    }
}
