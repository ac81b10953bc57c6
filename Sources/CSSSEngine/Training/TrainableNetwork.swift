/// The part of a ``ModelGraph`` after one of its layers, run forward and backward so that chosen layers
/// learn: a new head on frozen features, or the last blocks fine-tuned.
///
/// ```swift
/// let network = try TrainableNetwork(graph: graph, inputLayer: "out_relu",
///                                    trainable: ["dense", "dense_1"])
/// var adam = Adam(learningRate: 1e-3)
/// let logits = try network.forward(features, training: true, seed: step)   // features: out_relu's output
/// let loss = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, classWeights: nil)
/// network.zeroGradients()
/// try network.backward(loss.gradient)
/// adam.step(network)
/// let trained = network.updatedGraph()
/// ```
///
/// The sub-network takes the output of `inputLayer` as its input and ends at the graph's output. A final
/// softmax (a `Dense` layer's activation or an `Activation` layer of its own) is left out, so
/// ``forward(_:training:seed:)`` returns logits; ``SoftmaxCrossEntropy`` applies it with the loss.
///
/// Frozen layers run but do not learn; a frozen BatchNormalization always normalises with its moving
/// statistics, as Keras runs one whose `trainable` is false. A learning BatchNormalization uses the batch's
/// statistics in a training pass and moves its moving statistics toward them.
///
/// Not thread-safe: a pass keeps state for the backward pass that follows it.
public final class TrainableNetwork {
    /// The layer whose output the network takes as its input.
    public let inputLayer: String
    /// The weights of the learning layers, in graph order, each layer's as Keras lists them.
    public let parameters: [TrainableParameter]

    private let graph: ModelGraph
    private let nodes: [Node]
    /// Whether the last forward pass was a training pass, so ``backward(_:)`` has what it needs.
    private var readyForBackward = false

    /// A layer of the sub-network: the step that runs it and where its inputs come from (slot 0 is the
    /// network's input, slot `k + 1` the output of node `k`).
    private struct Node {
        var name: String
        var layerIndex: Int
        var step: TrainingStep
        var inputSlots: [Int]
    }

    /// Builds the sub-network of `graph` from the output of `inputLayer` to the graph's output.
    ///
    /// - Parameter trainable: The layers whose weights learn; every one must be in the sub-network.
    /// - Throws: ``TrainingError/unknownLayer(_:)`` for an input layer or trainable layer the graph lacks,
    ///   ``TrainingError/layerOutsideSubNetwork(_:)`` for a trainable layer that never runs,
    ///   ``TrainingError/unreachableInput(layer:input:)`` when the sub-network reads a layer before
    ///   `inputLayer` other than through it, ``TrainingError/unsupportedLayer(name:reason:)``.
    public init(graph: ModelGraph, inputLayer: String, trainable: Set<String>) throws(TrainingError) {
        let indices = Dictionary(graph.layers.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        guard indices[inputLayer] != nil else { throw .unknownLayer(inputLayer) }
        guard let outputIndex = indices[graph.outputName] else { throw .unknownLayer(graph.outputName) }
        let members = try Self.subNetwork(of: graph, from: inputLayer, indices: indices)
        for name in trainable.sorted() where !members.contains(indices[name] ?? -1) {
            throw indices[name] == nil ? .unknownLayer(name) : .layerOutsideSubNetwork(name)
        }
        var slots = [inputLayer: 0], nodes: [Node] = []
        for index in members.sorted() {
            let layer = graph.layers[index]
            let step = try Self.step(for: layer, learns: trainable.contains(layer.name), isOutput: index == outputIndex)
            nodes.append(Node(name: layer.name, layerIndex: index, step: step,
                              inputSlots: layer.inputs.map { slots[$0]! }))
            slots[layer.name] = nodes.count
        }
        self.graph = graph
        self.inputLayer = inputLayer
        self.nodes = nodes
        parameters = nodes.flatMap { $0.step.parameters.filter(\.learns) }
    }

    /// Runs a batch (the output of ``inputLayer``, batch first) through the sub-network.
    ///
    /// - Parameters:
    ///   - training: Drops out, uses batch statistics in learning BatchNormalization layers (updating
    ///     their moving statistics), and keeps what ``backward(_:)`` needs.
    ///   - seed: Seeds the dropout masks; the same seed draws the same masks.
    /// - Returns: The logits of the final layer (before its softmax).
    public func forward(_ input: Tensor, training: Bool, seed: UInt64) throws(TrainingError) -> Tensor {
        readyForBackward = false
        var activations: [Tensor?] = [input] + Array(repeating: nil, count: nodes.count)
        for (position, node) in nodes.enumerated() {
            // Each dropout layer draws its own mask from the pass's seed.
            let context = ForwardContext(training: training,
                                         seed: seed ^ (UInt64(position + 1) &* 0xD1B5_4A32_D192_ED03))
            activations[position + 1] = try node.step.forward(node.inputSlots.map { activations[$0]! }, context: context)
            // Free activations no later node reads, to keep the pass's memory to what backward needs.
            for slot in node.inputSlots where slot > 0
                && !nodes[(position + 1)...].contains(where: { $0.inputSlots.contains(slot) }) {
                activations[slot] = nil
            }
        }
        readyForBackward = training
        return activations.last!!
    }

    /// Backpropagates the gradient of the loss at the logits of the last training pass, adding the
    /// gradient of every learning parameter to its ``TrainableParameter/gradient``.
    ///
    /// - Returns: The gradient at the network's input (the output of ``inputLayer``).
    /// - Throws: ``TrainingError/noForwardPass`` when the last forward pass was not a training pass.
    @discardableResult
    public func backward(_ logitsGradient: Tensor) throws(TrainingError) -> Tensor {
        guard readyForBackward else { throw .noForwardPass }
        var gradients: [Tensor?] = Array(repeating: nil, count: nodes.count + 1)
        gradients[nodes.count] = logitsGradient
        for (position, node) in nodes.enumerated().reversed() {
            guard let gradient = gradients[position + 1] else { continue }
            gradients[position + 1] = nil
            let inputGradients = try node.step.backward(gradient)
            for (slot, inputGradient) in zip(node.inputSlots, inputGradients) {
                if var sum = gradients[slot] {
                    for index in sum.values.indices { sum.values[index] += inputGradient.values[index] }
                    gradients[slot] = sum
                } else {
                    gradients[slot] = inputGradient
                }
            }
        }
        return gradients[0] ?? logitsGradient
    }

    /// Sets the gradient of every learning parameter to zero.
    public func zeroGradients() {
        for parameter in parameters {
            parameter.gradient = [Float](repeating: 0, count: parameter.gradient.count)
        }
    }

    /// The whole original graph, with the current weights and BatchNormalization moving statistics of the
    /// sub-network written back (the final softmax kept), ready to save or to run with ``Network``.
    public func updatedGraph() -> ModelGraph {
        var updated = graph
        for node in nodes {
            node.step.write(into: &updated.layers[node.layerIndex].operation)
        }
        return updated
    }

    /// The indices of the layers the graph's output depends on through `start`'s output, excluding it.
    private static func subNetwork(of graph: ModelGraph, from start: String,
                                   indices: [String: Int]) throws(TrainingError) -> Set<Int> {
        let startIndex = indices[start]!
        var members = Set<Int>(), pending = [graph.outputName]
        while let name = pending.popLast() {
            guard name != start, let index = indices[name], members.insert(index).inserted else { continue }
            let layer = graph.layers[index]
            if layer.inputs.isEmpty {
                throw .unreachableInput(layer: layer.name, input: start)
            }
            for input in layer.inputs {
                guard let inputIndex = indices[input] else { throw .unknownLayer(input) }
                // Layers come after their inputs, so one before the start cannot be computed from it.
                if inputIndex < startIndex {
                    throw .unreachableInput(layer: layer.name, input: input)
                }
                pending.append(input)
            }
        }
        return members
    }

    private static func step(for layer: Layer, learns: Bool, isOutput: Bool) throws(TrainingError) -> TrainingStep {
        // The loss applies the final softmax, so the network stops at the logits.
        func fused(_ activation: Activation) -> Activation {
            isOutput && activation == .softmax ? .linear : activation
        }
        switch layer.operation {
        case .input:
            return TrainingIdentityStep()
        case .rescaling(let scale, let offset):
            return TrainingAffineStep(scale: [scale], offset: [offset])
        case .normalization(let mean, let variance):
            guard mean.count == variance.count, !mean.isEmpty else {
                throw .unsupportedLayer(name: layer.name, reason: "\(mean.count) means for \(variance.count) variances")
            }
            return TrainingAffineStep(mean: mean, variance: variance)
        case .conv2D(let convolution):
            return TrainingConvolutionStep(name: layer.name, convolution, activation: fused(convolution.activation), learns: learns)
        case .depthwiseConv2D(let convolution):
            return TrainingDepthwiseStep(name: layer.name, convolution, activation: fused(convolution.activation), learns: learns)
        case .batchNormalization(let normalization):
            return TrainingBatchNormStep(name: layer.name, normalization, learns: learns)
        case .relu(let maxValue, let negativeSlope, let threshold):
            return TrainingReLUStep(maxValue: maxValue, negativeSlope: negativeSlope, threshold: threshold)
        case .activation(let activation):
            return fused(activation) == .linear ? TrainingIdentityStep() : TrainingActivationStep(activation)
        case .zeroPadding(let top, let bottom, let left, let right):
            return TrainingZeroPaddingStep(name: layer.name, top: top, bottom: bottom, left: left, right: right)
        case .add:
            return TrainingAddStep(name: layer.name)
        case .globalAveragePooling(let keepDims):
            return TrainingGlobalAveragePoolingStep(name: layer.name, keepDims: keepDims)
        case .dense(let dense):
            return TrainingDenseStep(name: layer.name, dense, activation: fused(dense.activation), learns: learns)
        case .dropout(let rate):
            guard rate >= 0, rate < 1 else { throw .unsupportedLayer(name: layer.name, reason: "dropout rate \(rate)") }
            return TrainingDropoutStep(rate: rate)
        case .flatten:
            return TrainingFlattenStep()
        }
    }
}
