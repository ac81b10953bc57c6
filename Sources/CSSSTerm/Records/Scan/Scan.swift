import ArgumentParser

/// `csss scan`: scans in patients' records.
struct Scan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import scans into a patient's record and list them.",
        subcommands: [ScanImport.self, ScanList.self, ScanQuarantine.self]
    )
}
