import Foundation

/// The security limits an installation may tune: lockout, session lifetimes, and how long a
/// writer waits for another terminal.
public struct SecuritySettings: Sendable, Equatable {
    /// Failed logins in a row that lock an account (`CSSS_LOCKOUT_THRESHOLD`, default 5).
    public var lockoutThreshold: Int
    /// How long a locked account stays locked (`CSSS_LOCKOUT_MINUTES`, default 15).
    public var lockoutDuration: TimeInterval
    /// Inactivity after which a workstation session ends (`CSSS_IDLE_TIMEOUT_MINUTES`, default 10).
    public var idleTimeout: TimeInterval
    /// Inactivity after which a kiosk session ends (`CSSS_KIOSK_IDLE_SECONDS`, default 60).
    public var kioskIdleTimeout: TimeInterval
    /// The longest any session lives, active or not (`CSSS_SESSION_HOURS`, default 8).
    public var absoluteLifetime: TimeInterval
    /// How long a break-glass grant lasts (`CSSS_BREAK_GLASS_MINUTES`, default 60).
    public var breakGlassDuration: TimeInterval
    /// How long a writer waits for another terminal's write (`CSSS_BUSY_TIMEOUT_SECONDS`, default 5).
    public var busyTimeout: TimeInterval

    /// The defaults the issue of record asks for.
    public init() {
        lockoutThreshold = 5
        lockoutDuration = 15 * 60
        idleTimeout = 10 * 60
        kioskIdleTimeout = 60
        absoluteLifetime = 8 * 3600
        breakGlassDuration = 60 * 60
        busyTimeout = 5
    }

    /// The defaults, overridden by whatever `environment` sets.
    public init(environment: ClinicEnvironment) throws {
        self.init()
        func read(_ key: String, scale: Double, into value: inout TimeInterval) throws {
            guard let text = environment[key] else { return }
            guard let number = Double(text), number > 0 else {
                throw ConfigurationError.invalidValue(key: key, value: text, expected: "a positive number")
            }
            value = number * scale
        }
        if let text = environment["CSSS_LOCKOUT_THRESHOLD"] {
            guard let count = Int(text), count > 0 else {
                throw ConfigurationError.invalidValue(key: "CSSS_LOCKOUT_THRESHOLD", value: text, expected: "a positive whole number")
            }
            lockoutThreshold = count
        }
        try read("CSSS_LOCKOUT_MINUTES", scale: 60, into: &lockoutDuration)
        try read("CSSS_IDLE_TIMEOUT_MINUTES", scale: 60, into: &idleTimeout)
        try read("CSSS_KIOSK_IDLE_SECONDS", scale: 1, into: &kioskIdleTimeout)
        try read("CSSS_SESSION_HOURS", scale: 3600, into: &absoluteLifetime)
        try read("CSSS_BREAK_GLASS_MINUTES", scale: 60, into: &breakGlassDuration)
        try read("CSSS_BUSY_TIMEOUT_SECONDS", scale: 1, into: &busyTimeout)
    }
}
