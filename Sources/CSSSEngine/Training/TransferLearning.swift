import Foundation

/// One training image, already preprocessed to the model's input (`[height, width, 3]`), and its class.
public struct TrainingExample: Sendable {
    public var image: Tensor
    public var label: Int

    public init(image: Tensor, label: Int) {
        self.image = image
        self.label = label
    }
}

/// The seed's recipe and its knobs.
public struct TrainingConfiguration: Sendable {
    /// Epochs with the backbone frozen (only the new head learns).
    public var epochs = 30
    /// Epochs with the last ``fineTuneBlocks`` blocks unfrozen, after the frozen phase (none when 0 blocks).
    public var fineTuneEpochs = 10
    public var batchSize = 32
    public var learningRate: Float = 1e-4
    /// The fine-tuning phase learns at this fraction of ``learningRate`` (Keras practice: 1/10), so that
    /// the pretrained weights are adjusted, not overwritten.
    public var fineTuneLearningRateScale: Float = 0.1
    /// MobileNetV2 blocks (counted back from block 16) that learn in the second phase.
    public var fineTuneBlocks = 0
    /// Per-class loss weights (`nil`: all 1).
    public var classWeights: [Float]?
    public var augmentation: Augmentation? = Augmentation()
    public var seed: UInt64 = 42
    /// Early stopping: epochs without a better validation loss before a phase stops (best weights kept).
    public var patience = 5
    /// Epochs without a better validation loss before the learning rate is halved.
    public var plateauPatience = 3
    public var plateauFactor: Float = 0.5
    public var minimumLearningRate: Float = 1e-7
    /// Cores for the frozen part's forward passes.
    public var threads = ProcessInfo.processInfo.activeProcessorCount

    public init() {}
}

/// What one epoch did.
public struct EpochResult: Sendable, Equatable {
    public enum Phase: String, Sendable { case frozen, fineTune = "fine-tune" }
    public var phase: Phase
    /// Counted from 1 across both phases.
    public var epoch: Int
    public var loss: Double
    public var accuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Float
    public var seconds: Double
    /// Training images per second in this epoch, forward and backward.
    public var imagesPerSecond: Double
    /// Whether the frozen part's features came from the cache (no augmentation touched them).
    public var featuresCached: Bool
}

/// Where training is, for a progress bar.
public struct TrainingProgress: Sendable {
    public var phase: EpochResult.Phase
    public var epoch: Int
    public var batch: Int
    public var batches: Int
    public var loss: Double
    public var accuracy: Double
    /// Seconds left in this epoch, estimated from the batches so far.
    public var secondsLeft: Double
}

/// How training ended.
public struct TrainingOutcome: Sendable {
    /// The whole network with the best weights (lowest validation loss).
    public var bestGraph: ModelGraph
    public var bestEpoch: Int
    public var history: [EpochResult]
    /// A phase ended before its last epoch because the validation loss stopped improving.
    public var stoppedEarly: Bool
    /// Training was asked to stop (Ctrl-C); ``bestGraph`` is still the best so far.
    public var interrupted: Bool
}

/// Transfer learning and fine-tuning of a MobileNetV2-family backbone, the seed's way: a new head
/// (GlobalAveragePooling2D → Dense 256 ReLU → Dropout 0.5 → Dense softmax) learns on the frozen
/// backbone, then, optionally, the backbone's last blocks learn too.
///
/// The frozen part runs on the fast inference engine (``Network``); only the part that learns runs
/// on ``TrainableNetwork``. When no augmentation touches the images, the frozen part's output cannot
/// change within a phase, so it is computed once and cached.
public final class TransferLearning {
    public let configuration: TrainingConfiguration
    private var graph: ModelGraph
    private let classes: Int

    /// Prepares training of a new `classes`-way head on `base`'s backbone (everything up to `out_relu`).
    public init(base: ModelGraph, classes: Int, configuration: TrainingConfiguration, backboneOutput: String = "out_relu") throws {
        self.configuration = configuration
        self.classes = classes
        graph = try base.replacingHead(after: backboneOutput, classes: classes, seed: configuration.seed)
        self.backboneOutput = backboneOutput
    }

    private let backboneOutput: String

    /// Trains both phases.
    ///
    /// - Parameters:
    ///   - progress: called after every batch.
    ///   - improved: called when an epoch sets a new best validation loss, with the whole network as
    ///     it is then (the checkpoint to keep).
    ///   - shouldStop: polled between batches (Ctrl-C); training then ends with the best weights so far.
    public func train(_ training: [TrainingExample], validation: [TrainingExample],
                      progress: (TrainingProgress) -> Void = { _ in },
                      epochEnded: (EpochResult) -> Void = { _ in },
                      improved: (ModelGraph, EpochResult) throws -> Void = { _, _ in },
                      shouldStop: () -> Bool = { false }) throws -> TrainingOutcome {
        guard !training.isEmpty else { throw TransferLearningError.noTrainingImages }
        var state = PhaseState(best: graph)
        try runPhase(.frozen, tap: backboneOutput, trainable: headLayers(), epochs: configuration.epochs,
                     learningRate: configuration.learningRate, training: training, validation: validation,
                     state: &state, progress: progress, epochEnded: epochEnded, improved: improved, shouldStop: shouldStop)
        if configuration.fineTuneBlocks > 0, configuration.fineTuneEpochs > 0, !state.interrupted {
            graph = state.best
            let (tap, trainable) = try fineTuneSplit(blocks: configuration.fineTuneBlocks)
            try runPhase(.fineTune, tap: tap, trainable: trainable, epochs: configuration.fineTuneEpochs,
                         learningRate: configuration.learningRate * configuration.fineTuneLearningRateScale,
                         training: training, validation: validation, state: &state, progress: progress,
                         epochEnded: epochEnded, improved: improved, shouldStop: shouldStop)
        }
        return TrainingOutcome(bestGraph: state.best, bestEpoch: state.bestEpoch, history: state.history,
                               stoppedEarly: state.stoppedEarly, interrupted: state.interrupted)
    }

    /// What carries over between epochs and phases.
    struct PhaseState {
        var best: ModelGraph
        var bestLoss = Double.infinity
        var bestEpoch = 0
        var history: [EpochResult] = []
        var stoppedEarly = false
        var interrupted = false
    }

    /// The layers after the backbone: the new head.
    private func headLayers() -> Set<String> {
        guard let index = graph.layers.firstIndex(where: { $0.name == backboneOutput }) else { return [] }
        return Set(graph.layers[(index + 1)...].map(\.name))
    }

    /// Where the frozen part ends when the last `blocks` blocks learn: the input of
    /// `block_<17 - blocks>_expand`; everything from there on learns except batch normalisation,
    /// which stays in inference mode with its moving statistics, as Keras's transfer-learning guide
    /// advises: a few small batches would otherwise replace statistics learned on a million images,
    /// and the network would behave differently in training and in use.
    func fineTuneSplit(blocks: Int) throws -> (tap: String, trainable: Set<String>) {
        let first = "block_\(17 - min(max(blocks, 1), 16))_expand"
        guard let index = graph.layers.firstIndex(where: { $0.name == first }),
              let tap = graph.layers[index].inputs.first else { throw TrainingError.unknownLayer(first) }
        let learning = graph.layers[index...].filter { layer in
            if case .batchNormalization = layer.operation { return false }
            return true
        }
        return (tap, Set(learning.map(\.name)))
    }
}

/// Why training could not run, beyond the network's own ``TrainingError``s.
public enum TransferLearningError: Error, Equatable, CustomStringConvertible {
    case noTrainingImages

    public var description: String {
        switch self {
        case .noTrainingImages: "there are no training images"
        }
    }
}
