import ArgumentParser
import CSSSClinic
import Foundation

/// `csss deidentify`: de-identifies DICOM scans for export, one output file per input.
struct Deidentify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deidentify",
        abstract: "De-identify DICOM files for export (DICOM PS3.15 Basic Confidentiality Profile).",
        discussion: """
            Writes <name>.deid.dcm (<name>-2.deid.dcm… for a name met before) for each input into --out \
            (created with mode 0700): patient, physician, institution and device identifiers, dates and \
            free text are removed, emptied or replaced as DICOM PS3.15 Annex E Table E.1-1 asks, private \
            attributes, curves and overlays are removed, and study, series, instance and reference UIDs \
            are replaced by new ones. Pixels are kept exactly, so text burned into the image is not \
            removed: a file whose Burned In Annotation is YES gets a warning line.

            New UIDs come from a keyed hash: with --key-file, the same original UID gives the same new UID \
            in every run with that key, so files exported on different days still form one study. Without \
            --key-file a random key is used, and UIDs are consistent within this run only. Keep the key \
            secret: it is what stops a new UID from being traced back.

            Prints one line per file; a file that cannot be de-identified gets one error line naming it, \
            the others go on, and the exit status is then 1.

            Example:
              head -c 32 /dev/urandom > export.key
              csss deidentify scans/*.dcm --out export --key-file export.key
            """
    )

    @Argument(help: ArgumentHelp("The DICOM files to de-identify.", valueName: "input"))
    var inputs: [String]

    @Option(help: ArgumentHelp("Folder to write the de-identified files into.", valueName: "folder"))
    var out: String

    @Option(help: ArgumentHelp("Secret key (at least 16 bytes) for consistent UIDs across runs. Default: a random key for this run.",
                               valueName: "path"))
    var keyFile: String?

    func run() throws {
        let session: ScanDeidentification
        let folder = URL(fileURLWithPath: out)
        do {
            session = try keyFile.map { path throws(ScanDeidentificationError) in
                try ScanDeidentification(keyFile: URL(fileURLWithPath: path))
            } ?? .withRandomKey()
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            printError("\(error)")
            throw ExitCode(1)
        }
        var failed = false
        var names = OutputNames()
        for input in inputs {
            let source = URL(fileURLWithPath: input)
            let output = folder.appendingPathComponent(names.next(for: source.deletingPathExtension().lastPathComponent))
            do {
                let scan = try session.deidentify(fileAt: source, to: output)
                print("\(input) -> \(output.path)")
                if scan.hasBurnedInAnnotation {
                    printError("warning: \(output.path): Burned In Annotation is YES; text in the pixels was not removed")
                }
            } catch {
                printError("\(error)")
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }
}

/// `<name>.deid.dcm`, or `<name>-2.deid.dcm`… when an earlier input of the run had the same name, so that
/// `a/scan.dcm` and `b/scan.dcm` do not overwrite each other.
private struct OutputNames {
    private var used: Set<String> = []

    mutating func next(for name: String) -> String {
        var candidate = "\(name).deid.dcm"
        var number = 2
        while used.contains(candidate) {
            candidate = "\(name)-\(number).deid.dcm"
            number += 1
        }
        used.insert(candidate)
        return candidate
    }
}
