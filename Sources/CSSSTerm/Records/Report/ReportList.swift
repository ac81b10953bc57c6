import ArgumentParser
import CSSSClinic
import Foundation

/// `csss report list`.
struct ReportList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List reports (a patient sees their own).",
        discussion: "Example:\n  csss report list --patient 12 --user dr.rao"
    )

    @Option(name: .customLong("patient"), help: ArgumentHelp("Only this patient's.", valueName: "id")) var patientID: Int64?
    @Flag(help: "Print a JSON array.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let reports = try await login.withSession { session in try session.listReports(patientID: patientID) }
        if json {
            print(JSONValue.array(reports.map(\.json)).text)
            return
        }
        if reports.isEmpty { print("No reports.") }
        let format = ISO8601DateFormatter()
        for report in reports {
            print("\(report.reportID)\tpatient \(report.patientID)\tscan \(report.scanID)\tv\(report.latestVersion)\t"
                  + "\(report.sealCode ?? "-")\t\(format.string(from: report.updatedAt))")
        }
    }
}
