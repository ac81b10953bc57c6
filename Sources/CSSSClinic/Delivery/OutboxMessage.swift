import CSSSStore
import Foundation
import GRDB

/// The message one delivery sends, put together from the outbox row, its report version (the
/// sealed PDF, the password) and the patient, with the address checked again just before sending.
enum OutboxMessage {
    case email(EmailMessage)
    case whatsApp(WhatsAppMessage)

    /// `"Name" <address>`, or the bare address when the name would need encoding.
    static func displayAddress(name: String, address: String) -> String {
        let printable = name.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0 != "\"" && $0 != "\\" }
        return printable && !name.isEmpty ? "\"\(name)\" <\(address)>" : address
    }

    static func load(delivery id: Int64, hospital: String, sender: String, store: ClinicStore, in db: Database) throws -> OutboxMessage {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT delivery.channel, delivery.idempotency_key, delivery.recipient_cipher, delivery.patient_id,
                   report_version.report_id, report_version.version, report_version.blob_id, report_version.password_cipher
            FROM delivery JOIN report_version ON report_version.id = delivery.report_version_id WHERE delivery.id = ?
            """, arguments: [id]) else { throw DeliveryError.permanent("delivery \(id) is gone") }
        let fields = store.fields
        let patient = try Patient(row: Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [row["patient_id"] as Int64])!,
                                  cipher: fields)
        guard let recipientCipher = row["recipient_cipher"] as Data?,
              let recipient = try? fields.openText(recipientCipher, field: "delivery.recipient") else {
            throw DeliveryError.permanent("delivery \(id) has no recipient")
        }
        let notice = ReportNotice(hospital: hospital, patientName: patient.details.name, reportID: row["report_id"],
                                  version: row["version"], hasEmail: patient.details.email != nil,
                                  hasWhatsApp: patient.details.phone != nil)
        let key: String = row["idempotency_key"]
        switch DeliveryChannel(rawValue: row["channel"]) {
        case .email:
            guard let address = try? ContactAddress.normalisedEmail(recipient) else {
                throw DeliveryError.permanent("the patient's email address is not valid")
            }
            guard let blob = BlobID(rawValue: row["blob_id"]) else { throw DeliveryError.permanent("the report's file is missing") }
            let pdf: Data
            do { pdf = try store.vault.load(blob) } catch { throw DeliveryError.permanent("\(error)") }
            return .email(EmailMessage(from: displayAddress(name: hospital, address: sender), to: address, subject: notice.emailSubject, textBody: notice.emailText,
                                       htmlBody: notice.emailHTML,
                                       attachment: .init(filename: notice.attachmentName, contentType: "application/pdf", data: pdf),
                                       idempotencyKey: key))
        case .whatsapp:
            guard let number = try? ContactAddress.normalisedPhone(recipient) else {
                throw DeliveryError.permanent("the patient's phone number is not valid E.164")
            }
            guard let passwordCipher = row["password_cipher"] as Data?,
                  let password = try? fields.openText(passwordCipher, field: "report_version.password") else {
                throw DeliveryError.permanent("the report's password is not on record")
            }
            return .whatsApp(WhatsAppMessage(to: number, body: notice.whatsAppText(password: password), idempotencyKey: key))
        case nil:
            throw DeliveryError.permanent("delivery \(id) has an unknown channel")
        }
    }
}
