import ArgumentParser

/// `csss scan`: scans in patients' records.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import scans into a patient's record, list them, and run the model on them.",
        subcommands: [ScanImport.self, ScanList.self, ScanQuarantine.self, ScanPredict.self]
    )
}
