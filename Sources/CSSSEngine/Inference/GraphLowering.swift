/// Compiles a ``ModelGraph`` into a ``Program`` for one input size.
///
/// It propagates shapes from the input, folds what needs no step of its own (a BatchNormalization into
/// the convolution before it, a ZeroPadding2D into the padding of the convolution after it, Dropout
/// everywhere) and fuses ReLU/ReLU6 and residual Adds into the epilogue of the step before them. A
/// layer whose output was asked for, as a tap or as the model's output, always ends a fused chain, so
/// its value is exactly the unfused one.
struct GraphLowering {
    let layersByName: [String: Layer]
    /// Who reads each layer's output, Dropout looked through; one entry per read.
    let readers: [String: [String]]
    /// Layers whose outputs must exist as they do in the unfused graph.
    let pinned: Set<String>
    let inputShape: [Int]

    var values: [String: PlannedValue] = [:]
    /// Layers computed by the epilogue of an earlier step.
    var absorbed: Set<String> = []
    /// ZeroPadding2D layers left to the convolution that reads them.
    var foldedPadding: [String: PaddingAmounts] = [:]
    /// The value before a layer's own softmax (a Dense's activation, or the Activation layer's input).
    var beforeSoftmax: [String: PlannedValue] = [:]
    var steps: [PlannedStep] = []
    var storageCounts: [Int]

    /// Compiles `graph` for images of `inputSize` (the input layer's declared size when `nil`), keeping
    /// the outputs of the layers named in `taps`.
    static func program(for graph: ModelGraph, inputSize: (height: Int, width: Int)?,
                        taps: Set<String>) throws(NetworkError) -> Program {
        var lowering = try GraphLowering(graph: graph, inputSize: inputSize, taps: taps)
        for layer in graph.layers where !lowering.absorbed.contains(layer.name) {
            try lowering.lower(layer)
        }
        return try lowering.program(graph: graph, taps: taps)
    }

    private init(graph: ModelGraph, inputSize: (height: Int, width: Int)?, taps: Set<String>) throws(NetworkError) {
        guard let first = graph.layers.first, case .input(let height, let width, let channels) = first.operation else {
            throw .unsupportedLayer(name: graph.layers.first?.name ?? graph.name,
                                    reason: "a graph must start with its input layer")
        }
        guard let height = inputSize?.height ?? height, let width = inputSize?.width ?? width,
              let channels, height > 0, width > 0, channels > 0
        else {
            throw .unsupportedLayer(name: first.name, reason: "its input size is open; give the network an inputSize")
        }
        inputShape = [height, width, channels]
        storageCounts = [height * width * channels]

        var layersByName: [String: Layer] = [:]
        for layer in graph.layers {
            layersByName[layer.name] = layer
        }
        self.layersByName = layersByName
        let source = { (name: String) in Self.source(of: name, in: layersByName) }
        if let unknown = taps.first(where: { layersByName[$0] == nil }) {
            throw .unknownTap(unknown)
        }
        var readers: [String: [String]] = [:]
        for layer in graph.layers {
            if case .dropout = layer.operation { continue }
            for input in layer.inputs {
                readers[source(input), default: []].append(layer.name)
            }
        }
        self.readers = readers
        pinned = Set(taps.map(source) + [source(graph.outputName)])
    }

    /// The layer whose value `name` has: itself, or the first non-Dropout layer before it.
    private static func source(of name: String, in layers: [String: Layer]) -> String {
        var name = name
        while let layer = layers[name], case .dropout = layer.operation, let input = layer.inputs.first {
            name = input
        }
        return name
    }

    func source(of name: String) -> String {
        Self.source(of: name, in: layersByName)
    }

    /// The value of `layer`'s input number `index`.
    func input(of layer: Layer, at index: Int = 0) throws(NetworkError) -> PlannedValue {
        guard index < layer.inputs.count else {
            throw .unsupportedLayer(name: layer.name, reason: "it has no input number \(index + 1)")
        }
        guard let value = values[source(of: layer.inputs[index])] else {
            throw .unsupportedLayer(name: layer.name,
                                    reason: "it reads '\(layer.inputs[index])', which is not an earlier layer")
        }
        return value
    }

    /// A new storage of `count` floats per image.
    mutating func newStorage(count: Int) -> Int {
        storageCounts.append(count)
        return storageCounts.count - 1
    }

    mutating func emit(_ step: any PlanStep, layers: [String]) {
        steps.append(PlannedStep(step: step, layers: layers))
    }

    private mutating func lower(_ layer: Layer) throws(NetworkError) {
        switch layer.operation {
        case .input, .add:
            break
        default:
            guard layer.inputs.count == 1 else {
                throw .unsupportedLayer(name: layer.name, reason: "it has \(layer.inputs.count) inputs, not one")
            }
        }
        switch layer.operation {
        case .input:
            values[layer.name] = PlannedValue(storage: 0, shape: inputShape)
        case .dropout:
            break  // Readers look through it to its input.
        case .flatten:
            let x = try input(of: layer)
            values[layer.name] = PlannedValue(storage: x.storage, shape: [x.count])
        case .zeroPadding(let top, let bottom, let left, let right):
            try lowerZeroPadding(layer, PaddingAmounts(top: top, bottom: bottom, left: left, right: right))
        case .conv2D(let convolution):
            try lowerConvolution(layer, convolution)
        case .depthwiseConv2D(let convolution):
            try lowerDepthwise(layer, convolution)
        case .dense(let dense):
            try lowerDense(layer, dense)
        case .batchNormalization(let norm):
            let channels = try input(of: layer).shape.last ?? 0
            guard norm.fits(channels: channels) else {
                throw .unsupportedLayer(name: layer.name, reason: "its parameters do not have \(channels) channels")
            }
            try lowerChannelAffine(layer, scale: norm.scales, shift: norm.shifts)
        case .rescaling(let scale, let offset):
            let channels = try input(of: layer).shape.last ?? 0
            try lowerChannelAffine(layer, scale: Array(repeating: scale, count: channels),
                                   shift: Array(repeating: offset, count: channels))
        case .normalization(let mean, let variance):
            try lowerNormalization(layer, mean: mean, variance: variance)
        case .relu(let maxValue, let negativeSlope, let threshold):
            try lowerReLU(layer, maxValue: maxValue ?? .infinity, negativeSlope: negativeSlope, threshold: threshold)
        case .activation(let activation):
            try lowerActivation(layer, activation)
        case .add:
            try lowerAdd(layer)
        case .globalAveragePooling(let keepDims):
            try lowerGlobalAveragePooling(layer, keepDims: keepDims)
        }
    }

    private func program(graph: ModelGraph, taps: Set<String>) throws(NetworkError) -> Program {
        let outputName = source(of: graph.outputName)
        guard let output = values[outputName] else {
            throw .unsupportedLayer(name: graph.outputName, reason: "the model's output is not one of its layers")
        }
        var tapValues: [String: PlannedValue] = [:]
        for tap in taps {
            // Taps are pinned, so each has a value of its own.
            tapValues[tap] = values[source(of: tap)]
        }
        return Program(steps: steps, storageCounts: storageCounts, inputLayer: graph.layers[0].name,
                       inputShape: inputShape, output: output, logits: beforeSoftmax[outputName], taps: tapValues)
    }
}
