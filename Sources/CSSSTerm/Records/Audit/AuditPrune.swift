import ArgumentParser
import CSSSClinic
import Foundation

/// `csss audit prune`.
struct AuditPrune: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Retention: remove events before a date, leaving a signed checkpoint so the rest still verifies.",
        discussion: """
            Refused when the trail does not verify: pruning must not destroy evidence of tampering.

            Example:
              csss audit prune --before 2020-01-01 --user admin
            """
    )

    @Option(help: ArgumentHelp("Remove events before this date.", valueName: "date")) var before: String
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let date = try AuditDate.parse(before, option: "--before")
        let checkpoint = try await login.withSession { session in try session.pruneAudit(before: date) }
        if let checkpoint {
            print("Removed \(checkpoint.removedCount) events through \(checkpoint.throughSeq); signed checkpoint \(checkpoint.id) kept.")
        } else {
            print("No events before \(before).")
        }
    }
}
