import ArgumentParser
import CSSSClinic
import Foundation

/// `csss scan list`.
struct ScanList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List a patient's scans.",
        discussion: "Example:\n  csss scan list --patient 12 --user dr.rao"
    )

    @Option(name: .customLong("patient"), help: ArgumentHelp("The patient's id.", valueName: "id"))
    var patientID: Int64
    @Flag(help: "Print a JSON array.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let scans = try await login.withSession { session in try session.scans(ofPatient: patientID) }
        if json {
            print(JSONValue.array(scans.map { scan in
                .object([("id", .integer(Int(scan.id))), ("format", .string(scan.format)),
                         ("modality", scan.modality.map(JSONValue.string) ?? .null),
                         ("width", .integer(scan.width)), ("height", .integer(scan.height)),
                         ("sha256", .string(scan.sha256)), ("file", .string(scan.originalName)),
                         ("imported_at", .string(ISO8601DateFormatter().string(from: scan.importedAt)))])
            }).text)
            return
        }
        if scans.isEmpty { print("No scans.") }
        for scan in scans {
            print("\(scan.id)\t\(scan.format)\t\(scan.modality ?? "-")\t\(scan.width)×\(scan.height)\t\(scan.originalName)")
        }
    }
}
