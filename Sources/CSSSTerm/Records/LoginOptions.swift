import ArgumentParser
import CSSSClinic
import Foundation

/// How a command that acts as a person logs in: an open session from `CSSS_SESSION` (see
/// `csss login`), or `--user` with the password from the terminal or `CSSS_PASSWORD` and, when the
/// account has two-factor, the code from the terminal or `CSSS_TOTP`.
struct LoginOptions: ParsableArguments {
    @Option(name: .customLong("user"), help: ArgumentHelp("Log in as this user.", valueName: "name"))
    var username: String?

    /// Opens the clinic, logs in (or resumes `CSSS_SESSION`), runs `body`, and logs out again
    /// when the command logged in itself. Every refusal ends the command with one line and exit 1.
    ///
    /// - Parameter password: the password when the command already asked for it, so that the
    ///   person is not asked twice.
    func withSession<T>(password: String? = nil, _ body: (inout ClinicSession) async throws -> T) async throws -> T {
        let variables = ProcessInfo.processInfo.environment
        let clinic = try await ClinicCommand.openClinic()
        var session: ClinicSession
        let ownsSession: Bool
        if username == nil, let token = variables["CSSS_SESSION"], !token.isEmpty {
            session = try await ClinicCommand.run { try await clinic.resume(token: token) }
            ownsSession = false
        } else {
            session = try await login(to: clinic, kind: .command, password: password)
            ownsSession = true
        }
        defer { if ownsSession { try? session.logout() } }
        return try await ClinicCommand.run { try await body(&session) }
    }

    /// Logs in with `--user` and the secrets from the environment or the terminal.
    func login(to clinic: Clinic, kind: SessionKind, password given: String? = nil) async throws -> ClinicSession {
        let variables = ProcessInfo.processInfo.environment
        guard let username else {
            printError("this command acts as a user: give --user NAME (or set CSSS_SESSION from 'csss login')")
            throw ExitCode(1)
        }
        guard let password = given ?? variables["CSSS_PASSWORD"] ?? SecretPrompt.ask("Password for \(username): ") else {
            printError("no password: run in a terminal, or set CSSS_PASSWORD")
            throw ExitCode(1)
        }
        var code = variables["CSSS_TOTP"]
        while true {
            do {
                return try await clinic.login(username: username, password: password, secondFactor: code, kind: kind)
            } catch LoginError.secondFactorRequired where code == nil && SecretPrompt.isInteractive {
                code = SecretPrompt.ask("Two-factor code (or a recovery code): ", echo: true)
            } catch {
                printError("\(error)")
                throw ExitCode(1)
            }
        }
    }
}

/// What every command that touches the records shares: opening the clinic from the environment
/// and turning the clinic's typed errors into one line and a non-zero exit.
enum ClinicCommand {
    static func openClinic() async throws -> Clinic {
        try await run {
            try await Clinic.open(environment: try ClinicEnvironment.current())
        }
    }

    /// Runs `body`; any error the clinic throws is printed as its one-line message, exit 1.
    static func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
    }
}
