/// Why a message was not delivered, sorted by what the outbox should do next.
public enum DeliveryError: Error, Equatable, CustomStringConvertible {
    /// Worth trying again later: a timeout, a refused connection, a server's temporary refusal
    /// (SMTP 4xx, HTTP 429 or 5xx).
    case transient(String)
    /// Trying again cannot help: a refused recipient or sender, bad credentials, a rejected request
    /// (SMTP 5xx, HTTP 4xx). The delivery goes to the dead letters with this reason.
    case permanent(String)
    /// The installation lacks a setting this channel needs (for example `SMTP_SERVER`).
    case notConfigured(String)

    public var description: String {
        switch self {
        case .transient(let reason): "temporary failure: \(reason)"
        case .permanent(let reason): "failed: \(reason)"
        case .notConfigured(let reason): "not configured: \(reason)"
        }
    }

    /// Whether the outbox should try again: after a temporary failure, and after a missing
    /// setting (so that configuring the channel later delivers what waited).
    public var isRetryable: Bool {
        switch self {
        case .transient, .notConfigured: true
        case .permanent: false
        }
    }
}
