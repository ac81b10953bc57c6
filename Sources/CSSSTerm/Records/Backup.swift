import ArgumentParser
import CSSSClinic
import Foundation

/// `csss backup`.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database and vault to DEST while terminals keep working (administrators).",
        discussion: """
            The copy is consistent (SQLite's online backup) and has a manifest of SHA-256s. The master key \
            is not in it: keep the key file, or CSSS_MASTER_KEY, apart from the backup.

            Example:
              csss backup /mnt/backup/csss-2026-11-27 --user admin
            """
    )

    @Argument(help: ArgumentHelp("A new or empty folder.", valueName: "dest")) var destination: String
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let manifest = try await login.withSession { session in try session.backup(to: URL(fileURLWithPath: destination)) }
        print("Backed up \(manifest.files.count) files to \(destination)")
    }
}

/// `csss restore`.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring back a backup after checking every file, the database's integrity and the key (administrators).",
        discussion: """
            The data it replaces is moved into replaced-<time>/ in the data directory, not deleted. Close the \
            other terminals first.

            Example:
              csss restore /mnt/backup/csss-2026-11-27 --user admin
            """
    )

    @Argument(help: ArgumentHelp("A folder written by 'csss backup'.", valueName: "src")) var source: String
    @OptionGroup var login: LoginOptions

    func run() async throws {
        let manifest = try await login.withSession { session in try session.restore(from: URL(fileURLWithPath: source)) }
        print("Restored \(manifest.files.count) files from \(source)")
    }
}
