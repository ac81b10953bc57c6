import ArgumentParser
import CSSSClinic
import Foundation

/// `csss init`: a new installation and its first administrator.
struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create the data directory, its master key, the database and the first administrator.",
        discussion: """
            The administrator gets a one-time password, printed once: the first login must replace it and \
            enrol two-factor authentication. The master key comes from CSSS_MASTER_KEY when set; otherwise \
            a new key file (mode 0600) is written beside the database. Keep it, and back it up apart from \
            the data: a backup opens only with it.

            Example:
              CSSS_HOME=/srv/csss csss init
              csss init --json
            """
    )

    @Flag(help: "Print {\"data_dir\", \"admin_user\", \"one_time_password\"} as JSON.")
    var json = false

    func run() async throws {
        let report = try await ClinicCommand.run {
            try await Clinic.initialize(environment: try ClinicEnvironment.current())
        }
        if json {
            print(report.json.text)
        } else {
            print("""
                Initialised \(report.dataDirectory)
                Master key: \(report.keyDescription)
                Administrator: \(report.adminUser)
                One-time password: \(report.oneTimePassword)

                It works once. Log in and replace it, then enrol two-factor authentication:
                  csss user passwd --user \(report.adminUser)
                  csss user totp-enroll --user \(report.adminUser)
                """)
        }
    }
}
