import ArgumentParser
import CSSSClinic
import Foundation

/// `csss user list`: every account and its state.
struct UserList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List accounts (administrators).")

    @Flag(help: "Print a JSON array.")
    var json = false

    @OptionGroup var login: LoginOptions

    func run() async throws {
        let users = try await login.withSession { session in try session.listUsers() }
        if json {
            print(JSONValue.array(users.map(\.json)).text)
            return
        }
        print("ID  USER                 ROLE     2FA  STATE")
        for user in users {
            var state = user.enabled ? "enabled" : "disabled"
            if let until = user.lockedUntil, until > Date() { state += ", locked" }
            if user.mustChangePassword { state += ", one-time password" }
            print(String(user.id).padding(toLength: 4, withPad: " ", startingAt: 0)
                  + user.username.padding(toLength: 21, withPad: " ", startingAt: 0)
                  + user.role.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
                  + (user.twoFactorEnrolled ? "yes  " : "no   ") + state)
        }
    }
}
