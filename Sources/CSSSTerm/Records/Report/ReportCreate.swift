import ArgumentParser
import CSSSClinic
import Foundation

/// `csss report create`.
struct ReportCreate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Make the report of a scan's latest prediction: an A4 PDF, AES-256 encrypted and sealed.",
        discussion: """
            The patient's password is printed once: hand it over on a second channel ('csss notify' sends it \
            by WhatsApp). The owner password is PDF_ENCRYPTION_KEY. HOSPITAL_NAME and HOSPITAL_LOGO brand it.

            Example:
              csss report create --scan 7 --remarks "Right lower zone opacity; correlate clinically." --out r7.pdf --user dr.rao
            """
    )

    @Option(name: .customLong("scan"), help: ArgumentHelp("The scan's id.", valueName: "id")) var scanID: Int64
    @Option(help: "The doctor's remarks.") var remarks: String = ""
    @OptionGroup var output: ReportOutput
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let settings = try await ClinicCommand.run { try ReportSettings(environment: ClinicEnvironment.current()) }
        let report = try await login.withSession { session in
            try session.createReport(scanID: scanID, remarks: remarks, settings: settings)
        }
        try output.show(report)
    }
}

/// `csss report amend`.
struct ReportAmend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "amend",
        abstract: "Make a new version of a report with new remarks; earlier versions stay as they were.",
        discussion: "Example:\n  csss report amend 3 --remarks \"Addendum: CT advised.\" --user dr.rao"
    )

    @Argument(help: ArgumentHelp("The report's id.", valueName: "report-id")) var reportID: Int64
    @Option(help: "The doctor's remarks for the new version.") var remarks: String
    @OptionGroup var output: ReportOutput
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let settings = try await ClinicCommand.run { try ReportSettings(environment: ClinicEnvironment.current()) }
        let report = try await login.withSession { session in
            try session.amendReport(reportID, remarks: remarks, settings: settings)
        }
        try output.show(report)
    }
}

/// Where `create` and `amend` put the new version, and how they print it.
struct ReportOutput: ParsableArguments {
    @Option(help: ArgumentHelp("Also write the encrypted PDF here.", valueName: "file")) var out: String?
    @Flag(help: "Print the report id, version, password and seal as JSON.") var json = false

    func show(_ report: IssuedReport) throws {
        if let out { try ReportFile.write(Array(report.pdf), to: out) }
        if json {
            print(report.json.text)
            return
        }
        let amends = report.amendsVersion.map { ", amends version \($0)" } ?? ""
        print("Report \(report.reportID) version \(report.version)\(amends), seal \(report.sealCode)")
        print("Patient's PDF password: \(report.password)   (shown once; hand it over on another channel)")
        if let out { print("Written to \(out) (AES-256 encrypted)") }
    }
}
