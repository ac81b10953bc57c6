import CSSSKernels
import Foundation

/// Explains a ``ModelGraph``'s predictions with Grad-CAM: which positions of a convolutional layer's
/// output speak for a class.
///
/// ```swift
/// let explainer = try GradCAMExplainer(graph: graph, threads: 1)
/// let result = try explainer.explain(image)                         // top class, last feature map
/// let probabilities = result.prediction.probabilities               // the same forward pass
/// let early = try explainer.explain(image, layer: "block_16_project", classIndex: 3)
/// ```
///
/// One call runs the network once, keeping the layer's output `A`, then the layers after it (the tail)
/// forward and backward, reverse-mode, to get the gradient of the class score (the pre-softmax logit)
/// with respect to `A`; the weights are its spatial means, the map `ReLU(Σₖ wₖ·Aₖ)` normalised to [0, 1].
/// The network and the tail are compiled on the first explanation at each layer and kept, with their
/// buffers, for the next; each keeps its own copy of the weights it runs.
///
/// Thread safety: an explainer can be shared between threads and tasks; explanations are serialised.
public final class GradCAMExplainer: @unchecked Sendable {
    /// The layer explained when none is named: the last one with a `[height, width, channels]` output
    /// before the model pools it (`out_relu` in Keras's MobileNetV2).
    public let defaultLayer: String
    /// The images it takes, `(height, width, channels)`.
    public let inputShape: (height: Int, width: Int, channels: Int)
    /// The number of classes a score can be explained for.
    public let classes: Int

    private let graph: ModelGraph
    private let inputSize: (height: Int, width: Int)?
    private let threads: Int
    private let shapes: LayerShapes
    private let lock = NSLock()
    /// Compiled per explained layer; guarded by `lock`.
    private var plans: [String: Plan] = [:]

    /// What explaining at one layer runs: the network tapping the layer (and the values its tail reads from
    /// before it), then the tail.
    private struct Plan {
        var network: Network
        var tail: Tail
    }

    /// Compiles `graph` for Grad-CAM at its ``defaultLayer``.
    ///
    /// - Parameters:
    ///   - inputSize: The image size to run at, when it is not the one the input layer declares; required
    ///     when the input layer leaves it open.
    ///   - threads: How many threads the network uses; the tail runs on the calling thread.
    /// - Throws: ``GradCAMError/noFeatureMap`` for a model with no layer to explain, and the errors of
    ///   ``explain(_:layer:classIndex:)`` for a graph that cannot be compiled.
    public init(graph: ModelGraph, inputSize: (height: Int, width: Int)? = nil,
                threads: Int = ProcessInfo.processInfo.activeProcessorCount) throws(GradCAMError) {
        let shapes = try LayerShapes(graph: graph, inputSize: inputSize)
        let score = TailRoute.score(of: graph).layer
        let ancestors = TailRoute.ancestors(of: score, in: graph)
        // A pooling that keeps its 1×1 dims and a Dropout only repeat the feature map before them.
        guard let layer = graph.layers.last(where: { layer in
            ancestors.contains(layer.name) && shapes[layer.name]?.count == 3 && !layer.operation.repeatsFeatureMap
        }) else { throw .noFeatureMap }
        let input = shapes[graph.layers[0].name] ?? []
        self.graph = graph
        self.inputSize = inputSize
        self.threads = threads
        self.shapes = shapes
        defaultLayer = layer.name
        inputShape = (input[0], input[1], input[2])
        classes = shapes[score]?.reduce(1, *) ?? 0
        // Compiled now, so a graph the engine cannot run fails here rather than at the first explanation.
        _ = try plan(for: layer.name)
    }

    /// Explains class `classIndex` (default: the top one) for one image at `layer` (default:
    /// ``defaultLayer``).
    ///
    /// - Parameters:
    ///   - input: One image, `[1, height, width, channels]`, preprocessed as for the network.
    ///   - layer: A layer whose output is a feature map, by its Keras name.
    ///   - classIndex: The class to explain; `nil` for the one with the largest score.
    /// - Throws: ``GradCAMError/unknownLayer(_:)``, ``GradCAMError/notSpatial(layer:shape:)``,
    ///   ``GradCAMError/disconnected(layer:)``, ``GradCAMError/classIndexOutOfRange(_:classes:)``,
    ///   ``GradCAMError/notOneImage(shape:)``, ``GradCAMError/undifferentiable(layer:reason:)``, and
    ///   ``GradCAMError/network(_:)`` for a network that cannot be built or run.
    /// - Complexity: One inference, plus the layers after `layer` forward and backward; the first call at
    ///   a layer also compiles it.
    public func explain(_ input: Tensor, layer: String? = nil, classIndex: Int? = nil) throws(GradCAMError)
        -> GradCAMResult {
        guard input.shape.count == 4, input.shape[0] == 1 else { throw .notOneImage(shape: input.shape) }
        if let classIndex, !(0..<classes).contains(classIndex) {
            throw .classIndexOutOfRange(classIndex, classes: classes)
        }
        let layer = layer ?? defaultLayer
        lock.lock()
        defer { lock.unlock() }
        let plan = try plan(for: layer)
        let prediction: NetworkOutput
        do throws(NetworkError) {
            prediction = try plan.network.run(input)
        } catch {
            throw .network(error)
        }
        // Taps are what the network was compiled to keep, so each is there.
        let feature = prediction.activations[layer]!.values
        let constants = plan.tail.constants.map { prediction.activations[$0]!.values }
        let explained = classIndex ?? Self.largest((prediction.logits ?? prediction.outputs).values)
        plan.tail.forward(feature: feature, constants: constants)
        return GradCAMResult(layer: layer, classIndex: explained, score: plan.tail.scores[explained], feature: feature,
                             gradient: plan.tail.backward(classIndex: explained), shape: plan.tail.featureShape,
                             prediction: prediction)
    }

    /// The compiled network and tail for `layer`, compiled now if this is its first explanation. The
    /// caller holds the lock.
    private func plan(for layer: String) throws(GradCAMError) -> Plan {
        if let plan = plans[layer] {
            return plan
        }
        guard let shape = shapes[layer] else { throw .unknownLayer(layer) }
        guard shape.count == 3 else { throw .notSpatial(layer: layer, shape: shape) }
        let tail = try Tail(graph: graph, feature: layer, shapes: shapes)
        let network: Network
        do throws(NetworkError) {
            network = try Network(graph: graph, inputSize: inputSize, threads: threads,
                                  keeping: Set([layer] + tail.constants))
        } catch {
            throw .network(error)
        }
        let plan = Plan(network: network, tail: tail)
        plans[layer] = plan
        return plan
    }

    /// The index of the largest value, the first of equals.
    private static func largest(_ values: [Float]) -> Int {
        values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) } ?? 0
    }
}

private extension LayerOperation {
    var repeatsFeatureMap: Bool {
        switch self {
        case .globalAveragePooling, .dropout: true
        default: false
        }
    }
}
