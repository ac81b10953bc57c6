import Foundation
import GRDB

/// A report version just made: the sealed, encrypted PDF and the password that opens it, shown
/// once to the doctor and handed to delivery.
public struct IssuedReport: Sendable {
    public let reportID: Int64
    public let version: Int
    public let amendsVersion: Int?
    /// The patient's password for the PDF.
    public let password: String
    public let sealCode: String
    /// The sealed, AES-256 encrypted PDF.
    public let pdf: Data
    /// The SHA-256 of ``pdf``.
    public let sha256: String

    /// The report as ordered JSON for `--json`.
    public var json: JSONValue {
        .object([("report_id", .integer(Int(reportID))), ("version", .integer(version)),
                 ("amends_version", amendsVersion.map { .integer($0) } ?? .null),
                 ("password", .string(password)), ("seal", .string(sealCode)), ("sha256", .string(sha256))])
    }
}

/// One report in a list: its latest version.
public struct ReportSummary: Sendable, Equatable {
    public let reportID: Int64
    public let patientID: Int64
    public let scanID: Int64
    public let latestVersion: Int
    public let sealCode: String?
    public let createdAt: Date
    public let updatedAt: Date

    init(row: Row) {
        reportID = row["id"]
        patientID = row["patient_id"]
        scanID = row["scan_id"]
        latestVersion = row["latest_version"]
        sealCode = row["seal_code"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    public var json: JSONValue {
        let format = ISO8601DateFormatter()
        return .object([("report_id", .integer(Int(reportID))), ("patient_id", .integer(Int(patientID))),
                        ("scan_id", .integer(Int(scanID))), ("version", .integer(latestVersion)),
                        ("seal", sealCode.map(JSONValue.string) ?? .null),
                        ("created_at", .string(format.string(from: createdAt))), ("updated_at", .string(format.string(from: updatedAt)))])
    }
}
