import ArgumentParser
import CSSSClinic

/// `csss patient show`.
struct PatientShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Open a patient's record.",
        discussion: """
            A restricted record needs --break-glass with a reason (doctors only); the access is flagged \
            in the audit trail for review.

            Example:
              csss patient show 12 --user dr.rao
              csss patient show 12 --break-glass "unconscious in ED, no other clinician available" --user dr.rao
            """
    )

    @Argument(help: "The patient's id.") var id: Int64
    @Option(help: ArgumentHelp("Emergency access to a restricted record, with the reason.", valueName: "reason"))
    var breakGlass: String?
    @Flag(help: "Print the record as JSON.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let patient = try await login.withSession { session in
            if let breakGlass { try session.breakGlass(patientID: id, reason: breakGlass) }
            return try session.patient(id)
        }
        if json { print(patient.json.text) } else { print(patient.lines.joined(separator: "\n")) }
    }
}
