import Crypto
import CSSSEngine
import Foundation

/// What `csss train` is asked to do.
public struct TrainingRequest: Sendable {
    /// A split folder (`csss split`'s output): `train/<class>/…` and, optionally, `val/<class>/…`.
    public var dataset: URL
    /// The Keras model whose backbone is reused.
    public var baseModel: URL
    /// Where the model, its labels and its history go.
    public var output: URL
    public var configuration: TrainingConfiguration
    /// Weight the loss by inverse class frequency (`--class-weights auto`).
    public var balanceClasses: Bool
    /// Marks the model as a demo: every prediction it makes says it is not for clinical use.
    public var demo: Bool

    public init(dataset: URL, baseModel: URL, output: URL, configuration: TrainingConfiguration,
                balanceClasses: Bool, demo: Bool) {
        self.dataset = dataset
        self.baseModel = baseModel
        self.output = output
        self.configuration = configuration
        self.balanceClasses = balanceClasses
        self.demo = demo
    }
}

/// What training produced.
public struct TrainingReport: Sendable {
    public var classes: [String]
    public var trainingCount: Int
    public var validationCount: Int
    public var outcome: TrainingOutcome
    /// `model.h5`, the best checkpoint.
    public var model: URL
}

/// Why a training run could not start.
public enum ModelTrainingError: Error, Equatable, CustomStringConvertible {
    case notASplit(String)
    case tooFewClasses(String)
    case outputNotEmpty(String)

    public var description: String {
        switch self {
        case .notASplit(let path): "\(path) has no train/ folder of class folders: make one with 'csss split'"
        case .tooFewClasses(let path): "\(path)/train needs at least two class folders"
        case .outputNotEmpty(let path): "\(path) is not empty: choose a new output folder"
        }
    }
}

/// Trains a classifier on a split dataset the seed's way (``TransferLearning``) and writes what
/// `csss predict` and TensorFlow load: `model.h5` (the best checkpoint, rewritten whenever the
/// validation loss improves), `class_labels.json`, `history.json`, and `model_card.json`.
public enum ModelTraining {
    public static func run(_ request: TrainingRequest, progress: (TrainingProgress) -> Void = { _ in },
                           epochEnded: (EpochResult) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> TrainingReport {
        let fileManager = FileManager.default
        let trainFolder = request.dataset.appendingPathComponent("train")
        let classes = try classFolders(in: trainFolder)
        guard classes.count >= 2 else { throw ModelTrainingError.tooFewClasses(request.dataset.path) }
        if let existing = try? fileManager.contentsOfDirectory(atPath: request.output.path), !existing.isEmpty {
            throw ModelTrainingError.outputNotEmpty(request.output.path)
        }
        try fileManager.createDirectory(at: request.output, withIntermediateDirectories: true)

        let base = try ModelGraph(contentsOf: request.baseModel)
        let size = (height: base.inputShape.height ?? 224, width: base.inputShape.width ?? 224)
        let preprocessor = ModelInputPreprocessor(width: size.width, height: size.height)
        let training = try examples(in: trainFolder, classes: classes, preprocessor: preprocessor)
        let validation = try examples(in: request.dataset.appendingPathComponent("val"), classes: classes, preprocessor: preprocessor)

        var configuration = request.configuration
        if request.balanceClasses {
            let counts = classes.indices.map { index in training.filter { $0.label == index }.count }
            configuration.classWeights = counts.map { Float(training.count) / Float(classes.count * max($0, 1)) }
        }
        let model = request.output.appendingPathComponent("model.h5")
        try writeLabels(classes, to: request.output.appendingPathComponent("class_labels.json"))
        try writeCard(request: request, classes: classes, training: training.count, validation: validation.count)

        let learning = try TransferLearning(base: base, classes: classes.count, configuration: configuration)
        var history: [EpochResult] = []
        let outcome = try learning.train(training, validation: validation, progress: progress,
                                         epochEnded: { result in
                                             history.append(result)
                                             try? TrainingHistory(results: history).write(to: request.output.appendingPathComponent("history.json"))
                                             epochEnded(result)
                                         },
                                         improved: { graph, _ in try KerasModelWriter.write(graph, to: model) },
                                         shouldStop: shouldStop)
        if !fileManager.fileExists(atPath: model.path) { try KerasModelWriter.write(outcome.bestGraph, to: model) }
        try TrainingHistory(results: outcome.history).write(to: request.output.appendingPathComponent("history.json"))
        return TrainingReport(classes: classes, trainingCount: training.count, validationCount: validation.count,
                              outcome: outcome, model: model)
    }

    /// The class folders of `folder`, sorted: their order is the label order.
    static func classFolders(in folder: URL) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ModelTrainingError.notASplit(folder.deletingLastPathComponent().path)
        }
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") }
            .filter { name in
                var directory: ObjCBool = false
                return FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path, isDirectory: &directory)
                    && directory.boolValue
            }
            .sorted()
    }

    /// Every readable image under `folder/<class>/`, preprocessed for the model.
    static func examples(in folder: URL, classes: [String], preprocessor: ModelInputPreprocessor) throws -> [TrainingExample] {
        var examples: [TrainingExample] = []
        for (label, name) in classes.enumerated() {
            let classFolder = folder.appendingPathComponent(name)
            guard let files = try? FileManager.default.contentsOfDirectory(atPath: classFolder.path) else { continue }
            for file in files.sorted() where !file.hasPrefix(".") {
                let url = classFolder.appendingPathComponent(file)
                guard let image = try? Image(contentsOf: url) else { continue }
                let tensor = preprocessor.tensor(for: image)
                examples.append(TrainingExample(image: Tensor(shape: Array(tensor.shape.suffix(3)), values: tensor.values), label: label))
            }
        }
        return examples
    }

    private static func writeLabels(_ classes: [String], to url: URL) throws {
        try Data((JSONValue.array(classes.map(JSONValue.string)).text + "\n").utf8).write(to: url, options: .atomic)
    }

    private static func writeCard(request: TrainingRequest, classes: [String], training: Int, validation: Int) throws {
        let baseSHA = SHA256.hash(data: try Data(contentsOf: request.baseModel)).map { String(format: "%02x", $0) }.joined()
        let card = JSONValue.object([
            ("demo", .bool(request.demo)),
            ("warning", request.demo ? .string(ModelCard.demoWarning) : .null),
            ("base_model", .object([("file", .string(request.baseModel.lastPathComponent)), ("sha256", .string(baseSHA))])),
            ("classes", .array(classes.map(JSONValue.string))),
            ("training_images", .integer(training)), ("validation_images", .integer(validation)),
            ("seed", .integer(Int(truncatingIfNeeded: request.configuration.seed))),
            ("fine_tune_blocks", .integer(request.configuration.fineTuneBlocks)),
        ])
        try Data((card.text + "\n").utf8).write(to: request.output.appendingPathComponent(ModelCard.fileName), options: .atomic)
    }
}
