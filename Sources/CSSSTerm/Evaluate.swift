import ArgumentParser
import CSSSClinic
import Foundation

/// `csss evaluate`: measures a model on a labelled test set.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure a model on a labelled dataset: metrics.json and plots.",
        discussion: """
            DATASET holds one folder per class, named as the model's labels (a `csss split` output's \
            test/ folder, for instance). Every image is classified; the command prints precision, recall, \
            F1, support and one-vs-rest ROC AUC per class, and the accuracy, and writes metrics.json and \
            confusion_matrix.png to OUTPUT (and training_curves.png when history.json is beside the \
            model). A folder class the model has no label for is an error (exit 1); an image that cannot \
            be read is reported and left out.

            Example:
              csss evaluate --model lung_classifier.h5 --dataset chest_xray_split/test --output evaluation
            """
    )

    @Option(help: ArgumentHelp("Keras model file (.h5 or .keras). Default: MODEL_PATH.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("Class labels JSON. Default: LABELS_PATH, then class_labels.json or labels.json beside the model.", valueName: "path"))
    var labels: String?

    @Option(help: ArgumentHelp("The labelled images: one folder per class.", valueName: "dir"))
    var dataset: String

    @Option(help: ArgumentHelp("Where metrics.json and the plots go.", valueName: "dir"))
    var output = "evaluation"

    @Option(help: "CPU cores the network may use.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let result: ModelEvaluationResult
        do {
            let settings = try PredictionSettings(environment: ClinicEnvironment.current())
            let classifier = try ScanClassifier(model: model, labels: labels, settings: settings, threads: threads)
            result = try ModelEvaluation(classifier: classifier, modelPath: classifier.modelPath)
                .run(dataset: URL(fileURLWithPath: dataset), output: URL(fileURLWithPath: output))
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        for skipped in result.skipped { printError("\(skipped.path): left out: \(skipped.reason)") }
        print(EvaluationTable(metrics: result.metrics).text, terminator: "")
        for file in result.writtenFiles { print("Wrote \(file.path)") }
    }
}

/// The per-class table `csss evaluate` prints: the classes that occur, then the averages and accuracy.
struct EvaluationTable {
    let metrics: ClassificationMetrics

    var text: String {
        let shown = metrics.perClass.filter { scores in
            scores.support > 0 || metrics.predictedLabels.contains { metrics.classNames[$0] == scores.name }
        }
        let width = max(12, shown.map(\.name.count).max() ?? 0)
        func row(_ name: String, _ cells: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + cells.map { String(repeating: " ", count: max(0, 10 - $0.count)) + $0 }.joined()
        }
        func figure(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "—" }
        var lines = [row("class", ["precision", "recall", "f1", "support", "roc_auc"])]
        for scores in shown {
            lines.append(row(scores.name, [figure(scores.precision), figure(scores.recall), figure(scores.f1),
                                           String(scores.support), figure(scores.rocAUC)]))
        }
        lines.append(row("macro avg", [figure(metrics.macro.precision), figure(metrics.macro.recall), figure(metrics.macro.f1),
                                       String(metrics.sampleCount), figure(metrics.macroROCAUC)]))
        lines.append(row("weighted avg", [figure(metrics.weighted.precision), figure(metrics.weighted.recall),
                                          figure(metrics.weighted.f1), String(metrics.sampleCount), ""]))
        lines.append("")
        lines.append("Accuracy: \(String(format: "%.4f", metrics.accuracy)) (\(metrics.sampleCount) images)")
        return lines.joined(separator: "\n") + "\n"
    }
}
