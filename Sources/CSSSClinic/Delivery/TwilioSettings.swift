import Foundation

/// Where and as whom ``TwilioClient`` sends WhatsApp messages: the account, its sender number, the API's
/// address and how long a request may take.
///
/// Reading the settings throws rather than deferring the complaint to the first send, so that `csss`
/// can say what is missing when it starts, and the outbox can hold WhatsApp deliveries as
/// ``DeliveryError/notConfigured(_:)`` without building a client at all.
public struct TwilioSettings: Sendable, Equatable, CustomStringConvertible {
    /// The account SID (`TWILIO_ACCOUNT_SID`, `AC…`): the user name of basic auth and part of the URL.
    public var accountSID: String
    /// The auth token (`TWILIO_AUTH_TOKEN`): the password of basic auth. Never shown in descriptions
    /// or errors.
    public var authToken: String
    /// The sender in E.164 without the `whatsapp:` prefix (`TWILIO_WHATSAPP_NUMBER`, `+14155238886`).
    public var whatsAppNumber: String
    /// The API's address without a trailing slash (`TWILIO_API_BASE`, default `https://api.twilio.com`).
    public var apiBase: String
    /// The longest a whole request may take, in seconds (`TWILIO_TIMEOUT_SECONDS`, default 30).
    public var timeoutSeconds: Double

    /// Twilio's production API.
    public static let defaultAPIBase = "https://api.twilio.com"
    /// The default request timeout in seconds.
    public static let defaultTimeoutSeconds: Double = 30

    /// Reads `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_WHATSAPP_NUMBER`, `TWILIO_API_BASE` and
    /// `TWILIO_TIMEOUT_SECONDS`.
    ///
    /// - Throws: ``DeliveryError/notConfigured(_:)`` naming the first variable that is missing or invalid.
    public init(environment: ClinicEnvironment) throws(DeliveryError) {
        func required(_ key: String) throws(DeliveryError) -> String {
            guard let value = environment[key] else {
                throw .notConfigured("\(key) is not set: WhatsApp delivery needs the Twilio account's \(Self.hints[key] ?? key)")
            }
            return value
        }
        let timeout: Double
        if let text = environment["TWILIO_TIMEOUT_SECONDS"] {
            guard let value = Double(text), value.isFinite, value > 0 else {
                throw .notConfigured("TWILIO_TIMEOUT_SECONDS=\(text) is not valid: expected a positive number of seconds")
            }
            timeout = value
        } else {
            timeout = Self.defaultTimeoutSeconds
        }
        try self.init(accountSID: required("TWILIO_ACCOUNT_SID"),
                      authToken: required("TWILIO_AUTH_TOKEN"),
                      whatsAppNumber: required("TWILIO_WHATSAPP_NUMBER"),
                      apiBase: environment["TWILIO_API_BASE"] ?? Self.defaultAPIBase,
                      timeoutSeconds: timeout)
    }

    /// Settings given directly; the number may carry a `whatsapp:` prefix.
    ///
    /// - Throws: ``DeliveryError/notConfigured(_:)`` for a number that is not E.164, or an API base that
    ///   is not `https://` (plain `http://` is accepted only for 127.0.0.1, `::1` and localhost, where the
    ///   test servers live, so a token never crosses a network unencrypted).
    public init(accountSID: String, authToken: String, whatsAppNumber: String,
                apiBase: String = TwilioSettings.defaultAPIBase,
                timeoutSeconds: Double = TwilioSettings.defaultTimeoutSeconds) throws(DeliveryError) {
        guard let number = Self.e164(whatsAppNumber) else {
            throw .notConfigured("TWILIO_WHATSAPP_NUMBER=\(whatsAppNumber) is not valid: expected E.164 such as +14155238886, with or without whatsapp:")
        }
        self.accountSID = accountSID
        self.authToken = authToken
        self.whatsAppNumber = number
        self.apiBase = try Self.checkedBase(apiBase)
        self.timeoutSeconds = timeoutSeconds
    }

    /// The settings with the token masked, safe for logs.
    public var description: String {
        "Twilio \(accountSID) from whatsapp:\(whatsAppNumber) at \(apiBase), token ****, timeout \(timeoutSeconds) s"
    }

    private static let hints = [
        "TWILIO_ACCOUNT_SID": "SID (AC…)",
        "TWILIO_AUTH_TOKEN": "auth token",
        "TWILIO_WHATSAPP_NUMBER": "WhatsApp sender number in E.164 (+14155238886)",
    ]

    /// `+` and 2 to 15 digits, after dropping an optional `whatsapp:` prefix.
    static func e164(_ text: String) -> String? {
        let number = text.hasPrefix("whatsapp:") ? String(text.dropFirst("whatsapp:".count)) : text
        let digits = number.dropFirst()
        guard number.hasPrefix("+"), (2...15).contains(digits.count),
              digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return number
    }

    private static func checkedBase(_ text: String) throws(DeliveryError) -> String {
        let trimmed = text.hasSuffix("/") ? String(text.dropLast()) : text
        guard let url = URL(string: trimmed), let scheme = url.scheme?.lowercased(), let host = url.host?.lowercased() else {
            throw .notConfigured("TWILIO_API_BASE=\(text) is not a URL")
        }
        let local = ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        guard scheme == "https" || (scheme == "http" && local) else {
            throw .notConfigured("TWILIO_API_BASE=\(text) is refused: only https:// is allowed (http:// only for 127.0.0.1 or localhost)")
        }
        return trimmed
    }
}
