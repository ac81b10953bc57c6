import ArgumentParser
import CSSSClinic
import Foundation

/// `csss audit export`.
struct AuditExport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export audit events for compliance, as CSV or JSON.",
        discussion: """
            --from is inclusive, --to exclusive; both are dates (YYYY-MM-DD, UTC) or ISO-8601 times.

            Example:
              csss audit export --from 2026-11-01 --to 2026-12-01 --format csv --user admin > november.csv
            """
    )

    @Option(help: ArgumentHelp("First day or time.", valueName: "date")) var from: String?
    @Option(help: ArgumentHelp("End (exclusive).", valueName: "date")) var to: String?
    @Option(help: "csv or json.") var format: AuditExportFormat = .csv
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let start = try from.map { try AuditDate.parse($0, option: "--from") }
        let end = try to.map { try AuditDate.parse($0, option: "--to") }
        let text = try await login.withSession { session in try session.exportAudit(from: start, to: end, format: format) }
        print(text, terminator: text.hasSuffix("\n") ? "" : "\n")
    }
}

extension AuditExportFormat: ExpressibleByArgument {}

/// Reads the dates the audit commands take.
enum AuditDate {
    static func parse(_ text: String, option: String) throws -> Date {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        if let date = day.date(from: text) { return date }
        let time = ISO8601DateFormatter()
        if let date = time.date(from: text) { return date }
        time.formatOptions.insert(.withFractionalSeconds)
        if let date = time.date(from: text) { return date }
        throw ValidationError("\(option) '\(text)' is not a date: use YYYY-MM-DD or an ISO-8601 time")
    }
}
