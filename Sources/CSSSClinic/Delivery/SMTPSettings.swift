import Foundation

/// Where and how ``SMTPClient`` sends email: the server, the account, and how the connection is secured.
///
/// Peer and host verification of the server's certificate are always on; ``caFile`` only adds a CA to trust
/// (a private relay's, or a test's self-signed certificate).
public struct SMTPSettings: Sendable, Equatable {
    /// How the connection to the server is secured.
    public enum Security: String, Sendable, Equatable, CaseIterable {
        /// Plain SMTP upgraded with STARTTLS, which must succeed (`SMTP_SECURITY=starttls`, the default).
        case startTLS = "starttls"
        /// TLS from the first byte, `smtps://` (`SMTP_SECURITY=tls`, the default on port 465).
        case implicitTLS = "tls"
        /// No encryption (`SMTP_SECURITY=none`): only to a relay on this machine, never across a network.
        case none
    }

    /// The server's host name or address (`SMTP_SERVER`).
    public var host: String
    /// The server's port (`SMTP_PORT`, default 587).
    public var port: Int
    /// The sender's address (`EMAIL_SENDER`): the envelope's `MAIL FROM`.
    public var sender: String
    /// The AUTH user (`SMTP_USERNAME`, default ``sender``).
    public var username: String
    /// The AUTH password (`EMAIL_PASSWORD`); without one, the client does not authenticate.
    public var password: String?
    /// How the connection is secured (`SMTP_SECURITY`).
    public var security: Security
    /// A PEM bundle of CAs to trust for the server's certificate (`SMTP_CA_FILE`); `nil` uses the system's.
    public var caFile: String?
    /// The longest one send may take, connecting included (`SMTP_TIMEOUT_SECONDS`, default 30).
    public var timeout: TimeInterval

    /// The default submission port.
    public static let defaultPort = 587
    /// The default time limit of one send, in seconds.
    public static let defaultTimeout: TimeInterval = 30

    /// Settings given explicitly.
    ///
    /// - Throws: ``ConfigurationError/invalidValue(key:value:expected:)`` for security `none` to a host
    ///   other than this machine, a port outside 1…65535, or a timeout that is not positive.
    public init(host: String, port: Int = Self.defaultPort, sender: String, username: String? = nil,
                password: String? = nil, security: Security = .startTLS, caFile: String? = nil,
                timeout: TimeInterval = Self.defaultTimeout) throws(ConfigurationError) {
        guard (1...65535).contains(port) else {
            throw .invalidValue(key: "SMTP_PORT", value: String(port), expected: "a port from 1 to 65535")
        }
        guard timeout > 0 else {
            throw .invalidValue(key: "SMTP_TIMEOUT_SECONDS", value: String(timeout), expected: "a positive number")
        }
        // Unencrypted SMTP would send the password and patients' reports in the clear: only a relay on
        // this machine (or a test server) may be reached that way.
        if security == .none, !Self.isLocal(host) {
            throw .invalidValue(key: "SMTP_SECURITY", value: "none",
                                expected: "starttls or tls (none is only allowed to 127.0.0.1 or localhost, not \(host))")
        }
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username ?? sender
        self.password = password
        self.security = security
        self.caFile = caFile
        self.timeout = timeout
    }

    /// Reads `SMTP_SERVER`, `SMTP_PORT`, `EMAIL_SENDER`, `SMTP_USERNAME`, `EMAIL_PASSWORD`, `SMTP_SECURITY`,
    /// `SMTP_CA_FILE` and `SMTP_TIMEOUT_SECONDS`.
    ///
    /// - Throws: ``ConfigurationError/missing(key:hint:)`` when `SMTP_SERVER` or `EMAIL_SENDER` is unset
    ///   (email is then not configured: ``SMTPClient/init(environment:)`` reports that as
    ///   ``DeliveryError/notConfigured(_:)``), or ``ConfigurationError/invalidValue(key:value:expected:)``.
    public init(environment: ClinicEnvironment) throws(ConfigurationError) {
        guard let host = environment["SMTP_SERVER"] else {
            throw .missing(key: "SMTP_SERVER", hint: "set it to the SMTP server's host name to send email")
        }
        guard let sender = environment["EMAIL_SENDER"] else {
            throw .missing(key: "EMAIL_SENDER", hint: "set it to the address email is sent from")
        }
        var port = Self.defaultPort
        if let text = environment["SMTP_PORT"] {
            guard let value = Int(text), (1...65535).contains(value) else {
                throw .invalidValue(key: "SMTP_PORT", value: text, expected: "a port from 1 to 65535")
            }
            port = value
        }
        var security: Security = port == 465 ? .implicitTLS : .startTLS
        if let text = environment["SMTP_SECURITY"] {
            guard let value = Security(rawValue: text.lowercased()) else {
                throw .invalidValue(key: "SMTP_SECURITY", value: text, expected: "starttls, tls or none")
            }
            security = value
        }
        var timeout = Self.defaultTimeout
        if let text = environment["SMTP_TIMEOUT_SECONDS"] {
            guard let value = Double(text), value > 0, value.isFinite else {
                throw .invalidValue(key: "SMTP_TIMEOUT_SECONDS", value: text, expected: "a positive number of seconds")
            }
            timeout = value
        }
        try self.init(host: host, port: port, sender: sender, username: environment["SMTP_USERNAME"],
                      password: environment["EMAIL_PASSWORD"], security: security,
                      caFile: environment["SMTP_CA_FILE"], timeout: timeout)
    }

    /// Whether `host` names this machine.
    static func isLocal(_ host: String) -> Bool {
        ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
    }
}

extension SMTPSettings: CustomStringConvertible, CustomDebugStringConvertible {
    /// The settings with the password left out, so that logging them cannot leak it.
    public var description: String {
        "SMTPSettings(\(security.rawValue)://\(host):\(port), sender: \(sender), user: \(username), "
            + "password: \(password == nil ? "none" : "set"), caFile: \(caFile ?? "system"), timeout: \(timeout)s)"
    }

    public var debugDescription: String { description }
}
