import Foundation

/// One prediction as the seed pipeline recorded it, and as `csss predict --json` prints it: the image,
/// when, which model (path, SHA-256, input size), the top class with its confidence, every class's
/// probability in the model's output order, whether the confidence is below the threshold, and how long
/// the network took.
public struct PredictionRecord: Sendable, Equatable {
    /// Which model spoke.
    public struct Model: Sendable, Equatable {
        public var path: String
        public var sha256: String
        /// `[height, width]` of the network input.
        public var inputSize: [Int]
    }

    /// What the model said.
    public struct Outcome: Sendable, Equatable {
        /// The top class.
        public var className: String
        /// The top class's probability.
        public var confidence: Double
        /// Every class with its probability, in the model's output order.
        public var probabilities: [(name: String, probability: Double)]

        public static func == (lhs: Outcome, rhs: Outcome) -> Bool {
            lhs.className == rhs.className && lhs.confidence == rhs.confidence
                && lhs.probabilities.map(\.name) == rhs.probabilities.map(\.name)
                && lhs.probabilities.map(\.probability) == rhs.probabilities.map(\.probability)
        }
    }

    public var image: String
    public var timestamp: Date
    public var model: Model
    public var prediction: Outcome
    public var lowConfidence: Bool
    public var inferenceMilliseconds: Double
    /// Grad-CAM for the prediction, when it was asked for.
    public var explainability: Explainability? = nil
    /// The model is a demo: the record carries ``ModelCard/demoWarning``.
    public var demoModel = false

    /// The record in the seed's layout, keys in the order above and classes in output order, then
    /// `explainability` when there is one.
    public var json: JSONValue {
        .object([
            ("image", .string(image)),
            ("timestamp", .string(timestamp.formatted(Self.timestampFormat))),
            ("model", .object([
                ("path", .string(model.path)),
                ("sha256", .string(model.sha256)),
                ("input_size", .array(model.inputSize.map(JSONValue.integer))),
            ])),
            ("prediction", .object([
                ("class", .string(prediction.className)),
                ("confidence", .number(prediction.confidence)),
                ("probabilities", .object(prediction.probabilities.map { ($0.name, .number($0.probability)) })),
            ])),
            ("low_confidence", .bool(lowConfidence)),
            ("inference_ms", .number((inferenceMilliseconds * 1000).rounded() / 1000)),
        ] + (explainability.map { [("explainability", $0.json)] } ?? [])
          + (demoModel ? [("warning", .string(ModelCard.demoWarning))] : []))
    }

    /// The record as one line of JSON.
    public func jsonLine() -> String { json.text }

    /// ISO 8601 in UTC with milliseconds, `2026-11-27T11:05:09.123Z`.
    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
}
