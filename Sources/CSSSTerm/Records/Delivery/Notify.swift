import ArgumentParser
import CSSSClinic
import Foundation

/// `csss notify`: sending reports to patients.
struct Notify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a report to its patient by email and WhatsApp.",
        subcommands: [NotifySend.self]
    )
}

/// `csss notify send`.
struct NotifySend: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Queue a report's latest version for its patient, then send what is due.",
        discussion: """
            The email carries the encrypted PDF, never its password; the WhatsApp message carries the \
            password. The request is stored first, then sent; a failure is retried by 'csss outbox run' \
            and shown in 'csss outbox list --state failed'. Without --email or --whatsapp, both.

            Example:
              csss notify send 3 --email --whatsapp --user dr.rao
            """
    )

    @Argument(help: ArgumentHelp("The report's id.", valueName: "report-id")) var reportID: Int64
    @Flag(help: "Send the encrypted PDF by email.") var email = false
    @Flag(help: "Send the password by WhatsApp.") var whatsapp = false
    @Flag(help: "Only queue it; 'csss outbox run' sends it.") var queueOnly = false
    @Flag(help: "Print the deliveries as JSON.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        var channels: Set<DeliveryChannel> = []
        if email { channels.insert(.email) }
        if whatsapp { channels.insert(.whatsapp) }
        if channels.isEmpty { channels = Set(DeliveryChannel.allCases) }
        let environment = try await ClinicCommand.run { try ClinicEnvironment.current() }
        let records = try await login.withSession { session -> [DeliveryRecord] in
            let queued = try session.requestDelivery(of: reportID, channels: channels)
            guard !queueOnly else { return queued }
            _ = try Outbox.configured(clinic: session.clinic, environment: environment).run()
            let ids = Set(queued.map(\.id))
            return try session.deliveries().filter { ids.contains($0.id) }
        }
        OutboxTable.print(records, json: json)
        if records.contains(where: { $0.state == .dead || $0.state == .failed }) { throw ExitCode(1) }
    }
}
