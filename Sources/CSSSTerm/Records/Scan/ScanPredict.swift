import ArgumentParser
import CSSSClinic
import Foundation

/// `csss scan predict`.
struct ScanPredict: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Run the model on a stored scan, with Grad-CAM, and keep the result in the record.",
        discussion: """
            The prediction is a screening aid, not a diagnosis. It is stored with the model's name and \
            SHA-256; the Grad-CAM overlay goes into the encrypted vault. The scan is decrypted in memory only.

            Example:
              csss scan predict 7 --user dr.rao
              csss scan predict 7 --model lung_classifier.h5 --json --user dr.rao
            """
    )

    @Argument(help: ArgumentHelp("The scan's id.", valueName: "scan-id")) var scanID: Int64
    @Option(help: ArgumentHelp("Keras model file. Default: MODEL_PATH.", valueName: "path")) var model: String?
    @Option(help: ArgumentHelp("Class labels JSON. Default: LABELS_PATH, then beside the model.", valueName: "path")) var labels: String?
    @Flag(help: "Print the stored prediction as JSON.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let classifier = try await ClinicCommand.run {
            try ScanClassifier(model: model, labels: labels, settings: PredictionSettings(environment: ClinicEnvironment.current()),
                               threads: ProcessInfo.processInfo.activeProcessorCount, explaining: true)
        }
        let prediction = try await login.withSession { session in try session.predict(scanID: scanID, using: classifier) }
        if json {
            print(prediction.json.text)
            return
        }
        if prediction.demoModel { print(ModelCard.demoWarning) }
        print("Scan \(scanID): \(prediction.label) \(String(format: "%.1f", prediction.confidence * 100)) %"
              + (prediction.lowConfidence ? "  LOW CONFIDENCE: review with particular care" : ""))
        let width = prediction.probabilities.map(\.label.count).max() ?? 0
        for entry in prediction.probabilities {
            print("  " + entry.label.padding(toLength: width + 2, withPad: " ", startingAt: 0) + String(format: "%5.1f %%", entry.probability * 100))
        }
        if !prediction.attentionRegions.isEmpty { print("Attention regions: " + prediction.attentionRegions.joined(separator: ", ")) }
        print("Model \(prediction.modelName) (sha256 \(prediction.modelSHA256.prefix(16))…). "
              + "AI-assisted screening, not a diagnosis: a clinician reviews every finding.")
    }
}
