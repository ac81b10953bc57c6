import Foundation

/// One prediction as the seed pipeline recorded it, and as `csss predict --json` prints it: the image,
/// when, which model (path, SHA-256, input size), the top class with its confidence, every class's
/// probability in the model's output order, whether the confidence is below the threshold, and how long
/// the network took.
public struct PredictionRecord: Sendable, Equatable, Encodable {
    /// Which model spoke.
    public struct Model: Sendable, Equatable, Encodable {
        public var path: String
        public var sha256: String
        /// `[height, width]` of the network input.
        public var inputSize: [Int]

        enum CodingKeys: String, CodingKey {
            case path, sha256
            case inputSize = "input_size"
        }
    }

    /// What the model said.
    public struct Outcome: Sendable, Equatable, Encodable {
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

        enum CodingKeys: String, CodingKey {
            case className = "class", confidence, probabilities
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(className, forKey: .className)
            try container.encode(confidence, forKey: .confidence)
            // A keyed container keeps insertion order, so the object lists classes in output order
            // (a Dictionary would not).
            var byName = container.nestedContainer(keyedBy: ClassNameKey.self, forKey: .probabilities)
            for (name, probability) in probabilities {
                try byName.encode(probability, forKey: ClassNameKey(stringValue: name))
            }
        }
    }

    public var image: String
    public var timestamp: Date
    public var model: Model
    public var prediction: Outcome
    public var lowConfidence: Bool
    public var inferenceMilliseconds: Double

    enum CodingKeys: String, CodingKey {
        case image, timestamp, model, prediction
        case lowConfidence = "low_confidence"
        case inferenceMilliseconds = "inference_ms"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        try container.encode(timestamp.formatted(Self.timestampFormat), forKey: .timestamp)
        try container.encode(model, forKey: .model)
        try container.encode(prediction, forKey: .prediction)
        try container.encode(lowConfidence, forKey: .lowConfidence)
        try container.encode((inferenceMilliseconds * 1000).rounded() / 1000, forKey: .inferenceMilliseconds)
    }

    /// ISO 8601 in UTC with milliseconds, `2026-11-27T11:05:09.123Z`.
    private static let timestampFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    /// The record as one line of JSON, keys in the order above.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}

private struct ClassNameKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}
