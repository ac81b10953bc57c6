import Foundation

/// A Keras image classifier ready to run: the compiled network, its class labels and the preprocessing
/// its model was trained with.
///
/// Preprocessing is Keras's and Pillow's: the scan converted to RGB, resized with Pillow's BICUBIC filter to
/// the model's input size, then scaled to [-1, 1] as `mobilenet_v2.preprocess_input` does, unless the model
/// begins with its own `Rescaling` or `Normalization` layer, which then receives pixel values 0…255.
/// With the same file and image, the probabilities equal Keras's.
public final class ImageClassifier: Sendable {
    /// The class names, in the model's output order.
    public let labels: ClassLabels
    /// The compiled network.
    public let network: Network
    /// How a scan becomes the network's input.
    public let preprocessor: ModelInputPreprocessor

    /// Loads a Keras model (`.h5` or `.keras`) and its labels and compiles the network.
    ///
    /// - Throws: ``KerasModelError`` for a model that cannot be read, ``ClassLabelsError`` for labels that
    ///   cannot, and the errors of ``init(graph:labels:labelsSource:threads:)``.
    public convenience init(model: URL, labels labelsURL: URL, threads: Int) throws {
        try self.init(graph: ModelGraph(contentsOf: model), labels: ClassLabels(contentsOf: labelsURL),
                      labelsSource: labelsURL.path, threads: threads)
    }

    /// Compiles a loaded model for its labels.
    ///
    /// - Parameter labelsSource: where the labels came from, named in errors.
    /// - Throws: ``NetworkError`` for a graph the engine cannot run, ``ClassificationError`` when the labels
    ///   do not match the model's outputs.
    public init(graph: ModelGraph, labels: ClassLabels, labelsSource: String, threads: Int) throws {
        let network = try Network(graph: graph, threads: threads)
        guard network.outputShape == [labels.names.count] else {
            throw ClassificationError.labelCountMismatch(labelsFile: labelsSource, labels: labels.names.count,
                                                         outputs: network.outputShape.reduce(1, *))
        }
        self.labels = labels
        self.network = network
        self.preprocessor = ModelInputPreprocessor(width: network.inputShape.width, height: network.inputShape.height,
                                                   scaling: InputScaling(for: graph))
    }

    /// The network's input height and width.
    public var inputSize: (height: Int, width: Int) {
        (network.inputShape.height, network.inputShape.width)
    }

    /// Preprocesses one scan and runs the network on it.
    public func classify(_ image: Image) throws -> Classification {
        let input = preprocessor.tensor(for: image)
        let start = ContinuousClock.now
        let output = try network.run(input)
        let elapsed = ContinuousClock.now - start
        let (seconds, attoseconds) = elapsed.components
        return Classification(probabilities: output.outputs.values, logits: output.logits?.values,
                              inferenceMilliseconds: Double(seconds) * 1000 + Double(attoseconds) / 1e15)
    }
}

extension Network {
    /// The shape of one image's output, without the batch axis (`[classes]` for a classifier).
    public var outputShape: [Int] { program.output.shape }
}

/// What the network said about one scan.
public struct Classification: Sendable, Equatable {
    /// One probability per class, in the model's output order.
    public var probabilities: [Float]
    /// The pre-softmax scores, when the model ends in a softmax.
    public var logits: [Float]?
    /// How long the network took, preprocessing excluded.
    public var inferenceMilliseconds: Double

    /// The index of the most probable class (the first of equals).
    public var topIndex: Int {
        var best = 0
        for index in probabilities.indices where probabilities[index] > probabilities[best] { best = index }
        return best
    }
}

/// Why a model and its labels cannot be used together.
public enum ClassificationError: Error, Equatable, CustomStringConvertible {
    /// The labels file names a different number of classes than the model outputs.
    case labelCountMismatch(labelsFile: String, labels: Int, outputs: Int)

    public var description: String {
        switch self {
        case .labelCountMismatch(let file, let labels, let outputs):
            "\(file) names \(labels) classes but the model outputs \(outputs)"
        }
    }
}

extension InputScaling {
    /// The scaling a model expects: raw 0…255 pixels when its first layer after the input rescales or
    /// normalises them itself, MobileNetV2's [-1, 1] otherwise.
    public init(for graph: ModelGraph) {
        let first = graph.layers.dropFirst().first { layer in
            layer.inputs.contains(graph.layers.first?.name ?? "")
        }
        switch first?.operation {
        case .rescaling?, .normalization?: self = .raw
        default: self = .mobileNet
        }
    }
}
