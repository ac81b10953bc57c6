import ArgumentParser

/// The `csss` command: the workstation's entry point and every workflow as a subcommand.
@main
struct CSSS: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "csss",
        abstract: "Clinical Scan Support System: AI-assisted screening of chest X-ray, CT and MRI scans.",
        discussion: """
            CSSS assists clinicians and never replaces them: every prediction it shows is a screening aid, \
            not a diagnosis.
            """,
        subcommands: [
            Init.self, Login.self, Logout.self, User.self, PatientCommand.self, Scan.self, Report.self, Notify.self, OutboxCommand.self, Audit.self,
            Backup.self, Restore.self,
            Predict.self, Bench.self, View.self, Inspect.self, Deidentify.self, Split.self, Train.self, Evaluate.self,
        ]
    )
}
