import ArgumentParser
import CSSSClinic
import Foundation

/// `csss login`: opens a session for scripts, so a run of commands logs in (and uses a two-factor
/// code) once.
struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in and print a session token for CSSS_SESSION.",
        discussion: """
            The session ends at 'csss logout', after the idle timeout (10 minutes by default), after its \
            absolute lifetime (8 hours), or when an administrator revokes it.

            Example:
              export CSSS_SESSION=$(csss login --user dr.rao)
              csss patient list
              csss logout
            """
    )

    @OptionGroup var login: LoginOptions

    func run() async throws {
        let clinic = try await ClinicCommand.openClinic()
        let session = try await login.login(to: clinic, kind: .workstation)
        for step in session.identity.pendingSteps.sorted(by: { $0.rawValue < $1.rawValue }) {
            printError("note: \(step)")
        }
        print(session.identity.token)
    }
}

/// `csss logout`: ends the session in CSSS_SESSION.
struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "End the session named by CSSS_SESSION.")

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["CSSS_SESSION"], !token.isEmpty else {
            throw ValidationError("CSSS_SESSION is not set: there is no session to end")
        }
        let clinic = try await ClinicCommand.openClinic()
        try await ClinicCommand.run {
            try await clinic.resume(token: token).logout()
        }
    }
}
