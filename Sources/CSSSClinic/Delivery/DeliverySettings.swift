import Foundation

/// How the outbox retries.
public struct DeliverySettings: Sendable, Equatable {
    /// Attempts before a delivery is dead (`CSSS_DELIVERY_MAX_ATTEMPTS`, default 5).
    public var maximumAttempts: Int
    /// The first retry's delay; each next one doubles (`CSSS_DELIVERY_BACKOFF_SECONDS`, default 30).
    public var backoff: TimeInterval
    /// The longest delay between attempts (1 hour).
    public var maximumBackoff: TimeInterval
    /// How long a sender may hold a delivery in `sending` before another run may take it over
    /// (`CSSS_DELIVERY_LEASE_SECONDS`, default 120: longer than any send's timeout).
    public var lease: TimeInterval

    public init(maximumAttempts: Int = 5, backoff: TimeInterval = 30, maximumBackoff: TimeInterval = 3600, lease: TimeInterval = 120) {
        self.maximumAttempts = maximumAttempts
        self.backoff = backoff
        self.maximumBackoff = maximumBackoff
        self.lease = lease
    }

    /// The defaults, overridden by the environment.
    public init(environment: ClinicEnvironment) throws {
        self.init()
        func number(_ key: String) throws -> Double? {
            guard let text = environment[key] else { return nil }
            guard let value = Double(text), value > 0 else {
                throw ConfigurationError.invalidValue(key: key, value: text, expected: "a positive number")
            }
            return value
        }
        if let value = try number("CSSS_DELIVERY_MAX_ATTEMPTS") { maximumAttempts = max(1, Int(value)) }
        if let value = try number("CSSS_DELIVERY_BACKOFF_SECONDS") { backoff = value }
        if let value = try number("CSSS_DELIVERY_LEASE_SECONDS") { lease = value }
    }

    /// The wait before attempt `attempt + 1`: exponential from ``backoff``, capped, with ±20 %
    /// jitter so that deliveries failed together do not all retry in the same second.
    func delay(afterAttempt attempt: Int, jitter: Double = Double.random(in: -0.2...0.2)) -> TimeInterval {
        let exponential = backoff * pow(2, Double(max(0, attempt - 1)))
        return min(exponential, maximumBackoff) * (1 + jitter)
    }
}
