import CSSSEngine
import Foundation

/// Why an evaluation could not run.
public enum ModelEvaluationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Folder classes that are not among the model's labels.
    case unknownClasses([String], dataset: String, labels: [String])
    /// No image in the dataset could be classified.
    case noImages(dataset: String)
    /// The output folder or a file in it could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .unknownClasses(let classes, let dataset, let labels):
            "\(dataset): the model has no label \(classes.map { "'\($0)'" }.joined(separator: ", ")) "
                + "(its labels: \(labels.joined(separator: ", ")))"
        case .noImages(let dataset): "\(dataset): no image could be classified"
        case .cannotWrite(let path, let reason): "\(path): cannot be written: \(reason)"
        }
    }
}

/// The result of running a model on a labelled dataset.
public struct ModelEvaluationResult: Sendable {
    /// The figures over every image that was classified.
    public let metrics: ClassificationMetrics
    /// Images that could not be classified, with the error, by path below the dataset.
    public let skipped: [(path: String, reason: String)]
    /// The files written: `metrics.json`, `confusion_matrix.png`, and `training_curves.png` when a
    /// `history.json` was beside the model.
    public let writtenFiles: [URL]
}

/// Runs a ``ScanClassifier`` on every image of a class-folder dataset (a split's `test/`, or any folder of
/// class folders) and writes the metrics and plots.
///
/// Folder names are matched to the model's labels exactly; a folder the model has no label for is an
/// error before any image is run. The confusion matrix PNG shows only the classes that occur as a true or
/// a predicted label, so a many-label model evaluated on a few classes stays readable; `metrics.json`
/// keeps every label.
///
/// ```swift
/// let result = try ModelEvaluation(classifier: classifier, modelPath: "model.h5")
///     .run(dataset: URL(fileURLWithPath: "split/test"), output: URL(fileURLWithPath: "evaluation"))
/// print(result.metrics.accuracy)
/// ```
public struct ModelEvaluation: Sendable {
    public let classifier: ScanClassifier
    /// Where `history.json` is looked for: beside this model file.
    public let modelPath: String

    public init(classifier: ScanClassifier, modelPath: String) {
        self.classifier = classifier
        self.modelPath = modelPath
    }

    /// Classifies every image, then writes `metrics.json`, `confusion_matrix.png` and (with a history)
    /// `training_curves.png` into `output`, creating it if needed.
    ///
    /// - Parameter progress: called after each image with its path below the dataset.
    public func run(dataset: URL, output: URL, progress: (String) -> Void = { _ in }) throws -> ModelEvaluationResult {
        let listing = try ClassFolderDataset(root: dataset)
        let labels = classifier.classifier.labels.names
        let unknown = listing.classes.filter { !labels.contains($0) }
        guard unknown.isEmpty else { throw ModelEvaluationError.unknownClasses(unknown, dataset: dataset.path, labels: labels) }

        var trueLabels: [Int] = [], probabilities: [[Double]] = []
        var skipped: [(path: String, reason: String)] = listing.strays.map { ($0, "not inside a class folder") }
        for example in listing.examples {
            do {
                let record = try classifier.predict(imageAt: example.url)
                let byName = Dictionary(record.prediction.probabilities.map { ($0.name, $0.probability) }, uniquingKeysWith: { a, _ in a })
                probabilities.append(labels.map { byName[$0] ?? 0 })
                trueLabels.append(labels.firstIndex(of: example.className)!)
            } catch {
                skipped.append((example.relativePath, "\(error)"))
            }
            progress(example.relativePath)
        }
        guard !trueLabels.isEmpty else { throw ModelEvaluationError.noImages(dataset: dataset.path) }
        let metrics = try ClassificationMetrics(trueLabels: trueLabels, probabilities: probabilities, classNames: labels)

        do { try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true) } catch {
            throw ModelEvaluationError.cannotWrite(path: output.path, reason: error.localizedDescription)
        }
        var written: [URL] = []
        let metricsURL = output.appendingPathComponent("metrics.json")
        do { try Data((metrics.json.text + "\n").utf8).write(to: metricsURL, options: .atomic) } catch {
            throw ModelEvaluationError.cannotWrite(path: metricsURL.path, reason: error.localizedDescription)
        }
        written.append(metricsURL)

        let shown = (0..<labels.count).filter { c in metrics.perClass[c].support > 0 || metrics.predictedLabels.contains(c) }
        let matrix = shown.map { row in shown.map { metrics.confusionMatrix[row][$0] } }
        let matrixURL = output.appendingPathComponent("confusion_matrix.png")
        try MetricPlots.write(try MetricPlots.confusionMatrixPNG(matrix, classNames: shown.map { labels[$0] }), to: matrixURL)
        written.append(matrixURL)

        let historyURL = URL(fileURLWithPath: modelPath).deletingLastPathComponent().appendingPathComponent("history.json")
        if FileManager.default.fileExists(atPath: historyURL.path) {
            let curvesURL = output.appendingPathComponent("training_curves.png")
            try MetricPlots.write(try MetricPlots.trainingCurvesPNG(try TrainingHistory(contentsOf: historyURL)), to: curvesURL)
            written.append(curvesURL)
        }
        return ModelEvaluationResult(metrics: metrics, skipped: skipped, writtenFiles: written)
    }
}
