import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

/// Sends real mail to a real SMTP server (aiosmtpd) on 127.0.0.1, over STARTTLS with a test certificate.
@Suite("SMTP delivery", .enabled(if: LocalSMTPServer.available, LocalSMTPServer.missingReason))
struct SMTPClientTests {
    static let user = "clinic@csss.test"
    static let password = "s3cret-Pa55word"

    /// A server with STARTTLS and AUTH, and settings that reach it trusting its certificate.
    static func server(password: String = Self.password, failFirst: Int = 0, failCode: Int = 451) throws
        -> (server: LocalSMTPServer, settings: SMTPSettings) {
        let certificate = try TestCertificate()
        let server = try LocalSMTPServer(certificate: certificate, credentials: "\(user):\(Self.password)",
                                         failFirst: failFirst, failCode: failCode)
        let settings = try SMTPSettings(environment: ClinicEnvironment(variables: [
            "SMTP_SERVER": "localhost", "SMTP_PORT": String(server.port), "EMAIL_SENDER": user,
            "EMAIL_PASSWORD": password, "SMTP_CA_FILE": certificate.certificate.path, "SMTP_TIMEOUT_SECONDS": "20",
        ]))
        return (server, settings)
    }

    static let message = MIMEMessageTests.message()

    @Test("a report sent over STARTTLS with AUTH arrives with its PDF intact and its key as Message-ID")
    func deliversOverSTARTTLS() throws {
        let (server, settings) = try Self.server()
        #expect(settings.security == .startTLS)
        let messageID = try SMTPClient(settings: settings).send(Self.message)
        #expect(messageID == "<delivery-7f3a9c@csss>")
        let received = server.messages()
        try #require(received.count == 1)
        let parsed = try ParsedEmail(received[0])
        #expect(parsed.messageID == messageID)
        #expect(parsed.subject == Self.message.subject)
        #expect(parsed.attachments.first?.data == MIMEMessageTests.pdfBytes)
        #expect(parsed.text == Self.message.textBody)
    }

    @Test("a wrong password is a permanent failure that names 535 and not the password")
    func wrongPassword() throws {
        let wrong = "wrong-Pa55word-xyz"
        let (server, settings) = try Self.server(password: wrong)
        let error = try #require(throws: DeliveryError.self) { try SMTPClient(settings: settings).send(Self.message) }
        guard case .permanent(let reason) = error else { Issue.record("expected permanent, got \(error)"); return }
        #expect(reason.contains("535"))
        #expect(!error.description.contains(wrong))
        #expect(!error.description.contains(Self.password))
        #expect(server.messages().isEmpty)
    }

    @Test("a 451 reply is transient, and the next send goes through")
    func temporaryRefusal() throws {
        let (server, settings) = try Self.server(failFirst: 1, failCode: 451)
        let client = SMTPClient(settings: settings)
        let error = try #require(throws: DeliveryError.self) { try client.send(Self.message) }
        #expect(error.isRetryable)
        #expect(error.description.contains("451"))
        #expect(!error.description.contains(Self.password))
        #expect(server.messages().isEmpty)
        _ = try client.send(Self.message)
        #expect(server.messages().count == 1)
    }

    @Test("a 550 reply is permanent")
    func mailboxUnavailable() throws {
        let (server, settings) = try Self.server(failFirst: 1, failCode: 550)
        let error = try #require(throws: DeliveryError.self) { try SMTPClient(settings: settings).send(Self.message) }
        guard case .permanent(let reason) = error else { Issue.record("expected permanent, got \(error)"); return }
        #expect(reason.contains("550"))
        #expect(!error.description.contains(Self.password))
        #expect(server.messages().isEmpty)
    }

    @Test("nothing listening on the port is transient")
    func nothingListening() throws {
        // A port the server had and gave back: free, and nothing else on this machine is likely to take it.
        let port = try LocalSMTPServer().port
        let settings = try SMTPSettings(host: "127.0.0.1", port: port, sender: Self.user, password: Self.password,
                                        timeout: 5)
        let error = try #require(throws: DeliveryError.self) { try SMTPClient(settings: settings).send(Self.message) }
        guard case .transient(let reason) = error else { Issue.record("expected transient, got \(error)"); return }
        #expect(reason.contains("curl 7"))
        #expect(!error.description.contains(Self.password))
    }
}

@Suite("SMTP settings")
struct SMTPSettingsTests {
    @Test("security none is refused for a host that is not this machine")
    func noneRefusedRemotely() {
        #expect(throws: ConfigurationError.self) {
            _ = try SMTPSettings(environment: ClinicEnvironment(variables: [
                "SMTP_SERVER": "smtp.example.org", "EMAIL_SENDER": "a@example.org", "SMTP_SECURITY": "none",
            ]))
        }
        #expect(throws: Never.self) {
            _ = try SMTPSettings(host: "127.0.0.1", sender: "a@example.org", security: .none)
        }
    }

    @Test("defaults: port 587 with STARTTLS, implicit TLS on 465, the sender as AUTH user")
    func defaults() throws {
        let plain = try SMTPSettings(environment: ClinicEnvironment(variables: [
            "SMTP_SERVER": "smtp.example.org", "EMAIL_SENDER": "a@example.org", "EMAIL_PASSWORD": "pw-123456",
        ]))
        #expect(plain.port == 587 && plain.security == .startTLS && plain.username == "a@example.org")
        #expect(plain.timeout == 30)
        #expect(!plain.description.contains("pw-123456"))
        let implicit = try SMTPSettings(environment: ClinicEnvironment(variables: [
            "SMTP_SERVER": "smtp.example.org", "SMTP_PORT": "465", "EMAIL_SENDER": "a@example.org",
            "SMTP_USERNAME": "relay-user",
        ]))
        #expect(implicit.security == .implicitTLS && implicit.username == "relay-user")
    }

    @Test("a missing server makes the client not configured")
    func missingServer() {
        #expect(throws: DeliveryError.notConfigured("SMTP_SERVER is not set: set it to the SMTP server's host name to send email")) {
            _ = try SMTPClient(environment: ClinicEnvironment(variables: ["EMAIL_SENDER": "a@example.org"]))
        }
    }
}

/// The ways a connection is secured, and that it is never quietly left unsecured.
@Suite("SMTP connection security", .enabled(if: LocalSMTPServer.available, LocalSMTPServer.missingReason))
struct SMTPSecurityTests {
    static let sender = "clinic@csss.test"

    @Test("implicit TLS (smtps) delivers with the certificate trusted")
    func implicitTLS() throws {
        let certificate = try TestCertificate()
        let server = try LocalSMTPServer(certificate: certificate, implicitTLS: true)
        let settings = try SMTPSettings(host: "localhost", port: server.port, sender: Self.sender,
                                        security: .implicitTLS, caFile: certificate.certificate.path)
        _ = try SMTPClient(settings: settings).send(MIMEMessageTests.message())
        #expect(server.messages().count == 1)
    }

    @Test("a certificate nobody trusts is refused: verification stays on")
    func untrustedCertificate() throws {
        let server = try LocalSMTPServer(certificate: TestCertificate())
        let settings = try SMTPSettings(host: "localhost", port: server.port, sender: Self.sender)
        let error = try #require(throws: DeliveryError.self) {
            try SMTPClient(settings: settings).send(MIMEMessageTests.message())
        }
        #expect(error.description.contains("curl 60"))
        #expect(server.messages().isEmpty)
    }

    @Test("a server without STARTTLS gets nothing in the clear")
    func noDowngrade() throws {
        let server = try LocalSMTPServer()
        let settings = try SMTPSettings(host: "127.0.0.1", port: server.port, sender: Self.sender, password: "pw-never-sent")
        let error = try #require(throws: DeliveryError.self) {
            try SMTPClient(settings: settings).send(MIMEMessageTests.message())
        }
        #expect(error.description.contains("curl 64"))
        #expect(!error.isRetryable)
        #expect(server.messages().isEmpty)
    }

    @Test("security none delivers to a relay on this machine")
    func plainToLocalRelay() throws {
        let server = try LocalSMTPServer()
        let settings = try SMTPSettings(environment: ClinicEnvironment(variables: [
            "SMTP_SERVER": "127.0.0.1", "SMTP_PORT": String(server.port), "EMAIL_SENDER": Self.sender,
            "SMTP_SECURITY": "none",
        ]))
        let messageID = try SMTPClient(settings: settings).send(MIMEMessageTests.message())
        let received = server.messages()
        try #require(received.count == 1)
        #expect(try ParsedEmail(received[0]).messageID == messageID)
    }
}
