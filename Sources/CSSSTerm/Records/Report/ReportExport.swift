import ArgumentParser
import CSSSClinic
import Foundation

/// `csss report export`.
struct ReportExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a report's sealed, encrypted PDF to a file (the latest version unless --version).",
        discussion: "Example:\n  csss report export 3 --out report-3.pdf --user dr.rao"
    )

    @Argument(help: ArgumentHelp("The report's id.", valueName: "report-id")) var reportID: Int64
    @Option(help: "Which version.") var version: Int?
    @Option(help: ArgumentHelp("Where to write it.", valueName: "file")) var out: String
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let exported = try await login.withSession { session in try session.exportReport(reportID, version: version) }
        try ReportFile.write(Array(exported.pdf), to: out)
        print("Report \(reportID) version \(exported.version) written to \(out) (AES-256 encrypted)")
    }
}
