import ArgumentParser
import CSSSClinic
import Foundation

/// `csss outbox`: the deliveries waiting, sent, retrying and given up.
struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox",
        abstract: "List deliveries and send the ones that are due.",
        subcommands: [OutboxList.self, OutboxRun.self]
    )
}

/// `csss outbox list`.
struct OutboxList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List deliveries (doctors and administrators).",
        discussion: "Example:\n  csss outbox list --state dead --user dr.rao"
    )

    @Option(help: "pending, sending, sent, failed or dead.") var state: DeliveryState?
    @Flag(help: "Print a JSON array.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let records = try await login.withSession { session in try session.deliveries(in: state) }
        OutboxTable.print(records, json: json)
    }
}

/// `csss outbox run`.
struct OutboxRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Send every delivery that is due; without --once, keep doing so every few seconds.",
        discussion: """
            It sends only what doctors queued, as the system (audited as such), so it needs the master key \
            but no login: run it from a timer or a service.

            Example:
              csss outbox run --once
            """
    )

    @Flag(help: "Send what is due now, then stop.") var once = false
    @Option(help: "Seconds between runs without --once.") var interval: Double = 15

    func run() async throws {
        let clinic = try await ClinicCommand.openClinic()
        let outbox = try await ClinicCommand.run { try Outbox.configured(clinic: clinic, environment: ClinicEnvironment.current()) }
        repeat {
            let summary = try await ClinicCommand.run { try outbox.run() }
            if summary.processed > 0 || once {
                print("\(summary.sent) sent, \(summary.retrying) to retry, \(summary.dead) given up")
            }
            if !once { try await Task.sleep(for: .seconds(interval)) }
        } while !once
    }
}

extension DeliveryState: ExpressibleByArgument {}

/// How deliveries are printed.
enum OutboxTable {
    static func print(_ records: [DeliveryRecord], json: Bool) {
        if json {
            Swift.print(JSONValue.array(records.map(\.json)).text)
            return
        }
        if records.isEmpty { Swift.print("No deliveries.") }
        for record in records {
            var line = "\(record.id)\treport \(record.reportID) v\(record.reportVersion)\t\(record.channel.rawValue)\t"
                + "\(record.state.rawValue)\t\(record.attempts) attempt(s)"
            if let error = record.lastError, record.state != .sent { line += "\t\(error)" }
            Swift.print(line)
        }
    }
}
