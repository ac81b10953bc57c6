import Foundation

extension ModelGraph {
    /// Builds the graph of a Keras model from its config JSON and its stored weights.
    ///
    /// `kerasConfig` is the model object a Keras file holds: a `.keras` archive's `config.json` or a
    /// legacy `.h5` file's `model_config` attribute, `{"class_name": "Functional", "config": {...}}`.
    /// Sequential and functional models in Keras 2 and Keras 3 spelling are understood, including
    /// models used as layers, which are flattened into one graph. Weights are matched by layer name and
    /// their shapes checked against what the config implies.
    ///
    /// ```swift
    /// let file = try KerasModelFile(contentsOf: url)
    /// let graph = try ModelGraph(kerasConfig: file.config, weights: file.weights)
    /// ```
    ///
    /// - Throws: ``KerasModelError`` naming the layer (and weight) that cannot be loaded.
    public init(kerasConfig: Data, weights: KerasWeights) throws {
        let json = try? JSONSerialization.jsonObject(with: kerasConfig)
        guard let root = json as? [String: Any] else {
            throw KerasModelError.invalidConfig(reason: "it is not a JSON object")
        }
        let model = try KerasModelConfig(json: root)
        var builder = KerasGraphBuilder(reader: KerasWeightReader(weights))
        let output = try builder.add(model, at: .model(named: model.name), input: nil)
        self.init(name: model.name, layers: builder.layers, outputName: output)
    }
}

/// Flattens a Keras model tree into the layers of a ``ModelGraph``, in config order, tracking each
/// layer's output shape.
///
/// A nested model's layers join the graph under their own names. Its `InputLayer` does not: whatever
/// reads it reads the nested model's input instead, and whatever reads the nested model reads its output
/// layer.
private struct KerasGraphBuilder {
    let reader: KerasWeightReader
    private(set) var layers: [Layer] = []
    /// The output shape of each graph layer, without the batch axis.
    private var shapes: [String: [Int?]] = [:]

    init(reader: KerasWeightReader) {
        self.reader = reader
    }

    /// Adds a model's layers and returns the graph name of its output.
    ///
    /// - Parameter input: the graph layer feeding a nested model; `nil` for the top-level model, whose
    ///   `InputLayer` becomes the graph's input.
    mutating func add(_ model: KerasModelConfig, at address: KerasLayerAddress, input: String?) throws -> String {
        // Config names, scoped to this model, to the graph layers that produce them.
        var producers: [String: String] = [:]
        var previous = input
        if input == nil, model.kind == .sequential, model.layers.first?.isInput != true {
            previous = try addInput(named: model.name + "_input", shape: model.declaredInputShape, model: model.name)
        }
        for spec in model.layers {
            let inputs: [String]
            switch model.kind {
            case .sequential:
                inputs = previous.map { [$0] } ?? []
            case .functional:
                inputs = try spec.inboundLayers.map { source in
                    guard let producer = producers[source] else {
                        throw KerasModelError.invalidConfig(
                            reason: "layer '\(spec.name)' reads '\(source)', which is not defined before it")
                    }
                    return producer
                }
            }
            let output: String
            if spec.isInput {
                output = try input.map { try connect($0, toNestedInput: spec) }
                    ?? addInput(named: spec.name, shape: KerasModelConfig.batchShape(in: spec.config), model: model.name)
            } else if inputs.isEmpty {
                throw KerasModelError.invalidConfig(reason: "layer '\(spec.name)' reads nothing")
            } else if let nested = spec.nestedModel {
                guard inputs.count == 1 else {
                    throw KerasModelError.unsupportedConfiguration(layer: spec.name, reason: "models with more than one input")
                }
                output = try add(nested, at: address.child(spec), input: inputs[0])
            } else {
                output = try addLayer(spec, inputs: inputs, at: address.child(spec))
            }
            producers[spec.name] = output
            previous = output
        }
        let outputLayer = model.kind == .sequential ? previous : model.outputLayer.flatMap { producers[$0] }
        guard let outputLayer else {
            throw KerasModelError.invalidConfig(reason: "model '\(model.name)' has no output layer among its layers")
        }
        return outputLayer
    }

    private mutating func addLayer(_ spec: KerasLayerSpec, inputs: [String], at address: KerasLayerAddress) throws -> String {
        let reader = reader
        let interpreter = KerasLayerInterpreter(spec: spec, inputShapes: inputs.compactMap { shapes[$0] }) { requests in
            try reader.read(requests, of: address)
        }
        let (operation, shape) = try interpreter.interpret()
        try append(Layer(name: spec.name, operation: operation, inputs: inputs), shape: shape)
        return spec.name
    }

    private mutating func addInput(named name: String, shape: [Int?]?, model: String) throws -> String {
        guard !layers.contains(where: { if case .input = $0.operation { true } else { false } }) else {
            throw KerasModelError.unsupportedConfiguration(layer: model, reason: "models with more than one input")
        }
        guard let shape, shape.count == 3, shape.allSatisfy({ $0.map { $0 > 0 && KerasLayerConfig.isExtent($0) } ?? true }) else {
            let declared = shape.map(KerasModelError.format) ?? "no shape"
            throw KerasModelError.unsupportedConfiguration(
                layer: name, reason: "the input must be an image (height, width, channels), not \(declared)")
        }
        let input = LayerOperation.input(height: shape[0], width: shape[1], channels: shape[2])
        try append(Layer(name: name, operation: input, inputs: []), shape: shape)
        return name
    }

    /// A nested model's `InputLayer` stands for the tensor fed to the model, which must fit its shape.
    private func connect(_ input: String, toNestedInput spec: KerasLayerSpec) throws -> String {
        let fed = shapes[input] ?? []
        if let declared = KerasModelConfig.batchShape(in: spec.config),
           declared.count != fed.count || zip(declared, fed).contains(where: { $0 != nil && $1 != nil && $0 != $1 }) {
            let reason = "it declares shape \(KerasModelError.format(declared)) but is fed \(KerasModelError.format(fed))"
            throw KerasModelError.unsupportedConfiguration(layer: spec.name, reason: reason)
        }
        return input
    }

    private mutating func append(_ layer: Layer, shape: [Int?]) throws {
        guard shapes[layer.name] == nil else {
            throw KerasModelError.invalidConfig(reason: "two layers are named '\(layer.name)'")
        }
        layers.append(layer)
        shapes[layer.name] = shape
    }
}
