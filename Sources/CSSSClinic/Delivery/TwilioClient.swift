import Foundation

/// Sends WhatsApp messages through Twilio's Messages API and sorts its refusals into what the outbox can
/// retry and what it cannot.
///
/// Each send is one HTTPS POST to `{base}/2010-04-01/Accounts/{SID}/Messages.json` with basic auth, the
/// form fields `To`, `From` and `Body`, and the message's idempotency key in `Idempotency-Key` (and
/// `I-Twilio-Idempotency-Token`), so that a send repeated after a lost answer is not delivered twice.
/// `send` blocks for at most the settings' timeout; it is safe to call from several threads at once.
public struct TwilioClient: Sendable {
    /// The account, sender and API address this client uses.
    public let settings: TwilioSettings

    public init(settings: TwilioSettings) {
        self.settings = settings
    }

    /// Sends one message and returns the SID Twilio gave it (`SM…`).
    ///
    /// - Throws: ``DeliveryError/transient(_:)`` when no answer came (refused connection, timeout) or
    ///   Twilio answered HTTP 429 or 5xx; ``DeliveryError/permanent(_:)`` for any other refusal, with
    ///   Twilio's error code and message kept (`Twilio 21211: The 'To' number … (HTTP 400)`). The auth
    ///   token never appears in an error.
    public func send(_ message: WhatsAppMessage) throws(DeliveryError) -> String {
        do {
            return try deliver(message)
        } catch {
            throw redacted(error)
        }
    }

    /// The Messages resource of the account.
    var messagesURL: String {
        "\(settings.apiBase)/2010-04-01/Accounts/\(TwilioHTTPPost.percentEncoded(settings.accountSID))/Messages.json"
    }

    private func deliver(_ message: WhatsAppMessage) throws(DeliveryError) -> String {
        let recipient = message.to.hasPrefix("whatsapp:") ? message.to : "whatsapp:\(message.to)"
        let request = TwilioHTTPPost(
            url: messagesURL,
            user: settings.accountSID,
            password: settings.authToken,
            headers: ["Idempotency-Key: \(message.idempotencyKey)",
                      "I-Twilio-Idempotency-Token: \(message.idempotencyKey)",
                      "Accept: application/json"],
            form: TwilioHTTPPost.form([("To", recipient),
                                       ("From", "whatsapp:\(settings.whatsAppNumber)"),
                                       ("Body", message.body)]),
            timeoutSeconds: settings.timeoutSeconds)
        let response: TwilioHTTPPost.Response
        do {
            response = try request.perform()
        } catch {
            throw failure(error)
        }
        return try sid(from: response)
    }

    private func failure(_ error: TwilioHTTPPost.TransportFailure) -> DeliveryError {
        if error.timedOut {
            return .transient("Twilio did not answer within \(Self.seconds(settings.timeoutSeconds)) s: \(error.detail)")
        }
        let reason = "could not reach Twilio at \(settings.apiBase): \(error.detail)"
        return error.isTransient ? .transient(reason) : .permanent(reason)
    }

    private func sid(from response: TwilioHTTPPost.Response) throws(DeliveryError) -> String {
        let answer = TwilioAnswer(response.body)
        guard (200..<300).contains(response.status) else {
            let reason = answer.errorReason(status: response.status)
            switch response.status {
            case 401: throw .permanent("Twilio refused the credentials of account \(settings.accountSID): \(reason)")
            case 429, 500..<600: throw .transient(reason)
            default: throw .permanent(reason)
            }
        }
        guard let sid = answer.sid else {
            // The message may have been accepted; retrying is safe because the idempotency key goes too.
            throw .transient("Twilio answered HTTP \(response.status) without a message SID")
        }
        return sid
    }

    /// The error with every occurrence of the auth token masked, in case a server echoes it back.
    private func redacted(_ error: DeliveryError) -> DeliveryError {
        let token = settings.authToken
        guard !token.isEmpty else { return error }
        switch error {
        case .transient(let reason): return .transient(reason.replacingOccurrences(of: token, with: "****"))
        case .permanent(let reason): return .permanent(reason.replacingOccurrences(of: token, with: "****"))
        case .notConfigured(let reason): return .notConfigured(reason.replacingOccurrences(of: token, with: "****"))
        }
    }

    private static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }
}

/// What Twilio's JSON answer says: the message SID on success, the code and message on failure.
struct TwilioAnswer {
    var sid: String?
    var code: Int?
    var message: String?
    /// The start of a body that is not Twilio's JSON (a proxy's error page), for the reason.
    var excerpt: String

    init(_ body: Data) {
        let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any]
        sid = object?["sid"] as? String
        code = (object?["code"] as? NSNumber)?.intValue
        message = object?["message"] as? String
        excerpt = String(decoding: body.prefix(200), as: UTF8.self)
            .split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// `Twilio 21211: The 'To' number … is not a valid phone number. (HTTP 400)`.
    func errorReason(status: Int) -> String {
        switch (code, message) {
        case let (code?, message?): "Twilio \(code): \(message) (HTTP \(status))"
        case let (nil, message?): "Twilio: \(message) (HTTP \(status))"
        case let (code?, nil): "Twilio \(code) (HTTP \(status))"
        case (nil, nil): excerpt.isEmpty ? "Twilio answered HTTP \(status)" : "Twilio answered HTTP \(status): \(excerpt)"
        }
    }
}
