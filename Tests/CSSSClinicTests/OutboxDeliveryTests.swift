import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSClinic

/// The outbox against real peers on 127.0.0.1: an SMTP server (aiosmtpd, STARTTLS and AUTH) and an
/// HTTP server that answers like Twilio's Messages API.
@Suite("Outbox: delivery to real local servers", .enabled(if: LocalSMTPServer.available, LocalSMTPServer.missingReason))
struct OutboxDeliveryTests {
    struct Peers {
        let certificate: TestCertificate
        let smtp: LocalSMTPServer
        let twilio: FakeTwilioServer

        init(smtpFailFirst: Int = 0, smtpFailCode: Int = 451) throws {
            certificate = try TestCertificate()
            smtp = try LocalSMTPServer(certificate: certificate, credentials: "reports@clinic.example:mail-secret-1",
                                       failFirst: smtpFailFirst, failCode: smtpFailCode)
            twilio = try FakeTwilioServer()
        }

        func outbox(for clinic: Clinic, settings: DeliverySettings = DeliverySettings(backoff: 1, lease: 30),
                    twilioTimeout: Double = 5) throws -> Outbox {
            let smtp = try SMTPSettings(host: "localhost", port: self.smtp.port, sender: "reports@clinic.example",
                                        password: "mail-secret-1", security: .startTLS, caFile: certificate.certificate.path)
            let whatsApp = try TwilioSettings(accountSID: twilio.accountSID, authToken: twilio.authToken,
                                              whatsAppNumber: "+14155238886", apiBase: twilio.baseURL, timeoutSeconds: twilioTimeout)
            return Outbox(clinic: clinic, settings: settings, hospital: "St. Example General",
                          email: SMTPClient(settings: smtp), whatsApp: TwilioClient(settings: whatsApp))
        }
    }

    @Test("email carries the encrypted PDF and no password; WhatsApp carries the password; both sent once")
    func bothChannels() async throws {
        let peers = try Peers()
        let (setting, report) = try await OutboxTests.setting()
        let queued = try setting.doctor.requestDelivery(of: report.reportID, channels: [.email, .whatsapp])
        let summary = try peers.outbox(for: setting.test.clinic).run()
        #expect(summary.sent == 2)

        let mail = try #require(peers.smtp.messages().first)
        let parsed = try ParsedEmail(mail)
        #expect(parsed.attachments.first?.data == report.pdf)
        #expect(parsed.attachments.first?.filename == "report-R-000001-v1.pdf")
        #expect(parsed.messageID == "<\(queued.first { $0.channel == .email }!.idempotencyKey)@csss>")
        #expect(parsed.text?.contains("Zebulon Quixote-Marchetti") == true)
        #expect(!String(decoding: mail, as: UTF8.self).contains(report.password))
        // The attached file is the sealed, encrypted report itself.
        #expect(try setting.doctor.verifyReport(parsed.attachments.first!.data!, password: report.password).isValid)

        let requests = try peers.twilio.requests()
        #expect(requests.count == 1)
        let fields = try #require(requests.first?["fields"] as? [String: String])
        #expect(fields["To"] == "whatsapp:+447700900123")
        #expect(fields["From"] == "whatsapp:+14155238886")
        #expect(fields["Body"]?.contains(report.password) == true)
        let whatsAppKey = queued.first { $0.channel == .whatsapp }!.idempotencyKey
        #expect(try peers.twilio.deliveredCount(key: whatsAppKey) == 1)
        #expect(try setting.doctor.deliveries().allSatisfy { $0.state == .sent && $0.providerReference != nil })
        // Nothing left to do: a second run sends nothing again.
        #expect(try peers.outbox(for: setting.test.clinic).run().processed == 0)
    }

    @Test("Twilio's temporary errors are retried until sent; a refused number is dead with Twilio's message kept")
    func retriesAndDeadLetters() async throws {
        let peers = try Peers()
        let (setting, report) = try await OutboxTests.setting()
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.whatsapp])
        try peers.twilio.control(["fail": 2, "status": 503, "code": 20500, "message": "Service temporarily unavailable"])
        let outbox = try peers.outbox(for: setting.test.clinic)
        var clock = Date()
        #expect(try outbox.run(now: { clock }).retrying == 1)
        let failed = try #require(setting.doctor.deliveryAlerts().first)
        #expect(failed.lastError?.contains("Twilio 20500") == true)
        for _ in 0..<2 {
            clock.addTimeInterval(10)
            _ = try outbox.run(now: { clock })
        }
        let sent = try #require(setting.doctor.deliveries().first)
        #expect(sent.state == .sent && sent.attempts == 3)

        try setting.test.clinic.store.write { db in
            try db.execute(sql: "UPDATE patient SET phone_cipher = ? WHERE id = ?",
                           arguments: [setting.test.clinic.store.fields.seal("+15005550001", field: Patient.fields.phone), setting.patientID])
        }
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.whatsapp])
        try peers.twilio.control(["fail": 1, "status": 400, "code": 21211, "message": "The 'To' number is not a valid phone number."])
        #expect(try outbox.run(now: { clock }).dead == 1)
        let dead = try #require(setting.doctor.deliveries(in: .dead).first)
        #expect(dead.attempts == 1)
        #expect(dead.lastError?.contains("21211") == true && dead.lastError?.contains("not a valid phone number") == true)
    }

    @Test("a mail server's 451 is retried and a 550 is a dead letter; a hanging Twilio times out and is retried")
    func smtpRefusalsAndTimeouts() async throws {
        let temporary = try Peers(smtpFailFirst: 1, smtpFailCode: 451)
        let (setting, report) = try await OutboxTests.setting()
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.email])
        var clock = Date()
        let outbox = try temporary.outbox(for: setting.test.clinic, twilioTimeout: 1)
        #expect(try outbox.run(now: { clock }).retrying == 1)
        clock.addTimeInterval(10)
        #expect(try outbox.run(now: { clock }).sent == 1)
        #expect(temporary.smtp.messages().count == 1)

        let permanent = try Peers(smtpFailFirst: 5, smtpFailCode: 550)
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.email])
        #expect(try permanent.outbox(for: setting.test.clinic).run(now: { clock }).dead == 1)

        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.whatsapp])
        try temporary.twilio.control(["hang": 3])
        #expect(try outbox.run(now: { clock }).retrying == 1)
        #expect(try setting.doctor.deliveries(in: .failed).first?.lastError?.contains("did not answer") == true)
    }
}
