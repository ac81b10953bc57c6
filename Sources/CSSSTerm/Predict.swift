import ArgumentParser
import CSSSClinic
import Foundation

/// `csss predict`: classifies scans and prints the prediction records.
struct Predict: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Classify scans with a Keras model.",
        discussion: """
            Prints one prediction per image: a table, or with --json one JSON object per line. \
            MODEL_PATH, LABELS_PATH and CONFIDENCE_THRESHOLD (default 0.75) come from the environment \
            or ./.env. An image that cannot be read is reported on stderr and the others still run; the \
            exit status is then 1.

            Example:
              csss predict --model lung_classifier.h5 --json scan1.png scan2.jpeg
            """
    )

    @Option(help: ArgumentHelp("Keras model file (.h5 or .keras). Default: MODEL_PATH.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("Class labels JSON. Default: LABELS_PATH, then class_labels.json or labels.json beside the model.", valueName: "path"))
    var labels: String?

    @Option(help: "CPU cores the network may use.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print one JSON object per line.")
    var json = false

    @Option(help: ArgumentHelp("""
        Write the Grad-CAM overlay here: a .png file for one image, otherwise a folder that receives \
        <image>.gradcam.png for each.
        """, valueName: "path"))
    var heatmap: String?

    @Option(help: ArgumentHelp("Layer to explain with --heatmap. Default: the model's last feature map.", valueName: "name"))
    var layer: String?

    @Option(name: .customLong("class"), help: ArgumentHelp("Class to explain with --heatmap. Default: the predicted one.", valueName: "name"))
    var className: String?

    @Argument(help: ArgumentHelp("Scans to classify (PNG or JPEG).", valueName: "image"))
    var images: [String]

    func validate() throws {
        guard !images.isEmpty else { throw ValidationError("give at least one image") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        if heatmap == nil, layer != nil || className != nil {
            throw ValidationError("--layer and --class choose what --heatmap shows: give --heatmap too")
        }
    }

    func run() throws {
        let settings = try PredictionSettings(environment: ClinicEnvironment.current())
        let classifier = try ScanClassifier(model: model, labels: labels, settings: settings, threads: threads,
                                            explaining: heatmap != nil)
        let heatmaps = try heatmap.map { try HeatmapDestination(path: $0, imageCount: images.count) }
        let table = PredictionTable(threshold: classifier.confidenceThreshold)
        if !json { print(table.header) }

        var failures = 0
        for path in images {
            do {
                let request = heatmaps.map { ExplanationRequest(heatmapURL: $0.url(for: path), layer: layer, className: className) }
                let record = try classifier.predict(imageAt: URL(fileURLWithPath: path), explanation: request)
                print(json ? record.jsonLine() : table.row(for: record))
            } catch {
                failures += 1
                printError("\(error)")  // every decoding error names its file
            }
        }
        if !json { print(table.footer) }
        if failures > 0 {
            printError("\(failures) of \(images.count) images could not be classified")
            throw ExitCode(1)
        }
    }
}
