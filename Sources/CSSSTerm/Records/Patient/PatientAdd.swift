import ArgumentParser
import CSSSClinic

/// `csss patient add`.
struct PatientAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Register a patient (doctors and administrators).",
        discussion: """
            Example:
              csss patient add --mrn MRN-1001 --name "Asha Verma" --birth-date 1984-02-29 --sex F \\
                --email asha@example.org --phone +919812345678 --user dr.rao
            """
    )

    @Option(help: "Medical record number (unique).") var mrn: String
    @Option(help: "Full name.") var name: String
    @Option(help: ArgumentHelp("Date of birth.", valueName: "YYYY-MM-DD")) var birthDate: String?
    @Option(help: "F, M, O or U.") var sex: String?
    @Option(help: "Email for reports.") var email: String?
    @Option(help: ArgumentHelp("Phone for WhatsApp, E.164.", valueName: "+CC...")) var phone: String?
    @Flag(help: "Restrict the record: doctors open it only through audited break-glass access.") var restricted = false
    @Flag(help: "Print the record as JSON.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let details = PatientDetails(mrn: mrn, name: name, birthDate: birthDate, sex: sex, email: email, phone: phone,
                                     restricted: restricted)
        let patient = try await login.withSession { session in try session.addPatient(details) }
        if json { print(patient.json.text) } else { print(patient.lines.joined(separator: "\n")) }
    }
}
