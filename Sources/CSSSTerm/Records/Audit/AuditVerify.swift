import ArgumentParser
import CSSSClinic
import Foundation

/// `csss audit verify`.
struct AuditVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that no audit event was changed, deleted, inserted or reordered.",
        discussion: """
            Each event's keyed hash covers the one before it. Exit status 1 when the chain is broken, with \
            one line per problem naming the event.

            Example:
              csss audit verify --user admin
            """
    )

    @Flag(help: "Print the result as JSON.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let verification = try await login.withSession { session in try session.verifyAudit() }
        if json {
            print(JSONValue.object([
                ("intact", .bool(verification.isIntact)), ("events", .integer(verification.eventCount)),
                ("problems", .array(verification.problems.map { .string($0.description) })),
            ]).text)
        } else if verification.isIntact {
            let range = verification.firstSeq.map { "\($0)…\(verification.lastSeq ?? $0)" } ?? "none"
            print("Audit trail intact: \(verification.eventCount) events (\(range)).")
        } else {
            for problem in verification.problems { printError(problem.description) }
            printError("Audit trail BROKEN: \(verification.problems.count) problem(s) in \(verification.eventCount) events.")
        }
        if !verification.isIntact { throw ExitCode(1) }
    }
}
