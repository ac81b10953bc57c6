import ArgumentParser
import CSSSClinic
import Foundation

/// `csss scan import`.
struct ScanImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import scans (PNG, JPEG, DICOM) into a patient's record; a folder imports all its scans.",
        discussion: """
            Each file is validated, hashed (a file already in the record is not stored twice) and kept \
            encrypted in the vault. A file that is not a usable scan is quarantined with its reason \
            ('csss scan quarantine' lists them); links out of a folder and '..' paths are refused. \
            Exit status 1 when any file was not imported.

            Example:
              csss scan import --patient 12 chest_pa.dcm lateral.png --user dr.rao
              csss scan import --patient 12 /media/usb/study-0413/ --json --user dr.rao
            """
    )

    @Option(name: .customLong("patient"), help: ArgumentHelp("The patient's id.", valueName: "id"))
    var patientID: Int64

    @Argument(help: ArgumentHelp("Scan files or folders.", valueName: "file"))
    var files: [String]

    @Flag(help: "Print one JSON array of results.")
    var json = false

    @OptionGroup var login: LoginOptions

    func run() async throws {
        let source = ImportSource(arguments: files)
        let results = try await login.withSession { session in
            try session.importScans(source, patientID: patientID) { done, total, result in
                // Progress goes to stderr so stdout stays clean for --json.
                FileHandle.standardError.write(Data("[\(done)/\(total)] \(Self.line(for: result))\n".utf8))
            }
        }
        if json { print(JSONValue.array(results.map(\.json)).text) }
        let imported = results.filter(\.isNewScan).count
        let problems = results.filter(\.needsAttention).count
        if !json {
            print("\(imported) imported, \(results.count - imported - problems) already present, \(problems) not imported")
        }
        if problems > 0 { throw ExitCode(1) }
    }

    static func line(for result: ImportResult) -> String {
        switch result.outcome {
        case .imported(let id): "\(result.path): imported as scan \(id)"
        case .duplicate(let id): "\(result.path): already in the record as scan \(id)"
        case .linkedDuplicate(let id, let original): "\(result.path): scan \(id), same file as scan \(original) (stored once)"
        case .quarantined(let id, let reason): "\(result.path): quarantined (\(id)): \(reason)"
        case nil: result.refusal ?? "\(result.path): refused"
        }
    }
}
