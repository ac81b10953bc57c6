import ArgumentParser

/// `csss user`: accounts.
struct User: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage accounts, passwords and two-factor authentication.",
        subcommands: [UserAdd.self, UserList.self, UserDisable.self, UserEnable.self, UserUnlock.self,
                      UserResetTwoFactor.self, UserPasswd.self, UserTOTPEnroll.self]
    )
}
