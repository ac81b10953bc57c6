import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

@Suite("Twilio WhatsApp client")
struct TwilioClientTests {
    static let sender = "+14155238886"

    /// A client for the fake, reading its settings the way `csss` does.
    static func client(for server: FakeTwilioServer, token: String? = nil, timeout: String? = nil) throws -> TwilioClient {
        var variables = ["TWILIO_ACCOUNT_SID": server.accountSID,
                         "TWILIO_AUTH_TOKEN": token ?? server.authToken,
                         "TWILIO_WHATSAPP_NUMBER": "whatsapp:\(sender)",
                         "TWILIO_API_BASE": server.baseURL]
        variables["TWILIO_TIMEOUT_SECONDS"] = timeout
        return TwilioClient(settings: try TwilioSettings(environment: ClinicEnvironment(variables: variables)))
    }

    /// The error of a send that must fail, checked to keep the token out of its description.
    static func failure(of client: TwilioClient, _ message: WhatsAppMessage) -> DeliveryError? {
        do {
            _ = try client.send(message)
            Issue.record("the send succeeded")
            return nil
        } catch {
            #expect(!"\(error)".contains(client.settings.authToken), "the auth token leaked: \(error)")
            return error
        }
    }

    static func message(to: String = "+919812345678", key: String = UUID().uuidString) -> WhatsAppMessage {
        WhatsAppMessage(to: to, body: "Your report is ready: 5 & 6 = ok? ✓ +tests", idempotencyKey: key)
    }

    @Test("a send reaches Twilio with To, From, Body, basic auth and the idempotency key")
    func sendReachesTwilio() throws {
        let server = try FakeTwilioServer()
        let message = Self.message(key: "delivery-42")
        let sid = try Self.client(for: server).send(message)

        #expect(sid.hasPrefix("SM") && sid.count == 34)
        let requests = try server.requests()
        try #require(requests.count == 1)
        let request = requests[0]
        #expect(request["path"] as? String == "/2010-04-01/Accounts/\(server.accountSID)/Messages.json")
        #expect(request["sid"] as? String == sid)
        let fields = try #require(request["fields"] as? [String: String])
        #expect(fields == ["To": "whatsapp:+919812345678", "From": "whatsapp:\(Self.sender)", "Body": message.body])
        let headers = try #require(request["headers"] as? [String: String])
        let credentials = Data("\(server.accountSID):\(server.authToken)".utf8).base64EncodedString()
        #expect(headers["Authorization"] == "Basic \(credentials)")
        #expect(headers["Idempotency-Key"] == "delivery-42")
        #expect(headers["I-Twilio-Idempotency-Token"] == "delivery-42")
        #expect(headers["Content-Type"] == "application/x-www-form-urlencoded")
    }

    @Test("a second send with the same key is deduplicated: one message delivered, the same SID")
    func repeatedKeyIsDeliveredOnce() throws {
        let server = try FakeTwilioServer()
        let client = try Self.client(for: server)
        let message = Self.message(key: "delivery-7")
        let first = try client.send(message)
        let second = try client.send(message)

        #expect(first == second)
        #expect(try server.deliveredCount(key: "delivery-7") == 1)
        #expect(try server.requests().map { $0["duplicate"] as? Bool } == [false, true])
    }

    @Test("HTTP 503 is transient with Twilio's code and message; the retry then succeeds")
    func serviceUnavailableIsTransient() throws {
        let server = try FakeTwilioServer()
        try server.control(["fail": 1, "status": 503, "code": 20500, "message": "Service temporarily unavailable"])
        let client = try Self.client(for: server)
        let message = Self.message(key: "delivery-503")

        let error = try #require(Self.failure(of: client, message))
        guard case .transient(let reason) = error else { Issue.record("not transient: \(error)"); return }
        #expect(reason == "Twilio 20500: Service temporarily unavailable (HTTP 503)")
        #expect(error.isRetryable)

        _ = try client.send(message)
        #expect(try server.deliveredCount(key: "delivery-503") == 1)
    }

    @Test("HTTP 429 is transient")
    func tooManyRequestsIsTransient() throws {
        let server = try FakeTwilioServer()
        try server.control(["fail": 1, "status": 429, "code": 20429, "message": "Too Many Requests"])
        let error = Self.failure(of: try Self.client(for: server), Self.message())
        #expect(error == .transient("Twilio 20429: Too Many Requests (HTTP 429)"))
    }

    @Test("an invalid number is permanent with Twilio's 21211 message kept")
    func invalidNumberIsPermanent() throws {
        let server = try FakeTwilioServer()
        let error = try #require(Self.failure(of: try Self.client(for: server), Self.message(to: "98123")))
        guard case .permanent(let reason) = error else { Issue.record("not permanent: \(error)"); return }
        #expect(reason == "Twilio 21211: The 'To' number whatsapp:98123 is not a valid phone number. (HTTP 400)")
        #expect(!error.isRetryable)
    }

    @Test("a wrong token is permanent: Twilio refused the credentials (401)")
    func wrongTokenIsPermanent() throws {
        let server = try FakeTwilioServer()
        let client = try Self.client(for: server, token: "wrong-secret-token-3f9a")
        let error = try #require(Self.failure(of: client, Self.message(key: "delivery-401")))
        guard case .permanent(let reason) = error else { Issue.record("not permanent: \(error)"); return }
        #expect(reason.contains("Twilio refused the credentials of account \(server.accountSID)"))
        #expect(reason.contains("Twilio 20003: Authenticate (HTTP 401)"))
        #expect(try server.deliveredCount(key: "delivery-401") == 0)
    }

    @Test("an answer later than TWILIO_TIMEOUT_SECONDS is a transient timeout, after about that long")
    func hangingServerTimesOut() throws {
        let server = try FakeTwilioServer()
        try server.control(["hang": 3])
        let client = try Self.client(for: server, timeout: "1")
        let started = Date()
        let error = try #require(Self.failure(of: client, Self.message()))
        let elapsed = Date().timeIntervalSince(started)

        guard case .transient(let reason) = error else { Issue.record("not transient: \(error)"); return }
        #expect(reason.hasPrefix("Twilio did not answer within 1 s"))
        #expect(elapsed >= 0.9 && elapsed < 2.5, "took \(elapsed) s")
    }

    @Test("nothing listening is transient")
    func refusedConnectionIsTransient() throws {
        let client: TwilioClient
        do {
            let server = try FakeTwilioServer()
            client = try Self.client(for: server)
        }  // the fake is stopped here, its port left closed
        let error = try #require(Self.failure(of: client, Self.message()))
        guard case .transient(let reason) = error else { Issue.record("not transient: \(error)"); return }
        #expect(reason.contains("could not reach Twilio at http://127.0.0.1:"))
    }

    @Test("plain http is refused for any host but this machine")
    func plainHTTPIsRefusedForRemoteHosts() throws {
        func settings(base: String) throws(DeliveryError) -> TwilioSettings {
            try TwilioSettings(accountSID: "AC1", authToken: "t", whatsAppNumber: Self.sender, apiBase: base)
        }
        for base in ["http://api.twilio.com", "http://localhost@evil.example", "http://127.0.0.1.evil.example", "ftp://api.twilio.com"] {
            #expect(throws: DeliveryError.self, "\(base) was accepted") { try settings(base: base) }
            do { _ = try settings(base: base) } catch {
                guard case .notConfigured(let reason) = error else { Issue.record("\(error)"); continue }
                #expect(reason.hasPrefix("TWILIO_API_BASE="))
            }
        }
        #expect(try settings(base: "https://api.twilio.com/").apiBase == "https://api.twilio.com")
        #expect(try settings(base: "http://localhost:8080").apiBase == "http://localhost:8080")
        #expect(try settings(base: "http://127.0.0.1:9").apiBase == "http://127.0.0.1:9")
    }

    @Test("a missing variable is named; the defaults are Twilio's API and 30 s; whatsapp: is optional")
    func settingsFromEnvironment() throws {
        let complete = ["TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "secret-token-77",
                        "TWILIO_WHATSAPP_NUMBER": Self.sender]
        for key in complete.keys {
            var variables = complete
            variables[key] = nil
            #expect(throws: DeliveryError.self) { try TwilioSettings(environment: ClinicEnvironment(variables: variables)) }
            do { _ = try TwilioSettings(environment: ClinicEnvironment(variables: variables)) } catch {
                guard case .notConfigured(let reason) = error else { Issue.record("\(error)"); continue }
                #expect(reason.hasPrefix("\(key) is not set"))
            }
        }
        let settings = try TwilioSettings(environment: ClinicEnvironment(variables: complete))
        #expect(settings.apiBase == "https://api.twilio.com")
        #expect(settings.timeoutSeconds == 30)
        #expect(settings.whatsAppNumber == Self.sender)
        #expect(!settings.description.contains("secret-token-77"))

        var invalid = complete
        invalid["TWILIO_WHATSAPP_NUMBER"] = "0044 20 7946"
        #expect(throws: DeliveryError.self) { try TwilioSettings(environment: ClinicEnvironment(variables: invalid)) }
        invalid = complete
        invalid["TWILIO_TIMEOUT_SECONDS"] = "soon"
        #expect(throws: DeliveryError.self) { try TwilioSettings(environment: ClinicEnvironment(variables: invalid)) }
    }

    @Test("the token echoed back by a server is masked in the error")
    func echoedTokenIsMasked() throws {
        let server = try FakeTwilioServer()
        let client = try Self.client(for: server)
        try server.control(["fail": 1, "status": 400, "code": 21610, "message": "bad request \(server.authToken)"])
        let error = Self.failure(of: client, Self.message())
        #expect(error == .permanent("Twilio 21610: bad request **** (HTTP 400)"))
    }
}
