import Foundation
import GRDB

/// How ``AuditTrail/export(from:to:format:)`` writes events.
public enum AuditExportFormat: String, Sendable, CaseIterable {
    /// RFC 4180 CSV with a header row and CRLF line ends.
    case csv
    /// A JSON array of objects whose keys come in the CSV header's order.
    case json
}

extension AuditTrail {
    /// The columns of an export, in order.
    public static let exportColumns = [
        "seq", "occurred_at", "actor_user_id", "actor_role", "session_id", "action", "outcome",
        "patient_id", "subject", "detail", "break_glass", "prev_hash", "hash",
    ]

    /// The events that occurred in `from..<to` (either end open when `nil`) as CSV or JSON text,
    /// with their hashes, so that a copy kept elsewhere can later be compared with the trail.
    public func export(from: Date? = nil, to: Date? = nil, format: AuditExportFormat) throws -> String {
        let events = try events(from: from, to: to)
        switch format {
        case .csv: return AuditExport.csv(events)
        case .json: return AuditExport.json(events).text
        }
    }
}

/// Renders events for export; the stored text of each column is written as it is.
enum AuditExport {
    /// One row's values, `nil` for SQL `NULL`.
    static func fields(_ event: AuditEvent) -> [JSONValue] {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func integer(_ value: Int64?) -> JSONValue { value.map { .integer(Int($0)) } ?? .null }
        return [
            .integer(Int(event.seq)), .string(event.occurredAtText), integer(event.actor.userID),
            text(event.actor.role), text(event.actor.sessionID), .string(event.action.rawValue),
            text(String.fromDatabaseValue(event.covered[6])), integer(event.patientID), text(event.subject), text(event.detail),
            .bool(event.breakGlass), .string(event.prevHash), .string(event.hash),
        ]
    }

    static func json(_ events: [AuditEvent]) -> JSONValue {
        .array(events.map { event in
            .object(Array(zip(AuditTrail.exportColumns, fields(event))).map { (key: $0.0, value: $0.1) })
        })
    }

    static func csv(_ events: [AuditEvent]) -> String {
        var lines = [AuditTrail.exportColumns.joined(separator: ",")]
        for event in events {
            lines.append(fields(event).map(cell).joined(separator: ","))
        }
        return lines.map { $0 + "\r\n" }.joined()
    }

    private static func cell(_ value: JSONValue) -> String {
        switch value {
        case .null: return ""
        case .string(let string): return quoted(string)
        case .integer(let integer): return String(integer)
        case .bool(let bool): return bool ? "true" : "false"
        default: return quoted(value.text)
        }
    }

    /// RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else {
            return field
        }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
