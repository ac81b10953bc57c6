import Foundation
import GRDB
import Testing
@testable import CSSSClinic

@Suite("Outbox: requests, retries, dead letters, leases")
struct OutboxTests {
    static func setting(email: String? = "zq@example.org", phone: String? = "+447700900123") async throws
        -> (ReportWorkflowTests.Setting, IssuedReport) {
        let setting = try await ReportWorkflowTests.setting()
        try setting.test.clinic.store.write { db in
            let fields = setting.test.clinic.store.fields
            try db.execute(sql: "UPDATE patient SET email_cipher = ?, phone_cipher = ? WHERE id = ?",
                           arguments: [email.map { fields.seal($0, field: Patient.fields.email) },
                                       phone.map { fields.seal($0, field: Patient.fields.phone) }, setting.patientID])
        }
        let report = try setting.doctor.createReport(scanID: setting.scanID, remarks: "", settings: ReportSettings())
        return (setting, report)
    }

    @Test("a request makes one pending row per channel before anything is sent; a missing address is refused whole")
    func requests() async throws {
        let (setting, report) = try await Self.setting(phone: nil)
        #expect(throws: DeliveryRequestError.noChannel(patientID: setting.patientID, channel: .whatsapp)) {
            try setting.doctor.requestDelivery(of: report.reportID, channels: [.email, .whatsapp])
        }
        #expect(try setting.doctor.deliveries().isEmpty)
        let queued = try setting.doctor.requestDelivery(of: report.reportID, channels: [.email])
        #expect(queued.map(\.state) == [.pending])
        #expect(queued.first?.idempotencyKey.count == 36)
        #expect(throws: DeliveryRequestError.noChannelsChosen) { try setting.doctor.requestDelivery(of: report.reportID, channels: []) }
    }

    @Test("a channel that is not configured fails with backoff and jitter, then goes dead after the last attempt, with alerts")
    func retriesThenDead() async throws {
        let (setting, report) = try await Self.setting()
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.whatsapp])
        let settings = DeliverySettings(maximumAttempts: 3, backoff: 10, lease: 60)
        let outbox = Outbox(clinic: setting.test.clinic, settings: settings, hospital: "H", email: nil, whatsApp: nil)
        var clock = Date()
        #expect(try outbox.run(now: { clock }).retrying == 1)
        var record = try #require(setting.doctor.deliveries().first)
        #expect(record.state == .failed && record.attempts == 1)
        #expect(record.lastError?.contains("TWILIO_ACCOUNT_SID") == true)
        let firstDelay = try #require(record.nextAttemptAt).timeIntervalSince(clock)
        #expect((8...12).contains(firstDelay))
        // Not yet due: nothing happens.
        #expect(try outbox.run(now: { clock.addingTimeInterval(5) }).processed == 0)
        clock.addTimeInterval(13)
        _ = try outbox.run(now: { clock })
        record = try #require(setting.doctor.deliveries().first)
        #expect(record.attempts == 2)
        #expect((16...24).contains(try #require(record.nextAttemptAt).timeIntervalSince(clock)))
        clock.addTimeInterval(25)
        #expect(try outbox.run(now: { clock }).dead == 1)
        #expect(try setting.doctor.deliveries(in: .dead).count == 1)
        #expect(try setting.doctor.deliveryAlerts().map(\.state) == [.dead])
        let audited = try setting.test.clinic.store.read {
            try String.fetchAll($0, sql: "SELECT action FROM audit_event WHERE action LIKE 'delivery.%' ORDER BY seq")
        }
        #expect(audited.filter { $0 != "delivery.list" } == ["delivery.request", "delivery.failed", "delivery.failed", "delivery.dead"])
    }

    @Test("a delivery left 'sending' by a dead sender is taken over only after its lease lapses")
    func leaseTakeover() async throws {
        let (setting, report) = try await Self.setting()
        _ = try setting.doctor.requestDelivery(of: report.reportID, channels: [.email])
        let outbox = Outbox(clinic: setting.test.clinic, settings: DeliverySettings(lease: 120), hospital: "H", email: nil, whatsApp: nil)
        let start = Date()
        // A sender claims it and dies before recording anything.
        #expect(try outbox.claimNext(at: start) != nil)
        #expect(try outbox.claimNext(at: start.addingTimeInterval(60)) == nil)
        let takeover = try #require(try outbox.claimNext(at: start.addingTimeInterval(121)))
        #expect(takeover.attempt == 2)
        // The dead sender's late record (its lease is gone) does not overwrite the new holder's.
        #expect(try outbox.deliver(Outbox.Claim(id: takeover.id, attempt: 1, leaseUntil: start.addingTimeInterval(120)),
                                   at: start.addingTimeInterval(122)) == .sending)
        #expect(try outbox.deliver(takeover, at: start.addingTimeInterval(122)) == .failed)
    }

    @Test("the backoff doubles from its base, is capped, and jitters by at most 20 %")
    func backoff() {
        let settings = DeliverySettings(backoff: 30, maximumBackoff: 3600)
        #expect(settings.delay(afterAttempt: 1, jitter: 0) == 30)
        #expect(settings.delay(afterAttempt: 3, jitter: 0) == 120)
        #expect(settings.delay(afterAttempt: 20, jitter: 0) == 3600)
        for _ in 0..<50 { #expect((24...36).contains(settings.delay(afterAttempt: 1))) }
    }
}
