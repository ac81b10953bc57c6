import ArgumentParser
import CSSSClinic

/// The commands that change one account's state by name: they differ only in the change.
protocol UserStateChange: AsyncParsableCommand {
    var target: String { get }
    var login: LoginOptions { get }
    /// What the command does to the account.
    static func apply(to target: String, in session: ClinicSession) throws
    /// The line printed when it is done.
    static var done: String { get }
}

extension UserStateChange {
    func run() async throws {
        try await login.withSession { session in try Self.apply(to: target, in: session) }
        print("\(target): \(Self.done)")
    }
}

/// `csss user disable`.
struct UserDisable: UserStateChange {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable an account and end its sessions.")
    @Argument(help: "The account.") var target: String
    @OptionGroup var login: LoginOptions
    static func apply(to target: String, in session: ClinicSession) throws { try session.disableUser(target) }
    static let done = "disabled; its sessions ended"
}

/// `csss user enable`.
struct UserEnable: UserStateChange {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled account.")
    @Argument(help: "The account.") var target: String
    @OptionGroup var login: LoginOptions
    static func apply(to target: String, in session: ClinicSession) throws { try session.enableUser(target) }
    static let done = "enabled"
}

/// `csss user unlock`.
struct UserUnlock: UserStateChange {
    static let configuration = CommandConfiguration(commandName: "unlock", abstract: "Lift a lockout after failed logins.")
    @Argument(help: "The account.") var target: String
    @OptionGroup var login: LoginOptions
    static func apply(to target: String, in session: ClinicSession) throws { try session.unlockUser(target) }
    static let done = "unlocked"
}

/// `csss user reset-2fa`.
struct UserResetTwoFactor: UserStateChange {
    static let configuration = CommandConfiguration(
        commandName: "reset-2fa", abstract: "Remove an account's two-factor secret and recovery codes (a lost phone).")
    @Argument(help: "The account.") var target: String
    @OptionGroup var login: LoginOptions
    static func apply(to target: String, in session: ClinicSession) throws { try session.resetTwoFactor(of: target) }
    static let done = "two-factor removed; enrol again at next login"
}
