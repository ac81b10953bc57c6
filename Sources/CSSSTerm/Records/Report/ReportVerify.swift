import ArgumentParser
import CSSSClinic
import Foundation

/// `csss report verify`.
struct ReportVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a report file's seal: who sealed it and when, or exactly what does not hold.",
        discussion: """
            With --password (or CSSS_REPORT_PASSWORD) it also checks that the password opens the report and \
            that the seal code printed in it is the sealed one. Exit status 1 when the seal does not hold.

            Example:
              csss report verify report-3.pdf --user dr.rao
            """
    )

    @Argument(help: ArgumentHelp("The report file.", valueName: "file")) var file: String
    @Option(help: "The patient's PDF password.") var password: String?
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("cannot read \(file): \(error.localizedDescription)")
            throw ExitCode(1)
        }
        let password = password ?? ProcessInfo.processInfo.environment["CSSS_REPORT_PASSWORD"]
        let verification = try await login.withSession { session in try session.verifyReport(data, password: password) }
        if verification.isValid {
            print("\(file): \(verification)")
        } else {
            printError("\(file): \(verification)")
            throw ExitCode(1)
        }
    }
}
