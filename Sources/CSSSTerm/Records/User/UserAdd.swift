import ArgumentParser
import CSSSClinic

/// `csss user add`: a new account with a one-time password.
struct UserAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Create an account (administrators). Prints its one-time password.",
        discussion: """
            Example:
              csss user add dr.rao --role doctor --name "Dr. Priya Rao" --user admin
              csss user add p-1001 --role patient --patient 1 --user admin --json
            """
    )

    @Argument(help: "The new user name (3–32 letters, digits, '.', '_', '-').")
    var newUsername: String

    @Option(help: "admin, doctor or patient.")
    var role: Role

    @Option(name: .customLong("name"), help: "The person's name, as shown on screens.")
    var displayName: String?

    @Option(name: .customLong("patient"), help: ArgumentHelp("For a patient account: their patient record.", valueName: "id"))
    var patientID: Int64?

    @Flag(help: "Print the account and its one-time password as JSON.")
    var json = false

    @OptionGroup var login: LoginOptions

    func run() async throws {
        let account = try await login.withSession { session in
            try session.addUser(username: newUsername, role: role, displayName: displayName, patientID: patientID)
        }
        if json {
            print(JSONValue.object([("user", account.user.json), ("one_time_password", .string(account.oneTimePassword))]).text)
        } else {
            print("Created \(account.user.role.rawValue) '\(account.user.username)' (id \(account.user.id)).")
            print("One-time password: \(account.oneTimePassword)  (it must be changed at first login)")
        }
    }
}

extension Role: ExpressibleByArgument {}
