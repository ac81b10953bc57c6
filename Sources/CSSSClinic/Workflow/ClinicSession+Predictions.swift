import CSSSEngine
import CSSSStore
import Foundation
import GRDB

extension ClinicSession {
    /// Runs the model on a stored scan, explains the result with Grad-CAM, and keeps both: the
    /// prediction in the database (with the model's name and SHA-256), the overlay encrypted in the
    /// vault. The scan is decrypted into memory only.
    ///
    /// - Throws: ``AccessDenied`` unless the session may generate reports and open the record;
    ///   ``ReportError/scanNotFound(_:)``; the engine's errors.
    public func predict(scanID: Int64, using classifier: ScanClassifier, now: Date = Date()) throws -> StoredPrediction {
        let intake = ScanIntake(store: clinic.store)
        let (patientID, bytes) = try perform(.scanView, subject: "scan:\(scanID)") { db -> (Int64, Data) in
            try clinic.policy.require(.generateReports, for: identity)
            guard let patientID = try Int64.fetchOne(db, sql: "SELECT patient_id FROM scan WHERE id = ?", arguments: [scanID]) else {
                throw ReportError.scanNotFound(scanID)
            }
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            try note(.scanView, patientID: patientID, subject: "scan:\(scanID)", detail: "read for prediction",
                     breakGlass: breakGlass, in: db)
            return (patientID, try intake.originalBytes(ofScan: scanID, in: db))
        }
        let image = try ImageDecoder.decode(bytes, name: "scan \(scanID)")
        let result = try classifier.predictAndExplain(image, source: "scan:\(scanID)", at: now,
                                                      explanation: classifier.explainer == nil ? nil : ExplanationRequest())
        let heatmapBlob = try result.overlay.map { try clinic.store.vault.store($0.pngData()) }
        let record = result.record
        let probabilities = JSONValue.array(record.prediction.probabilities.map { .array([.string($0.name), .number($0.probability)]) })
        let regions = record.explainability.map { JSONValue.array($0.attentionRegions.map(JSONValue.string)).text }
        return try perform(.predictionCreate, patientID: patientID, subject: "scan:\(scanID)") { db in
            try db.execute(sql: """
                INSERT INTO prediction (scan_id, model_name, model_sha256, label, confidence, probabilities_json, heatmap_blob_id,
                                        created_at, created_by, low_confidence, threshold, explained_layer, attention_regions_json,
                                        demo_model)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [scanID, URL(fileURLWithPath: record.model.path).lastPathComponent, record.model.sha256,
                                 record.prediction.className, record.prediction.confidence, probabilities.text,
                                 heatmapBlob?.rawValue, now, identity.userID, record.lowConfidence,
                                 classifier.confidenceThreshold, record.explainability?.layer, regions, classifier.isDemoModel])
            let id = db.lastInsertedRowID
            try note(.predictionCreate, patientID: patientID, subject: "prediction:\(id)",
                     detail: "scan \(scanID): \(record.prediction.className)", in: db)
            return try StoredPrediction(row: Row.fetchOne(db, sql: "SELECT * FROM prediction WHERE id = ?", arguments: [id])!)
        }
    }

    /// The predictions made for a scan, newest first.
    public func predictions(ofScan scanID: Int64) throws -> [StoredPrediction] {
        try perform(.scanView, subject: "scan:\(scanID)") { db in
            guard let patientID = try Int64.fetchOne(db, sql: "SELECT patient_id FROM scan WHERE id = ?", arguments: [scanID]) else {
                throw ReportError.scanNotFound(scanID)
            }
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            try note(.scanView, patientID: patientID, subject: "scan:\(scanID)", detail: "predictions listed",
                     breakGlass: breakGlass, in: db)
            return try Row.fetchAll(db, sql: "SELECT * FROM prediction WHERE scan_id = ? ORDER BY id DESC", arguments: [scanID])
                .map(StoredPrediction.init(row:))
        }
    }
}
