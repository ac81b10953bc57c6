import Testing
@testable import CSSSEngine

@Suite("Transfer learning: phases, checkpoints, early stopping, Ctrl-C")
struct TransferLearningTests {
    /// Dark images are class 0, bright ones class 1: separable through any backbone.
    static func examples(_ count: Int, size: Int, seed: UInt64) -> [TrainingExample] {
        var generator = SplitMix64(seed: seed)
        return (0..<count).map { index in
            let label = index % 2
            let values = (0..<(size * size * 3)).map { _ in (label == 0 ? -0.8 : 0.6) + generator.uniform(-0.2...0.2) }
            return TrainingExample(image: Tensor(shape: [size, size, 3], values: values), label: label)
        }
    }

    static func configuration(epochs: Int, fineTune: Int = 0) -> TrainingConfiguration {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.fineTuneBlocks = fineTune
        configuration.fineTuneEpochs = fineTune > 0 ? 2 : 0
        configuration.batchSize = 4
        configuration.learningRate = 1e-3
        configuration.augmentation = nil
        configuration.threads = 1
        return configuration
    }

    /// The synthetic backbone's weights are random, so what it keeps of an image is arbitrary: these
    /// tests check that the machinery fits what it is shown (validated on the training images), not
    /// that it generalises, which only real weights and real scans can show.
    @Test("the head learns on cached frozen features, then the last block fine-tunes; the best checkpoint is reported")
    func twoPhases() throws {
        let base = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)
        let learning = try TransferLearning(base: base, classes: 2, configuration: Self.configuration(epochs: 30, fineTune: 1))
        var checkpoints: [ModelGraph] = []
        let examples = Self.examples(16, size: 32, seed: 1)
        let outcome = try learning.train(examples, validation: examples,
                                         improved: { graph, _ in checkpoints.append(graph) })
        #expect(checkpoints.allSatisfy { $0.layer(named: "dense_1") != nil })
        let uncached = outcome.history.filter { $0.phase == .frozen && !$0.featuresCached }
        #expect(uncached.isEmpty)
        #expect(outcome.history.contains { $0.phase == .fineTune })
        #expect(checkpoints.count >= 1)
        let first = try #require(outcome.history.first), best = try #require(outcome.history.first { $0.epoch == outcome.bestEpoch })
        let bestLoss = try #require(best.validationLoss), firstLoss = try #require(first.validationLoss)
        #expect(bestLoss <= firstLoss)
        // The best graph runs on the inference engine and gives back what it learned.
        let network = try Network(graph: outcome.bestGraph, threads: 1)
        let output = try network.run(Tensor(shape: [16, 32, 32, 3], values: examples.flatMap(\.image.values)))
        let predicted = Tensor.argmaxRows(output.outputs)
        #expect(zip(predicted, examples.map(\.label)).filter { $0 == $1 }.count >= 14)
    }

    @Test("the fine-tuning split starts at block_<17-N>_expand's input")
    func fineTuneSplit() throws {
        let base = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)
        let learning = try TransferLearning(base: base, classes: 2, configuration: Self.configuration(epochs: 1))
        let (tap, trainable) = try learning.fineTuneSplit(blocks: 2)
        #expect(tap == "block_14_add")
        #expect(trainable.contains("block_15_expand") && trainable.contains("block_16_project") && trainable.contains("dense_1"))
        #expect(!trainable.contains("block_14_project"))
        #expect(!trainable.contains("block_15_expand_BN"))  // batch normalisation stays in inference mode
    }

    @Test("a stop request (Ctrl-C) ends training at once with the best weights so far")
    func interrupted() throws {
        let base = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)
        let learning = try TransferLearning(base: base, classes: 2, configuration: Self.configuration(epochs: 20))
        var batches = 0
        let outcome = try learning.train(Self.examples(16, size: 32, seed: 1), validation: Self.examples(4, size: 32, seed: 2),
                                         progress: { _ in batches += 1 }, shouldStop: { batches >= 6 })
        #expect(outcome.interrupted)
        #expect(outcome.history.count == 1)
    }

    @Test("early stopping ends a phase after `patience` epochs without a better validation loss")
    func earlyStopping() throws {
        var configuration = Self.configuration(epochs: 40)
        configuration.patience = 2
        configuration.learningRate = 0.5  // too high: the validation loss soon stops improving
        let base = SyntheticMobileNetV2.graph(inputSize: 32, classes: 5)
        let outcome = try TransferLearning(base: base, classes: 2, configuration: configuration)
            .train(Self.examples(8, size: 32, seed: 1), validation: Self.examples(4, size: 32, seed: 9))
        #expect(outcome.stoppedEarly)
        #expect(outcome.history.count < 40)
        #expect(outcome.history.count - outcome.bestEpoch == 2)
    }
}
