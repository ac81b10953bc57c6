import ArgumentParser
import CSSSClinic
import CSSSEngine
import Foundation
import Synchronization

/// `csss train`: a classifier from a hospital's own scans.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a classifier on a split dataset: a MobileNetV2 backbone, frozen, then fine-tuned.",
        discussion: """
            The seed's recipe: the base model's backbone with a new head (GlobalAveragePooling2D → Dense 256 ReLU → \
            Dropout 0.5 → Dense softmax) learns first with the backbone frozen, then with its last N blocks \
            unfrozen (--fine-tune-blocks, at a tenth of the learning rate). Augmentation (rotation ±15°, shifts \
            0.1, flips, zoom 0.9–1.1, brightness 0.8–1.2) is seeded; early stopping after 5 epochs without a \
            better validation loss keeps the best weights; the learning rate halves after 3. The best \
            checkpoint is model.h5 (Keras-compatible), beside class_labels.json, history.json and model_card.json. \
            Ctrl-C stops cleanly and keeps the best checkpoint.

            Example:
              csss split --dataset scans/ --output split/
              csss train --dataset split/ --base mobilenetv2.h5 --epochs 30 --fine-tune-blocks 2 --output model/
            """
    )

    @Option(help: ArgumentHelp("A split folder (csss split's output).", valueName: "dir")) var dataset: String
    @Option(help: ArgumentHelp("The Keras model whose backbone is reused.", valueName: "model.h5")) var base: String
    @Option(help: ArgumentHelp("Where the model goes (a new or empty folder).", valueName: "dir")) var output: String
    @Option(help: "Epochs with the backbone frozen.") var epochs = 30
    @Option(help: "Epochs with the last blocks unfrozen (default: a third of --epochs).") var fineTuneEpochs: Int?
    @Option(help: "MobileNetV2 blocks, counted from the last, that learn in the second phase.") var fineTuneBlocks = 0
    @Option(help: "Images per step.") var batchSize = 32
    @Option(name: .customLong("lr"), help: "Learning rate (Adam).") var learningRate: Float = 1e-4
    @Option(help: "auto (inverse class frequency) or none.") var classWeights = "none"
    @Flag(help: "Train without augmentation (the frozen backbone's features are then computed once).") var noAugment = false
    @Option(help: "Seed for the head's initial weights, shuffling and augmentation.") var seed: UInt64 = 42
    @Flag(help: "Mark the model as a demo: its predictions say DEMO MODEL — NOT FOR CLINICAL USE.") var demo = false

    /// Set by Ctrl-C; training polls it between batches.
    static let interrupted = Atomic<Bool>(false)

    func validate() throws {
        guard ["auto", "none"].contains(classWeights) else { throw ValidationError("--class-weights is auto or none") }
        guard epochs >= 1, batchSize >= 1, fineTuneBlocks >= 0, fineTuneBlocks <= 16 else {
            throw ValidationError("--epochs and --batch-size must be at least 1, --fine-tune-blocks 0 to 16")
        }
    }

    func run() throws {
        var configuration = TrainingConfiguration()
        configuration.epochs = epochs
        configuration.fineTuneBlocks = fineTuneBlocks
        configuration.fineTuneEpochs = fineTuneEpochs ?? max(1, (epochs + 2) / 3)
        configuration.batchSize = batchSize
        configuration.learningRate = learningRate
        configuration.seed = seed
        configuration.augmentation = noAugment ? nil : Augmentation()
        let request = TrainingRequest(dataset: URL(fileURLWithPath: dataset), baseModel: URL(fileURLWithPath: base),
                                      output: URL(fileURLWithPath: output), configuration: configuration,
                                      balanceClasses: classWeights == "auto", demo: demo)
        signal(SIGINT) { _ in Train.interrupted.store(true, ordering: .relaxed) }
        let bar = ProgressBar()
        let report: TrainingReport
        do {
            report = try ModelTraining.run(request, progress: bar.show, epochEnded: bar.finish,
                                           shouldStop: { Train.interrupted.load(ordering: .relaxed) })
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        let outcome = report.outcome
        let best = outcome.history.first { $0.epoch == outcome.bestEpoch }
        print("Classes: \(report.classes.joined(separator: ", ")) (\(report.trainingCount) training, \(report.validationCount) validation images)")
        if outcome.interrupted { print("Stopped by Ctrl-C; the best checkpoint is kept.") }
        if outcome.stoppedEarly { print("Stopped early: the validation loss stopped improving.") }
        if let best {
            print(String(format: "Best epoch %d: validation loss %@, accuracy %@", best.epoch,
                         best.validationLoss.map { String(format: "%.4f", $0) } ?? "-",
                         best.validationAccuracy.map { String(format: "%.3f", $0) } ?? "-"))
        }
        print("Model: \(report.model.path)")
        if demo { print(ModelCard.demoWarning) }
    }
}

/// One line per epoch on stderr, redrawn after every batch.
struct ProgressBar {
    private let width = 24

    func show(_ progress: TrainingProgress) {
        let done = Int(Double(width) * Double(progress.batch) / Double(max(progress.batches, 1)))
        let bar = String(repeating: "=", count: done) + String(repeating: " ", count: width - done)
        let line = String(format: "\r[%@] epoch %d [%@] %d/%d loss %.4f acc %.3f %@ left   ",
                          progress.phase.rawValue, progress.epoch, bar, progress.batch, progress.batches,
                          progress.loss, progress.accuracy, Self.duration(progress.secondsLeft))
        FileHandle.standardError.write(Data(line.utf8))
    }

    func finish(_ epoch: EpochResult) {
        var line = String(format: "\r[%@] epoch %d: loss %.4f acc %.3f", epoch.phase.rawValue, epoch.epoch, epoch.loss, epoch.accuracy)
        if let loss = epoch.validationLoss, let accuracy = epoch.validationAccuracy {
            line += String(format: ", val loss %.4f acc %.3f", loss, accuracy)
        }
        line += String(format: ", lr %.1e, %.1f s, %.0f img/s%@\n", epoch.learningRate, epoch.seconds, epoch.imagesPerSecond,
                       epoch.featuresCached ? " (cached features)" : "")
        FileHandle.standardError.write(Data(line.utf8))
    }

    private static func duration(_ seconds: Double) -> String {
        seconds >= 60 ? String(format: "%dm%02ds", Int(seconds) / 60, Int(seconds) % 60) : String(format: "%ds", Int(seconds.rounded()))
    }
}
