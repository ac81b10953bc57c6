import CSSSStore
import Foundation
import GRDB

/// Sends email: ``SMTPClient`` in production and in tests (against a real local server).
public protocol EmailSending: Sendable {
    /// The address emails come from.
    var sender: String { get }
    /// Sends `message`; returns the receiver's reference for it.
    func send(_ message: EmailMessage) throws(DeliveryError) -> String
}

/// Sends WhatsApp messages: ``TwilioClient``.
public protocol WhatsAppSending: Sendable {
    /// Sends `message`; returns the receiver's reference for it.
    func send(_ message: WhatsAppMessage) throws(DeliveryError) -> String
}

/// What one run of the outbox did.
public struct OutboxRunSummary: Sendable, Equatable {
    public var sent = 0
    public var retrying = 0
    public var dead = 0

    public var processed: Int { sent + retrying + dead }
}

/// Sends what is due in the outbox, one delivery at a time, so that a report is delivered exactly
/// once per request or visibly not delivered.
///
/// A delivery is claimed in a transaction (`sending`, one more attempt, a lease), sent outside any
/// transaction, and its outcome recorded in another; each step is audited. A sender that dies while
/// sending leaves the delivery in `sending` until its lease lapses; the next run then sends it
/// again with the same idempotency key, which the receiver sees (the email's `Message-ID`, Twilio's
/// `Idempotency-Key`) and uses to recognise the repeat.
public struct Outbox: Sendable {
    let clinic: Clinic
    let settings: DeliverySettings
    let hospital: String
    let email: EmailSending?
    let whatsApp: WhatsAppSending?

    /// An outbox for `clinic` that sends through the given clients; a channel without a client
    /// fails its deliveries as not configured (retried, so that configuring it later delivers them).
    public init(clinic: Clinic, settings: DeliverySettings, hospital: String, email: EmailSending?, whatsApp: WhatsAppSending?) {
        self.clinic = clinic
        self.settings = settings
        self.hospital = hospital
        self.email = email
        self.whatsApp = whatsApp
    }

    /// The outbox as the environment configures it: email when `SMTP_SERVER` and `EMAIL_SENDER`
    /// are set, WhatsApp when the Twilio settings are; a channel left unconfigured fails its
    /// deliveries with the setting it lacks, and they are retried.
    ///
    /// - Throws: ``ConfigurationError`` for a setting that is present but wrong.
    public static func configured(clinic: Clinic, environment: ClinicEnvironment) throws -> Outbox {
        let email: SMTPClient? = environment["SMTP_SERVER"] == nil ? nil : SMTPClient(settings: try SMTPSettings(environment: environment))
        let whatsApp: TwilioClient?
        if environment["TWILIO_ACCOUNT_SID"] == nil {
            whatsApp = nil
        } else {
            do {
                whatsApp = TwilioClient(settings: try TwilioSettings(environment: environment))
            } catch {
                throw ConfigurationError.invalidValue(key: "TWILIO_*", value: "(see below)", expected: "\(error)")
            }
        }
        return Outbox(clinic: clinic, settings: try DeliverySettings(environment: environment),
                      hospital: try ReportSettings(environment: environment).hospitalName, email: email, whatsApp: whatsApp)
    }

    /// Sends every delivery due at `now()` (pending, failed and due, or left `sending` by a sender
    /// whose lease has lapsed), until none is due.
    public func run(now: () -> Date = Date.init) throws -> OutboxRunSummary {
        var summary = OutboxRunSummary()
        while let claim = try claimNext(at: now()) {
            switch try deliver(claim, at: now()) {
            case .sent: summary.sent += 1
            case .failed: summary.retrying += 1
            case .dead: summary.dead += 1
            case .pending, .sending: break
            }
        }
        return summary
    }

    /// A delivery this run now holds.
    struct Claim {
        let id: Int64
        let attempt: Int
        let leaseUntil: Date
    }

    func claimNext(at now: Date) throws -> Claim? {
        try clinic.write { db in
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM delivery
                WHERE (state IN ('pending', 'failed') AND next_attempt_at <= ?) OR (state = 'sending' AND lease_until <= ?)
                ORDER BY next_attempt_at, id LIMIT 1
                """, arguments: [now, now]) else { return nil }
            let lease = now.addingTimeInterval(settings.lease)
            try db.execute(sql: """
                UPDATE delivery SET state = 'sending', attempts = attempts + 1, lease_until = ?, updated_at = ? WHERE id = ?
                """, arguments: [lease, now, id])
            let attempt = try Int.fetchOne(db, sql: "SELECT attempts FROM delivery WHERE id = ?", arguments: [id]) ?? 1
            return Claim(id: id, attempt: attempt, leaseUntil: lease)
        }
    }

    /// Sends one claimed delivery and records what happened.
    func deliver(_ claim: Claim, at now: Date) throws -> DeliveryState {
        let outcome: Result<String, DeliveryError>
        do {
            let message = try clinic.store.read { db in
                try OutboxMessage.load(delivery: claim.id, hospital: hospital, sender: email?.sender ?? "", store: clinic.store, in: db)
            }
            outcome = send(message)
        } catch let error as DeliveryError {
            outcome = .failure(error)
        }
        return try record(outcome, of: claim, at: now)
    }

    private func send(_ message: OutboxMessage) -> Result<String, DeliveryError> {
        do throws(DeliveryError) {
            switch message {
            case .email(let email):
                guard let client = self.email else { throw .notConfigured("email: set SMTP_SERVER and EMAIL_SENDER") }
                return .success(try client.send(email))
            case .whatsApp(let text):
                guard let client = whatsApp else {
                    throw .notConfigured("WhatsApp: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_NUMBER")
                }
                return .success(try client.send(text))
            }
        } catch {
            return .failure(error)
        }
    }

    private func record(_ outcome: Result<String, DeliveryError>, of claim: Claim, at now: Date) throws -> DeliveryState {
        try clinic.write { db in
            let state: DeliveryState
            var detail: String
            switch outcome {
            case .success(let reference):
                state = .sent
                detail = "attempt \(claim.attempt): sent"
                try db.execute(sql: """
                    UPDATE delivery SET state = 'sent', sent_at = ?, provider_reference = ?, last_error = NULL, lease_until = NULL,
                                        next_attempt_at = NULL, updated_at = ? WHERE id = ? AND lease_until = ?
                    """, arguments: [now, reference, now, claim.id, claim.leaseUntil])
            case .failure(let error):
                state = error.isRetryable && claim.attempt < settings.maximumAttempts ? .failed : .dead
                detail = "attempt \(claim.attempt): \(error)"
                let next = state == .failed ? now.addingTimeInterval(settings.delay(afterAttempt: claim.attempt)) : nil
                try db.execute(sql: """
                    UPDATE delivery SET state = ?, last_error = ?, next_attempt_at = ?, lease_until = NULL, updated_at = ?
                    WHERE id = ? AND lease_until = ?
                    """, arguments: [state.rawValue, error.description, next, now, claim.id, claim.leaseUntil])
                if state == .failed, let next { detail += "; next attempt \(ISO8601DateFormatter().string(from: next))" }
            }
            // Another run took the delivery over after this one's lease lapsed: its record stands.
            guard db.changesCount == 1 else { return .sending }
            let patientID = try Int64.fetchOne(db, sql: "SELECT patient_id FROM delivery WHERE id = ?", arguments: [claim.id])
            let action: AuditAction = switch state {
            case .sent: .deliverySent
            case .dead: .deliveryDead
            default: .deliveryFailed
            }
            _ = try clinic.audit.append(AuditEntry(action: action, outcome: state == .sent ? .success : .failure, actor: .system,
                                                   patientID: patientID, subject: "delivery:\(claim.id)", detail: detail), in: db)
            return state
        }
    }
}

extension SMTPClient: EmailSending {
    public var sender: String { settings.sender }
}

extension TwilioClient: WhatsAppSending {}
