import ArgumentParser
import CSSSClinic
import Foundation

/// `csss inspect`: what a scan file holds and how CSSS would read it, before any prediction.
struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a scan's metadata, pixel statistics and how it would be preprocessed.",
        discussion: """
            For DICOM: the transfer syntax, patient, study, series, modality, body part, dates, pixel \
            spacing and windows (patient data is shown as the file holds it), the image size, bits and \
            photometric interpretation. For every file: the decoded pixels' shape, type, SHA-256, minimum, \
            maximum and mean (DICOM: all frames' stored values before any LUT, as pydicom decodes them), \
            and the window and steps that take it to the model. With --json the last line is one JSON \
            object with the same content. A file whose pixels cannot be decoded is an error (exit 1).

            Example:
              csss inspect CT_small.dcm
              csss inspect --json chest.jpeg
            """
    )

    @Flag(help: "Print one JSON object instead of the table.")
    var json = false

    @Argument(help: ArgumentHelp("The scan to inspect (DICOM, PNG or JPEG).", valueName: "file"))
    var file: String

    func run() throws {
        let inspection: ScanInspection
        do {
            inspection = try ScanInspection(contentsOf: URL(fileURLWithPath: file))
        } catch {
            printError("\(error)")  // every reading and decoding error names its file
            throw ExitCode(1)
        }
        if json {
            print(inspection.json.text)
        } else {
            let width = inspection.fields.map(\.label.count).max() ?? 0
            for field in inspection.fields {
                print(field.label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + field.value)
            }
        }
    }
}
