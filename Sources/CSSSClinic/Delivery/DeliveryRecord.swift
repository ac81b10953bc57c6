import Foundation
import GRDB

/// A way a report reaches its patient.
public enum DeliveryChannel: String, Sendable, CaseIterable, Codable {
    /// The encrypted PDF, attached to an email.
    case email
    /// A WhatsApp message (through Twilio) that the report is ready, with its password: the second
    /// channel of the two-channel handover.
    case whatsapp
}

/// Where a delivery stands: `pending` → `sending` → `sent`, or `failed` (to be retried) → … → `dead`.
public enum DeliveryState: String, Sendable, CaseIterable, Codable {
    case pending
    case sending
    case sent
    /// The last attempt failed for a reason worth retrying; ``DeliveryRecord/nextAttemptAt`` says when.
    case failed
    /// Given up: a permanent refusal, or the last allowed attempt failed. Shown as an alert.
    case dead
}

/// One row of the outbox: one report version to one patient over one channel.
public struct DeliveryRecord: Sendable, Equatable {
    public let id: Int64
    public let reportID: Int64
    public let reportVersion: Int
    public let patientID: Int64
    public let channel: DeliveryChannel
    public let state: DeliveryState
    public let attempts: Int
    public let lastError: String?
    public let nextAttemptAt: Date?
    /// The key the receiver sees (email `Message-ID`, Twilio `Idempotency-Key`), the same on every attempt.
    public let idempotencyKey: String
    public let providerReference: String?
    public let createdAt: Date
    public let updatedAt: Date
    public let sentAt: Date?

    init(row: Row) throws {
        id = row["id"]
        reportID = row["report_id"]
        reportVersion = row["version"]
        patientID = row["patient_id"]
        guard let channel = DeliveryChannel(rawValue: row["channel"]), let state = DeliveryState(rawValue: row["state"]) else {
            throw DeliveryError.permanent("delivery \(row["id"] as Int64) has an unknown channel or state")
        }
        self.channel = channel
        self.state = state
        attempts = row["attempts"]
        lastError = row["last_error"]
        nextAttemptAt = row["next_attempt_at"]
        idempotencyKey = row["idempotency_key"]
        providerReference = row["provider_reference"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
        sentAt = row["sent_at"]
    }

    /// The columns ``init(row:)`` reads: the delivery with its report version.
    static let selection = """
        SELECT delivery.*, report_version.report_id, report_version.version FROM delivery
        JOIN report_version ON report_version.id = delivery.report_version_id
        """

    /// The record as ordered JSON for `--json`.
    public var json: JSONValue {
        let format = ISO8601DateFormatter()
        func date(_ value: Date?) -> JSONValue { value.map { .string(format.string(from: $0)) } ?? .null }
        return .object([
            ("id", .integer(Int(id))), ("report_id", .integer(Int(reportID))), ("version", .integer(reportVersion)),
            ("patient_id", .integer(Int(patientID))), ("channel", .string(channel.rawValue)), ("state", .string(state.rawValue)),
            ("attempts", .integer(attempts)), ("last_error", lastError.map(JSONValue.string) ?? .null),
            ("next_attempt_at", date(nextAttemptAt)), ("idempotency_key", .string(idempotencyKey)),
            ("provider_reference", providerReference.map(JSONValue.string) ?? .null),
            ("created_at", date(createdAt)), ("sent_at", date(sentAt)),
        ])
    }
}
