import ArgumentParser
import CSSSClinic
import Foundation

/// `csss user totp-enroll`: two-factor authentication with an authenticator app.
struct UserTOTPEnroll: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "totp-enroll",
        abstract: "Enrol two-factor authentication: shows a QR code, then asks for a code from the app.",
        discussion: """
            In a terminal, one run does both steps. Scripts run it twice: first with --json to get the \
            secret, then with --confirm CODE, which prints ten single-use recovery codes (shown once).

            Example:
              csss user totp-enroll --user admin
              csss user totp-enroll --user admin --json
              csss user totp-enroll --user admin --confirm 492039
            """
    )

    @Option(help: ArgumentHelp("Finish a pending enrolment with a code from the app.", valueName: "code"))
    var confirm: String?

    @Flag(help: "Print the secret and URI (or the recovery codes) as JSON.")
    var json = false

    @OptionGroup var login: LoginOptions

    func run() async throws {
        if let confirm {
            let codes = try await login.withSession { session in try session.confirmTwoFactor(code: confirm) }
            printRecoveryCodes(codes)
            return
        }
        let interactive = SecretPrompt.isInteractive && !json
        let codes: [String]? = try await login.withSession { session in
            let enrollment = try session.beginTwoFactorEnrollment()
            if json {
                print(JSONValue.object([("secret", .string(enrollment.secret)), ("uri", .string(enrollment.uri))]).text)
                return nil
            }
            print("Scan this with an authenticator app (or type the secret \(enrollment.secret)):\n")
            for line in enrollment.qrCode.terminalLines(ansi: isatty(STDOUT_FILENO) == 1) { print("  " + line) }
            print("\n\(enrollment.uri)\n")
            guard interactive, let code = SecretPrompt.ask("Code shown by the app: ", echo: true) else {
                print("Finish with: csss user totp-enroll --confirm CODE")
                return nil
            }
            return try session.confirmTwoFactor(code: code)
        }
        if let codes { printRecoveryCodes(codes) }
    }

    private func printRecoveryCodes(_ codes: [String]) {
        if json {
            print(JSONValue.object([("recovery_codes", .array(codes.map(JSONValue.string)))]).text)
            return
        }
        print("Two-factor authentication is on. Recovery codes (each works once; keep them offline):")
        for code in codes { print("  \(code)") }
    }
}
