import ArgumentParser
import Foundation

/// `csss report`: sealed, encrypted PDF reports.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, amend, list, export and verify sealed, AES-256 encrypted PDF reports.",
        subcommands: [ReportCreate.self, ReportAmend.self, ReportList.self, ReportExport.self, ReportVerify.self]
    )
}

/// Writes a report file: it is encrypted, so it may leave the vault; the write is atomic.
enum ReportFile {
    static func write(_ pdf: [UInt8], to path: String) throws {
        do {
            try Data(pdf).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            printError("cannot write \(path): \(error.localizedDescription)")
            throw ExitCode(1)
        }
    }
}
