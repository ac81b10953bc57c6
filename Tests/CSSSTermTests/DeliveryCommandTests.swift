import CSSSTestSupport
import Foundation
import Testing

/// `csss notify` and `csss outbox` through the binary, against a local Twilio-shaped server.
@Suite("Delivery from the command line", .serialized)
struct DeliveryCommandTests {
    /// An installation with report 1 for a patient who has a phone (no email).
    static func installationWithReport() throws -> CommandInstallation {
        let (install, _) = try ReportCommandTests.installationWithScan()
        try ReportCommandTests.storePrediction(in: install)
        try CommandInstallation.expectSuccess(install.run(["report", "create", "--scan", "1"]))
        return install
    }

    @Test("a patient without an address for the channel gets a clear message and nothing is queued")
    func noChannel() throws {
        let install = try Self.installationWithReport()
        let refused = try install.run(["notify", "send", "1", "--email"])
        #expect(refused.status == 1)
        #expect(refused.standardError == "csss: patient 1 has no email address: add one ('csss patient add --email'), or send by WhatsApp only\n")
        #expect(try install.run(["outbox", "list"]).standardOutput == "No deliveries.\n")
    }

    @Test("a sender killed mid-delivery leaves the delivery 'sending'; after its lease the next run delivers it once")
    func killedSender() throws {
        // The patient needs a phone: add a second patient with one and report on a scan of theirs.
        let install = try CommandInstallation()
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "W-1", "--name", "Wanda Phone",
                                                           "--phone", "+447700900123"]))
        let folder = try TemporaryFolder("csss-delivery-cli")
        try PNGFile.data(SyntheticImages.gradientWithBlocks(width: 96, height: 96)).write(to: folder.file("scan.png"))
        try CommandInstallation.expectSuccess(install.run(["scan", "import", "--patient", "1", folder.file("scan.png").path]))
        try ReportCommandTests.storePrediction(in: install)
        try CommandInstallation.expectSuccess(install.run(["report", "create", "--scan", "1"]))

        let twilio = try FakeTwilioServer()
        let channel = ["TWILIO_ACCOUNT_SID": twilio.accountSID, "TWILIO_AUTH_TOKEN": twilio.authToken,
                       "TWILIO_WHATSAPP_NUMBER": "+14155238886", "TWILIO_API_BASE": twilio.baseURL,
                       "CSSS_DELIVERY_LEASE_SECONDS": "2"]
        try CommandInstallation.expectSuccess(install.run(["notify", "send", "1", "--whatsapp", "--queue-only"]))
        let listed = try install.run(["outbox", "list", "--json"])
        let key = try #require((try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])?
            .first?["idempotency_key"] as? String)

        try twilio.control(["hang": 4])
        let sender = Process()
        sender.executableURL = CommandRunner.executable
        sender.arguments = ["outbox", "run", "--once"]
        sender.environment = ProcessInfo.processInfo.environment.merging(install.environment.merging(channel) { $1 }) { $1 }
        sender.standardOutput = FileHandle.nullDevice
        sender.standardError = FileHandle.nullDevice
        try sender.run()
        Thread.sleep(forTimeInterval: 1.5)  // the request is in flight; the server holds its answer
        kill(sender.processIdentifier, SIGKILL)
        sender.waitUntilExit()
        #expect(try install.run(["outbox", "list", "--state", "sending"]).standardOutput.contains("sending"))

        // Within the lease nobody takes it over.
        let early = try install.run(["outbox", "run", "--once"], extra: channel)
        #expect(early.standardOutput.hasPrefix("0 sent"))
        Thread.sleep(forTimeInterval: 3)
        let resumed = try install.run(["outbox", "run", "--once"], extra: channel)
        #expect(resumed.standardOutput.hasPrefix("1 sent"), "\(resumed.standardOutput)\(resumed.standardError)")
        #expect(try twilio.deliveredCount(key: key) == 1)
        #expect(try twilio.requests().filter { $0["idempotency_key"] as? String == key }.count >= 1)
        let sent = try install.run(["outbox", "list", "--json"])
        let record = try #require((try JSONSerialization.jsonObject(with: Data(sent.standardOutput.utf8)) as? [[String: Any]])?.first)
        #expect(record["state"] as? String == "sent" && record["attempts"] as? Int == 2)
        #expect(try install.run(["audit", "verify"]).status == 0)
    }
}
