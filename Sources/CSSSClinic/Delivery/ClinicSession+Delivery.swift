import CSSSStore
import Foundation
import GRDB

/// Why a delivery could not be requested.
public enum DeliveryRequestError: Error, Equatable, CustomStringConvertible {
    case noChannel(patientID: Int64, channel: DeliveryChannel)
    case noChannelsChosen

    public var description: String {
        switch self {
        case .noChannel(let patientID, .email):
            "patient \(patientID) has no email address: add one ('csss patient add --email'), or send by WhatsApp only"
        case .noChannel(let patientID, .whatsapp):
            "patient \(patientID) has no phone number for WhatsApp: add one in E.164 (+CC…), or send by email only"
        case .noChannelsChosen:
            "choose a channel: --email, --whatsapp, or both"
        }
    }
}

extension ClinicSession {
    /// Puts a report's latest version in the outbox for each channel, in one transaction: the rows
    /// exist before anything is sent, so that no request is lost. ``Outbox/run(now:)`` sends them.
    ///
    /// - Throws: ``AccessDenied`` unless the session may generate reports and open the record;
    ///   ``DeliveryRequestError`` when the patient has no address for a channel (nothing is queued).
    public func requestDelivery(of reportID: Int64, channels: Set<DeliveryChannel>, now: Date = Date()) throws -> [DeliveryRecord] {
        guard !channels.isEmpty else { throw DeliveryRequestError.noChannelsChosen }
        return try perform(.deliveryRequest, subject: "report:\(reportID)") { db in
            try clinic.policy.require(.generateReports, for: identity)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT report.patient_id, report_version.id AS version_id FROM report
                JOIN report_version ON report_version.report_id = report.id
                WHERE report.id = ? ORDER BY report_version.version DESC LIMIT 1
                """, arguments: [reportID]) else { throw ReportError.reportNotFound(reportID) }
            let patientID: Int64 = row["patient_id"]
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            let patient = try Patient(row: Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [patientID])!,
                                      cipher: clinic.store.fields)
            var ids: [Int64] = []
            for channel in DeliveryChannel.allCases where channels.contains(channel) {
                let address = channel == .email ? patient.details.email : patient.details.phone
                guard let address else { throw DeliveryRequestError.noChannel(patientID: patientID, channel: channel) }
                // Checked again here (and before each send): an address saved by an older CSSS may not be.
                _ = channel == .email ? try ContactAddress.normalisedEmail(address) : try ContactAddress.normalisedPhone(address)
                try db.execute(sql: """
                    INSERT INTO delivery (report_version_id, channel, state, idempotency_key, attempts, next_attempt_at,
                                          created_at, updated_at, patient_id, requested_by, recipient_cipher)
                    VALUES (?, ?, 'pending', ?, 0, ?, ?, ?, ?, ?, ?)
                    """, arguments: [row["version_id"] as Int64, channel.rawValue, UUID().uuidString.lowercased(), now, now, now,
                                     patientID, identity.userID, clinic.store.fields.seal(address, field: "delivery.recipient")])
                ids.append(db.lastInsertedRowID)
                try note(.deliveryRequest, patientID: patientID, subject: "delivery:\(db.lastInsertedRowID)",
                         detail: "report \(reportID) by \(channel.rawValue)", breakGlass: breakGlass, in: db)
            }
            return try ids.map { id in
                try DeliveryRecord(row: Row.fetchOne(db, sql: DeliveryRecord.selection + " WHERE delivery.id = ?", arguments: [id])!)
            }
        }
    }

    /// The outbox, optionally in one state (doctors and administrators).
    public func deliveries(in state: DeliveryState? = nil) throws -> [DeliveryRecord] {
        try perform(.deliveryList) { db in
            try clinic.policy.require(.generateReports, for: identity)
            let rows = try Row.fetchAll(db, sql: DeliveryRecord.selection + " WHERE (? IS NULL OR delivery.state = ?) ORDER BY delivery.id",
                                        arguments: [state?.rawValue, state?.rawValue])
            try note(.deliveryList, detail: "\(rows.count) deliveries listed", in: db)
            return try rows.map(DeliveryRecord.init(row:))
        }
    }

    /// Deliveries that need a person: failed (still retrying) and dead ones, newest first — what the
    /// screens show as alerts to doctors and administrators.
    public func deliveryAlerts() throws -> [DeliveryRecord] {
        try perform(.deliveryList) { db in
            try clinic.policy.require(.generateReports, for: identity)
            let rows = try Row.fetchAll(db, sql: DeliveryRecord.selection
                                        + " WHERE delivery.state IN ('failed', 'dead') ORDER BY delivery.updated_at DESC")
            try note(.deliveryList, detail: "\(rows.count) delivery alerts listed", in: db)
            return try rows.map(DeliveryRecord.init(row:))
        }
    }
}
