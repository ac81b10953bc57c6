import ArgumentParser
import CSSSClinic

/// `csss patient list`.
struct PatientList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List patients, or find them by name.",
        discussion: """
            Restricted records are left out; open one with 'csss patient show ID --break-glass REASON'.

            Example:
              csss patient list --name verma --user dr.rao
            """
    )

    @Option(help: "Only names containing this (case and accents ignored).") var name: String?
    @Flag(help: "Print a JSON array.") var json = false
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let patients = try await login.withSession { session in try session.listPatients(nameContaining: name) }
        if json {
            print(JSONValue.array(patients.map(\.json)).text)
            return
        }
        if patients.isEmpty { print("No patients.") }
        for patient in patients {
            print(String(patient.id).padding(toLength: 6, withPad: " ", startingAt: 0)
                  + patient.details.mrn.padding(toLength: 14, withPad: " ", startingAt: 0) + patient.details.name)
        }
    }
}
