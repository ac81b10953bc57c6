import Foundation

/// The settings CSSS reads from its surroundings: the process environment first, then a `.env` file in
/// the working directory for whatever the environment leaves unset (python-dotenv's rule, so a deployment
/// can override a checked-in `.env` without editing it).
public struct ClinicEnvironment: Sendable {
    private let variables: [String: String]

    /// Combines explicit variables with those of a `.env` file, the variables winning.
    public init(variables: [String: String], dotEnv: DotEnvFile? = nil) {
        self.variables = (dotEnv?.values ?? [:]).merging(variables) { _, fromEnvironment in fromEnvironment }
    }

    /// The process environment plus `./.env` when that file exists.
    ///
    /// - Throws: ``ConfigurationError`` when `.env` exists but cannot be read or parsed.
    public static func current(directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)) throws -> ClinicEnvironment {
        let dotEnvURL = directory.appendingPathComponent(".env")
        let dotEnv = FileManager.default.fileExists(atPath: dotEnvURL.path) ? try DotEnvFile(contentsOf: dotEnvURL) : nil
        return ClinicEnvironment(variables: ProcessInfo.processInfo.environment, dotEnv: dotEnv)
    }

    /// The value of a setting, or `nil` when it is unset or empty.
    public subscript(key: String) -> String? {
        guard let value = variables[key], !value.isEmpty else { return nil }
        return value
    }
}

/// What `csss predict` and `csss bench` need to know: which model, which labels, and below which
/// confidence a result is flagged.
public struct PredictionSettings: Sendable, Equatable {
    /// The Keras model file (`MODEL_PATH`).
    public var modelPath: String?
    /// The class-label JSON file (`LABELS_PATH`); when unset, `class_labels.json` or `labels.json`
    /// beside the model is used.
    public var labelsPath: String?
    /// Below this top-class probability a prediction is marked low-confidence (`CONFIDENCE_THRESHOLD`,
    /// default 0.75).
    public var confidenceThreshold: Double

    /// The default confidence threshold.
    public static let defaultConfidenceThreshold = 0.75

    /// Reads `MODEL_PATH`, `LABELS_PATH` and `CONFIDENCE_THRESHOLD`.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(key:value:expected:)`` for a threshold outside 0…1.
    public init(environment: ClinicEnvironment) throws {
        modelPath = environment["MODEL_PATH"]
        labelsPath = environment["LABELS_PATH"]
        if let text = environment["CONFIDENCE_THRESHOLD"] {
            guard let value = Double(text), (0...1).contains(value) else {
                throw ConfigurationError.invalidValue(key: "CONFIDENCE_THRESHOLD", value: text, expected: "a number from 0 to 1")
            }
            confidenceThreshold = value
        } else {
            confidenceThreshold = Self.defaultConfidenceThreshold
        }
    }
}
