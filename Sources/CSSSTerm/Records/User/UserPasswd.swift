import ArgumentParser
import CSSSClinic
import Foundation

/// `csss user passwd`: replace one's own password, or (administrators) reset another's.
struct UserPasswd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Change your password (CSSS_NEW_PASSWORD for scripts), or reset another account's.",
        discussion: """
            Passwords need at least 12 characters and must not be common, breached, or built from your \
            user name; there are no rules about digits or symbols: a long phrase is best.

            Example:
              csss user passwd --user admin
              csss user passwd --reset dr.rao --user admin
            """
    )

    @Option(help: ArgumentHelp("Give this account a new one-time password instead (administrators).", valueName: "name"))
    var reset: String?

    @OptionGroup var login: LoginOptions

    func run() async throws {
        if let reset {
            let password = try await login.withSession { session in try session.resetPassword(of: reset) }
            print("\(reset): one-time password \(password) (it must be changed at first login)")
            return
        }
        let variables = ProcessInfo.processInfo.environment
        // Asked once: it logs in and proves the change is the person's own.
        let current = variables["CSSS_PASSWORD"] ?? SecretPrompt.ask("Current password: ") ?? ""
        try await login.withSession(password: current) { session in
            guard let new = variables["CSSS_NEW_PASSWORD"] ?? Self.askTwice() else {
                throw ValidationError("no new password: run in a terminal, or set CSSS_NEW_PASSWORD")
            }
            try session.changePassword(current: current, new: new)
        }
        print("Password changed; your other sessions were ended.")
    }

    private static func askTwice() -> String? {
        guard let first = SecretPrompt.ask("New password (12+ characters; a phrase is best): "),
              let second = SecretPrompt.ask("Again: ") else { return nil }
        guard first == second else {
            printError("the two entries differ")
            return nil
        }
        return first
    }
}
