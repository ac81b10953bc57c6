import CSSSEngine
import Crypto
import Foundation

/// Classifies scans with one Keras model and writes the results as ``PredictionRecord``s.
///
/// The model is loaded, compiled and hashed once; ``predict(imageAt:)`` then decodes, preprocesses and runs
/// one image at a time. The SHA-256 of the model file goes into every record, so a result can always be
/// traced to the exact weights that produced it.
public final class ScanClassifier: Sendable {
    /// The classifier the engine runs.
    public let classifier: ImageClassifier
    /// The model file as given.
    public let modelPath: String
    /// The hex SHA-256 of the model file.
    public let modelSHA256: String
    /// Below this confidence a prediction is flagged.
    public let confidenceThreshold: Double
    /// Grad-CAM for the predictions, when explanations were asked for.
    public let explainer: ScanExplainer?
    /// The model is a demo (its `model_card.json` says so): every prediction it makes says
    /// ``ModelCard/demoWarning``.
    public let isDemoModel: Bool

    /// Loads the model and labels named by the arguments, falling back to the settings.
    ///
    /// - Parameters:
    ///   - model: a Keras `.h5` or `.keras` file; `nil` uses ``PredictionSettings/modelPath``.
    ///   - labels: a labels JSON file; `nil` uses ``PredictionSettings/labelsPath``, then
    ///     `class_labels.json` or `labels.json` beside the model.
    ///   - threads: how many cores the network may use.
    /// - Throws: ``ConfigurationError`` when no model or labels can be found, the engine's errors when
    ///   they cannot be read.
    ///   - explaining: whether ``predict(imageAt:at:explanation:)`` will be asked for Grad-CAM, which
    ///     compiles the network a second time for it.
    public init(model: String?, labels: String?, settings: PredictionSettings, threads: Int, explaining: Bool = false) throws {
        guard let modelPath = model ?? settings.modelPath else {
            throw ConfigurationError.missing(key: "MODEL_PATH", hint: "pass --model FILE or set MODEL_PATH (also read from ./.env)")
        }
        let modelURL = URL(fileURLWithPath: modelPath)
        // The model first: a wrong model file is the error worth reporting, not the labels it would need.
        let graph = try ModelGraph(contentsOf: modelURL)
        let labelsURL = try Self.labelsURL(explicit: labels ?? settings.labelsPath, besides: modelURL)
        let classLabels = try ClassLabels(contentsOf: labelsURL)
        self.classifier = try ImageClassifier(graph: graph, labels: classLabels, labelsSource: labelsURL.path, threads: threads)
        self.explainer = explaining ? try ScanExplainer(graph: graph, labels: classLabels, threads: threads) : nil
        self.modelPath = modelPath
        self.modelSHA256 = try Self.sha256(of: modelURL)
        self.confidenceThreshold = settings.confidenceThreshold
        self.isDemoModel = ModelCard.isDemo(model: modelURL)
    }

    /// Decodes, preprocesses and classifies one scan, and explains the result when asked.
    ///
    /// - Parameter explanation: Grad-CAM to compute and where its overlay goes; it needs a classifier made
    ///   with `explaining: true`.
    /// - Throws: the engine's decoding error naming the file when it is not a readable image, and the
    ///   errors of ``ScanExplainer/explain(_:input:predictedClass:request:)``.
    public func predict(imageAt url: URL, at date: Date = Date(), explanation: ExplanationRequest? = nil) throws -> PredictionRecord {
        try predictAndExplain(imageAt: url, at: date, explanation: explanation).record
    }

    /// ``predict(imageAt:at:explanation:)``, also returning the scan and, when explained, the overlay,
    /// for a caller that shows them.
    public func predictAndExplain(imageAt url: URL, at date: Date = Date(), explanation: ExplanationRequest?) throws
        -> (record: PredictionRecord, scan: Image, overlay: Image?) {
        try predictAndExplain(try Image(contentsOf: url), source: url.path, at: date, explanation: explanation)
    }

    /// ``predictAndExplain(imageAt:at:explanation:)`` for a scan already decoded (from the vault, which
    /// never writes a scan to disk in clear); `source` names it in the record.
    public func predictAndExplain(_ image: Image, source: String, at date: Date = Date(), explanation: ExplanationRequest?) throws
        -> (record: PredictionRecord, scan: Image, overlay: Image?) {
        let classification = try classifier.classify(image)
        let names = classifier.labels.names
        let top = classification.topIndex
        let confidence = Double(classification.probabilities[top])
        let explained = try explanation.map { request in
            guard let explainer else { throw ExplanationError.notPrepared }
            return try explainer.explain(image, input: classifier.preprocessor.tensor(for: image),
                                         predictedClass: top, request: request)
        }
        let record = PredictionRecord(
            image: source,
            timestamp: date,
            model: .init(path: modelPath, sha256: modelSHA256,
                         inputSize: [classifier.inputSize.height, classifier.inputSize.width]),
            prediction: .init(className: names[top], confidence: confidence,
                              probabilities: zip(names, classification.probabilities).map { ($0, Double($1)) }),
            lowConfidence: confidence < confidenceThreshold,
            inferenceMilliseconds: classification.inferenceMilliseconds,
            explainability: explained?.explainability,
            demoModel: isDemoModel
        )
        return (record, image, explained?.overlay)
    }

    private static func labelsURL(explicit: String?, besides model: URL) throws -> URL {
        if let explicit { return URL(fileURLWithPath: explicit) }
        let folder = model.deletingLastPathComponent()
        for name in ["class_labels.json", "labels.json"] {
            let candidate = folder.appendingPathComponent(name)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        throw ConfigurationError.missing(
            key: "LABELS_PATH",
            hint: "pass --labels FILE, set LABELS_PATH, or put class_labels.json beside \(model.path)")
    }

    private static func sha256(of url: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw ConfigurationError.unreadableFile(url.path, reason: "cannot open the model file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
