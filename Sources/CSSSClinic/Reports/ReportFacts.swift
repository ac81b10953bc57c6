import Foundation

/// What a sealed report asserts, in the few fields a verifier checks against its own records:
/// whose scan, which model, what it found, and who issued it when.
///
/// The seal signs ``canonicalBytes``, never the PDF's drawing, so that a report can be checked
/// without trusting a PDF reader.
public struct ReportFacts: Sendable, Equatable, Codable {
    public var reportID: Int64
    public var version: Int
    /// The version this one amends (`nil` for the first).
    public var amendsVersion: Int?
    public var patientID: Int64
    public var scanID: Int64
    /// Hex SHA-256 of the scan file as imported.
    public var scanSHA256: String
    public var modelName: String
    /// Hex SHA-256 of the model file.
    public var modelSHA256: String
    /// The top class.
    public var label: String
    /// The top class's probability, 0…1.
    public var confidence: Double
    /// ISO-8601 in UTC (`2025-03-14T09:26:53Z`).
    public var issuedAt: String
    /// The user id of the doctor who issued it.
    public var issuedBy: Int64
    public var doctorName: String
    /// The issuing hospital's name.
    public var hospital: String

    public init(reportID: Int64, version: Int, amendsVersion: Int?, patientID: Int64, scanID: Int64,
                scanSHA256: String, modelName: String, modelSHA256: String, label: String, confidence: Double,
                issuedAt: String, issuedBy: Int64, doctorName: String, hospital: String) {
        self.reportID = reportID
        self.version = version
        self.amendsVersion = amendsVersion
        self.patientID = patientID
        self.scanID = scanID
        self.scanSHA256 = scanSHA256
        self.modelName = modelName
        self.modelSHA256 = modelSHA256
        self.label = label
        self.confidence = confidence
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
        self.doctorName = doctorName
        self.hospital = hospital
    }

    /// The JSON names, which are also the keys of ``json``.
    enum CodingKeys: String, CodingKey {
        case reportID = "report_id", version, amendsVersion = "amends_version", patientID = "patient_id"
        case scanID = "scan_id", scanSHA256 = "scan_sha256", modelName = "model_name"
        case modelSHA256 = "model_sha256", label, confidence, issuedAt = "issued_at", issuedBy = "issued_by"
        case doctorName = "doctor_name", hospital
    }

    /// The facts as a JSON object with its keys in byte order and every key present (`null` for no
    /// amended version), so that the same facts always give the same bytes.
    public var json: JSONValue {
        let members: [(key: CodingKeys, value: JSONValue)] = [
            (.reportID, .integer(Int(reportID))),
            (.version, .integer(version)),
            (.amendsVersion, amendsVersion.map { .integer($0) } ?? .null),
            (.patientID, .integer(Int(patientID))),
            (.scanID, .integer(Int(scanID))),
            (.scanSHA256, .string(scanSHA256)),
            (.modelName, .string(modelName)),
            (.modelSHA256, .string(modelSHA256)),
            (.label, .string(label)),
            (.confidence, .number(confidence)),
            (.issuedAt, .string(issuedAt)),
            (.issuedBy, .integer(Int(issuedBy))),
            (.doctorName, .string(doctorName)),
            (.hospital, .string(hospital)),
        ]
        let sorted = members.map { (key: $0.key.rawValue, value: $0.value) }
            .sorted { Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
        return .object(sorted)
    }

    /// The bytes the seal signs: a label that names what they are (so a signature over them can never
    /// be passed off as a signature over anything else the hospital's key signs), a newline, then
    /// ``json`` in UTF-8.
    public var canonicalBytes: Data {
        Data(("CSSS report facts v1\n" + json.text).utf8)
    }
}
