import Foundation

extension TransferLearning {
    /// One phase: the layers in `trainable` learn on features taken at `tap` from the frozen part.
    func runPhase(_ phase: EpochResult.Phase, tap: String, trainable: Set<String>, epochs: Int, learningRate: Float,
                  training: [TrainingExample], validation: [TrainingExample], state: inout PhaseState,
                  progress: (TrainingProgress) -> Void, epochEnded: (EpochResult) -> Void,
                  improved: (ModelGraph, EpochResult) throws -> Void, shouldStop: () -> Bool) throws {
        let graph = state.best
        let frozen = try FrozenFeatures(graph: graph, tap: tap, threads: configuration.threads)
        let network = try TrainableNetwork(graph: graph, inputLayer: tap, trainable: trainable)
        var optimizer = Adam(learningRate: learningRate)
        var generator = SplitMix64(seed: configuration.seed &+ (phase == .frozen ? 0 : 1))
        let validationFeatures = try frozen.features(of: validation.map(\.image), batchSize: configuration.batchSize)
        let cached = configuration.augmentation == nil
        let cachedFeatures: [Tensor]? = cached ? try frozen.features(of: training.map(\.image), batchSize: configuration.batchSize) : nil
        var sinceBest = 0, sincePlateau = 0
        var phaseBest = Double.infinity

        for _ in 0..<epochs {
            let start = Date()
            let order = generator.shuffled(Array(training.indices))
            let features: [Tensor]
            if let cachedFeatures {
                features = cachedFeatures
            } else {
                let augmented = training.map { configuration.augmentation!.apply(to: $0.image, using: &generator) }
                features = try frozen.features(of: augmented, batchSize: configuration.batchSize)
            }
            var (lossSum, correct, seen) = (0.0, 0, 0)
            let batches = stride(from: 0, to: order.count, by: configuration.batchSize).map {
                Array(order[$0..<min($0 + configuration.batchSize, order.count)])
            }
            for (number, batch) in batches.enumerated() {
                if shouldStop() { state.interrupted = true; break }
                let input = Tensor.stacking(batch.map { features[$0] })
                let labels = batch.map { training[$0].label }
                network.zeroGradients()
                let logits = try network.forward(input, training: true, seed: generator.next())
                let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, classWeights: configuration.classWeights)
                _ = try network.backward(result.gradient)
                optimizer.step(network)
                lossSum += Double(result.loss) * Double(batch.count)
                correct += zip(Tensor.argmaxRows(result.probabilities), labels).filter { $0 == $1 }.count
                seen += batch.count
                let elapsed = Date().timeIntervalSince(start)
                progress(TrainingProgress(phase: phase, epoch: state.history.count + 1, batch: number + 1, batches: batches.count,
                                          loss: lossSum / Double(seen), accuracy: Double(correct) / Double(seen),
                                          secondsLeft: elapsed / Double(number + 1) * Double(batches.count - number - 1)))
            }
            if state.interrupted { break }
            let seconds = Date().timeIntervalSince(start)
            let (validationLoss, validationAccuracy) = try evaluate(network, features: validationFeatures, examples: validation)
            let result = EpochResult(phase: phase, epoch: state.history.count + 1, loss: lossSum / Double(max(seen, 1)),
                                     accuracy: Double(correct) / Double(max(seen, 1)), validationLoss: validationLoss,
                                     validationAccuracy: validationAccuracy, learningRate: optimizer.learningRate,
                                     seconds: seconds, imagesPerSecond: Double(seen) / max(seconds, 1e-9),
                                     featuresCached: cached)
            state.history.append(result)
            epochEnded(result)
            // Without validation images, the training loss is what is watched.
            let monitored = validationLoss ?? result.loss
            if monitored < phaseBest - 1e-6 {
                phaseBest = monitored
                sinceBest = 0
                sincePlateau = 0
                if monitored < state.bestLoss || phase == .fineTune {
                    state.bestLoss = monitored
                    state.best = network.updatedGraph()
                    state.bestEpoch = result.epoch
                    try improved(state.best, result)
                }
            } else {
                sinceBest += 1
                sincePlateau += 1
                if sincePlateau >= configuration.plateauPatience {
                    optimizer.learningRate = max(optimizer.learningRate * configuration.plateauFactor, configuration.minimumLearningRate)
                    sincePlateau = 0
                }
                if sinceBest >= configuration.patience {
                    state.stoppedEarly = true
                    break
                }
            }
        }
    }

    private func evaluate(_ network: TrainableNetwork, features: [Tensor], examples: [TrainingExample]) throws -> (Double?, Double?) {
        guard !examples.isEmpty else { return (nil, nil) }
        var (lossSum, correct) = (0.0, 0)
        for start in stride(from: 0, to: examples.count, by: configuration.batchSize) {
            let range = start..<min(start + configuration.batchSize, examples.count)
            let logits = try network.forward(Tensor.stacking(range.map { features[$0] }), training: false, seed: 0)
            let labels = range.map { examples[$0].label }
            let result = SoftmaxCrossEntropy.evaluate(logits: logits, labels: labels, classWeights: nil)
            lossSum += Double(result.loss) * Double(range.count)
            correct += zip(Tensor.argmaxRows(result.probabilities), labels).filter { $0 == $1 }.count
        }
        return (lossSum / Double(examples.count), Double(correct) / Double(examples.count))
    }
}

/// The frozen part of the network on the fast inference engine: what it outputs at `tap`.
struct FrozenFeatures {
    let network: Network
    let tap: String

    init(graph: ModelGraph, tap: String, threads: Int) throws {
        network = try Network(graph: graph, threads: threads, keeping: [tap])
        self.tap = tap
    }

    /// The activation at the tap for each image, one `[h, w, c]` tensor per image.
    func features(of images: [Tensor], batchSize: Int) throws -> [Tensor] {
        var result: [Tensor] = []
        result.reserveCapacity(images.count)
        for start in stride(from: 0, to: images.count, by: max(batchSize, 1)) {
            let batch = Array(images[start..<min(start + batchSize, images.count)])
            let output = try network.run(Tensor.stacking(batch))
            guard let activation = output.activations[tap] else { throw TrainingError.unknownLayer(tap) }
            result += activation.splittingRows()
        }
        return result
    }
}

extension Tensor {
    /// `tensors` (all the same shape) stacked along a new first axis.
    static func stacking(_ tensors: [Tensor]) -> Tensor {
        guard let first = tensors.first else { return Tensor(shape: [0], values: []) }
        var values: [Float] = []
        values.reserveCapacity(first.values.count * tensors.count)
        for tensor in tensors { values += tensor.values }
        return Tensor(shape: [tensors.count] + first.shape, values: values)
    }

    /// The first axis taken apart: one tensor per row.
    func splittingRows() -> [Tensor] {
        let rowCount = shape[0], size = values.count / max(rowCount, 1)
        return (0..<rowCount).map { Tensor(shape: Array(shape.dropFirst()), values: Array(values[$0 * size..<($0 + 1) * size])) }
    }

    /// The index of the largest value in each row of a `[rows, columns]` tensor.
    static func argmaxRows(_ tensor: Tensor) -> [Int] {
        let columns = tensor.shape.last ?? 1
        return stride(from: 0, to: tensor.values.count, by: columns).map { start in
            var best = 0
            for column in 1..<columns where tensor.values[start + column] > tensor.values[start + best] { best = column }
            return best
        }
    }
}
