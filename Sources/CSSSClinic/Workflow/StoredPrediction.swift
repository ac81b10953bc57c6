import CSSSStore
import Foundation
import GRDB

/// A prediction kept in the record: what the model said about a scan, with the model's name and
/// SHA-256 so that a report can say exactly which model spoke, and the Grad-CAM overlay in the vault.
public struct StoredPrediction: Sendable, Equatable {
    public let id: Int64
    public let scanID: Int64
    public let modelName: String
    public let modelSHA256: String
    public let label: String
    public let confidence: Double
    /// Every class's probability, in the model's output order.
    public let probabilities: [ReportContent.ClassProbability]
    public let lowConfidence: Bool
    public let threshold: Double
    /// The Grad-CAM overlay (PNG) in the vault.
    public let heatmapBlobID: BlobID?
    /// The layer Grad-CAM explained.
    public let explainedLayer: String?
    public let attentionRegions: [String]
    /// Made by a demo model: shown everywhere with ``ModelCard/demoWarning``.
    public let demoModel: Bool
    public let createdAt: Date
    public let createdBy: Int64

    init(row: Row) throws {
        id = row["id"]
        scanID = row["scan_id"]
        modelName = row["model_name"]
        modelSHA256 = row["model_sha256"]
        label = row["label"]
        confidence = row["confidence"]
        let pairs = try JSONSerialization.jsonObject(with: Data((row["probabilities_json"] as String).utf8)) as? [[Any]] ?? []
        probabilities = pairs.compactMap { pair in
            guard pair.count == 2, let label = pair[0] as? String, let value = pair[1] as? Double else { return nil }
            return ReportContent.ClassProbability(label: label, probability: value)
        }
        lowConfidence = row["low_confidence"]
        threshold = row["threshold"] ?? PredictionSettings.defaultConfidenceThreshold
        heatmapBlobID = (row["heatmap_blob_id"] as String?).flatMap(BlobID.init(rawValue:))
        explainedLayer = row["explained_layer"]
        let regions = (row["attention_regions_json"] as String?).map { Data($0.utf8) }
        attentionRegions = try regions.map { try JSONSerialization.jsonObject(with: $0) as? [String] ?? [] } ?? []
        demoModel = row["demo_model"] ?? false
        createdAt = row["created_at"]
        createdBy = row["created_by"]
    }

    /// The prediction as ordered JSON for `--json`.
    public var json: JSONValue {
        .object([
            ("id", .integer(Int(id))), ("scan_id", .integer(Int(scanID))),
            ("model", .object([("name", .string(modelName)), ("sha256", .string(modelSHA256))])),
            ("prediction", .object([
                ("class", .string(label)), ("confidence", .number(confidence)),
                ("probabilities", .object(probabilities.map { ($0.label, .number($0.probability)) })),
            ])),
            ("low_confidence", .bool(lowConfidence)),
            ("attention_regions", .array(attentionRegions.map(JSONValue.string))),
            ("explained_layer", explainedLayer.map(JSONValue.string) ?? .null),
            ("created_at", .string(ISO8601DateFormatter().string(from: createdAt))),
        ] + (demoModel ? [("warning", .string(ModelCard.demoWarning))] : []))
    }
}
