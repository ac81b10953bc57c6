import Crypto
import CSSSEngine
import CSSSStore
import Foundation
import GRDB

/// Gathers, inside the report's transaction, everything one report version shows and seals: the
/// patient, the scan and its latest prediction, the overlay, the doctor.
struct ReportDrafter {
    let store: ClinicStore
    let settings: ReportSettings

    struct Draft {
        var content: ReportContent
        var facts: ReportFacts
        var patientID: Int64
        var predictionID: Int64
    }

    func draft(reportID: Int64, version: Int, amendsVersion: Int?, scanID: Int64, remarks: String,
               author: SessionIdentity, at now: Date, in db: Database) throws -> Draft {
        let intake = ScanIntake(store: store)
        guard let scan = try intake.scan(scanID, in: db) else { throw ReportError.scanNotFound(scanID) }
        let patientID = scan.patientID
        guard let predictionRow = try Row.fetchOne(db, sql: "SELECT * FROM prediction WHERE scan_id = ? ORDER BY id DESC LIMIT 1",
                                                   arguments: [scanID]) else {
            throw ReportError.noPrediction(scan: scanID)
        }
        let prediction = try StoredPrediction(row: predictionRow)
        let patient = try Patient(row: Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [patientID])!,
                                  cipher: store.fields)
        let author = try AccountRow.fetch(id: author.userID, in: db, fields: store.fields)
        let doctorName = author?.displayName ?? author?.username ?? "unknown"

        let scanImage = try ImageDecoder.decode(try intake.originalBytes(ofScan: scanID, in: db), name: "scan \(scanID)")
        let overlay = try prediction.heatmapBlobID.map { try ImageDecoder.decode(store.vault.load($0), name: "heatmap of scan \(scanID)") }
        let issuedAt = Self.timestamp(now)
        let facts = ReportFacts(reportID: reportID, version: version, amendsVersion: amendsVersion, patientID: patientID,
                                scanID: scanID, scanSHA256: scan.sha256, modelName: prediction.modelName,
                                modelSHA256: prediction.modelSHA256, label: prediction.label, confidence: prediction.confidence,
                                issuedAt: issuedAt, issuedBy: author?.id ?? 0, doctorName: doctorName,
                                hospital: settings.hospitalName)
        let content = ReportContent(
            hospital: .init(name: settings.hospitalName, logoPNG: try logo()),
            reportID: reportID, version: version, amendsVersion: amendsVersion, createdAt: now,
            patient: .init(name: patient.details.name, identifier: patient.details.mrn,
                           age: patient.details.birthDate.flatMap { Self.age(born: $0, at: now) }, sex: patient.details.sex),
            scan: .init(scanID: scanID, modality: scan.modality, bodyPart: scan.bodyPart, date: scan.importedAt, format: scan.format),
            finding: .init(label: prediction.label, confidence: prediction.confidence, probabilities: prediction.probabilities,
                           lowConfidence: prediction.lowConfidence, threshold: prediction.threshold,
                           modelName: prediction.modelName, modelSHA256: prediction.modelSHA256,
                           demoModel: prediction.demoModel),
            scanImage: scanImage.converted(to: .rgb), overlay: (overlay ?? scanImage).converted(to: .rgb),
            attentionRegions: prediction.attentionRegions.map { $0.replacingOccurrences(of: "_", with: " ") }, remarks: remarks, doctorName: doctorName, sealCode: "")
        return Draft(content: content, facts: facts, patientID: patientID, predictionID: prediction.id)
    }

    private func logo() throws -> Data? {
        guard let path = settings.logoPath else { return nil }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ReportError.logoUnreadable(path, reason: error.localizedDescription)
        }
    }

    /// Whole years from a `YYYY-MM-DD` birth date to `date`.
    static func age(born: String, at date: Date) -> Int? {
        let parts = born.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let birth = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return nil }
        return calendar.dateComponents([.year], from: birth, to: date).year
    }

    static func timestamp(_ date: Date) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        return format.string(from: date)
    }
}
