import ArgumentParser
import CSSSClinic
import Foundation

/// `csss scan quarantine`.
struct ScanQuarantine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "List files refused at import, with their reasons (administrators)."
    )

    @Flag(help: "Print a JSON array.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let files = try await login.withSession { session in try session.quarantinedFiles() }
        if json {
            print(JSONValue.array(files.map { file in
                .object([("id", .integer(Int(file.id))), ("patient_id", file.patientID.map { .integer(Int($0)) } ?? .null),
                         ("file", .string(file.originalName)), ("bytes", .integer(Int(file.byteCount))),
                         ("reason", .string(file.reason))])
            }).text)
            return
        }
        if files.isEmpty { print("Quarantine is empty.") }
        for file in files { print("\(file.id)\t\(file.originalName)\t\(file.reason)") }
    }
}
