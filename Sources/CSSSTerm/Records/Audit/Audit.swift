import ArgumentParser

/// `csss audit`: the tamper-evident audit trail.
struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Verify, export and prune the audit trail (administrators).",
        subcommands: [AuditVerify.self, AuditExport.self, AuditPrune.self]
    )
}
