import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

/// A real installation driven only through the `csss` binary, as an administrator's script would:
/// `init`, the first password change, two-factor enrolment, then one `csss login` whose token the
/// other commands use.
final class CommandInstallation {
    let home: TemporaryFolder
    let adminPassword = "quiet lanterns over the harbour"
    private(set) var session = ""
    private(set) var totp: TOTP!
    private(set) var recoveryCodes: [String] = []

    var environment: [String: String] { ["CSSS_HOME": home.url.path, "CSSS_SESSION": session] }

    init() throws {
        home = try TemporaryFolder("csss-records")
        let bare = ["CSSS_HOME": home.url.path]
        let initialised = try CommandRunner.run(["init", "--json"], environment: bare)
        let report = try JSONSerialization.jsonObject(with: Data(initialised.standardOutput.utf8)) as! [String: String]
        let once = report["one_time_password"]!
        try Self.expectSuccess(CommandRunner.run(["user", "passwd", "--user", "admin"], environment: bare.merging(
            ["CSSS_PASSWORD": once, "CSSS_NEW_PASSWORD": adminPassword]) { $1 }))
        let login = bare.merging(["CSSS_PASSWORD": adminPassword]) { $1 }
        let enrolment = try CommandRunner.run(["user", "totp-enroll", "--json", "--user", "admin"], environment: login)
        let secret = (try JSONSerialization.jsonObject(with: Data(enrolment.standardOutput.utf8)) as! [String: String])["secret"]!
        totp = TOTP(secret: try Base32.decode(secret))
        let confirmed = try CommandRunner.run(["user", "totp-enroll", "--confirm", totp.code(at: Date()), "--json", "--user", "admin"],
                                              environment: login)
        try Self.expectSuccess(confirmed)
        recoveryCodes = (try JSONSerialization.jsonObject(with: Data(confirmed.standardOutput.utf8)) as! [String: [String]])["recovery_codes"]!
        // Enrolment spent the current step; the next step's code is the first one accepted.
        let opened = try CommandRunner.run(["login", "--user", "admin"],
                                           environment: login.merging(["CSSS_TOTP": totp.code(at: Date().addingTimeInterval(30))]) { $1 })
        try Self.expectSuccess(opened)
        session = opened.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func run(_ arguments: [String], extra: [String: String] = [:]) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, environment: environment.merging(extra) { $1 })
    }

    /// Runs a command as a freshly created doctor (password only: two-factor is optional for them).
    func runAsDoctor(_ arguments: [String]) throws -> CommandRunner.Result {
        try run(arguments + ["--user", "dr.rao"], extra: ["CSSS_SESSION": "", "CSSS_PASSWORD": "violet tram at dawn, seat 42"])
    }

    func addDoctor() throws {
        let added = try run(["user", "add", "dr.rao", "--role", "doctor", "--json"])
        let once = ((try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as! [String: Any])["one_time_password"] as! String)
        try Self.expectSuccess(run(["user", "passwd", "--user", "dr.rao"],
                                   extra: ["CSSS_SESSION": "", "CSSS_PASSWORD": once, "CSSS_NEW_PASSWORD": "violet tram at dawn, seat 42"]))
    }

    static func expectSuccess(_ result: CommandRunner.Result, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(result.status == 0, "\(result.standardError)", sourceLocation: sourceLocation)
        if result.status != 0 { throw CancellationError() }
    }
}

@Suite("Records from the command line", .serialized)
struct RecordsCommandTests {
    @Test("init --json names the data directory, the admin and a one-time password that works once")
    func initJSON() throws {
        let home = try TemporaryFolder("csss-init")
        let result = try CommandRunner.run(["init", "--json"], environment: ["CSSS_HOME": home.url.path])
        let report = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as! [String: String]
        #expect(Set(report.keys) == ["data_dir", "admin_user", "one_time_password"])
        #expect(report["admin_user"] == "admin")
        let env = ["CSSS_HOME": home.url.path, "CSSS_PASSWORD": report["one_time_password"]!]
        let refused = try CommandRunner.run(["user", "list", "--user", "admin"], environment: env)
        #expect(refused.status == 1)
        #expect(refused.standardError == "csss: refused: change the one-time password first ('csss user passwd')\n")
        let again = try CommandRunner.run(["init"], environment: ["CSSS_HOME": home.url.path])
        #expect(again.status == 1 && again.standardError.contains("already initialised"))
    }

    @Test("a wrong password and a refused action each end with one line and exit 1")
    func refusals() throws {
        let install = try CommandInstallation()
        try install.addDoctor()
        let wrong = try install.run(["user", "list", "--user", "dr.rao"], extra: ["CSSS_SESSION": "", "CSSS_PASSWORD": "not my password at all"])
        #expect(wrong.status == 1)
        #expect(wrong.standardError.split(separator: "\n").count == 1 && wrong.standardError.hasPrefix("csss: login failed"))
        let refused = try install.runAsDoctor(["user", "list"])
        #expect(refused.status == 1)
        #expect(refused.standardError == "csss: refused: a doctor may not manage users\n")
        let audit = try install.run(["audit", "export", "--format", "json"])
        let events = try JSONSerialization.jsonObject(with: Data(audit.standardOutput.utf8)) as! [[String: Any]]
        #expect(events.contains { $0["action"] as? String == "access.refused" && ($0["detail"] as? String)?.hasPrefix("user.list") == true })
        #expect(events.contains { $0["action"] as? String == "login.failed" })
    }

    @Test("patients, a folder import with a duplicate, a broken file and a link out of the folder, and the quarantine")
    func patientAndImport() throws {
        let install = try CommandInstallation()
        let added = try install.run(["patient", "add", "--mrn", "MRN-1001", "--name", "Asha Verma", "--phone", "+91 98123 45678", "--json"])
        try CommandInstallation.expectSuccess(added)
        let patient = try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) as! [String: Any]
        #expect(patient["phone"] as? String == "+919812345678")
        let id = "\(patient["id"] as! Int)"

        let folder = try TemporaryFolder("csss-import")
        let png = PNGFile.data(SyntheticImages.gradientWithBlocks(width: 64, height: 48))
        try png.write(to: folder.file("Asha_Verma_chest.png"))
        try png.write(to: folder.file("copy.png"))
        try Data("not an image".utf8).write(to: folder.file("notes.png"))
        try FileManager.default.createSymbolicLink(atPath: folder.file("escape.png").path, withDestinationPath: "/etc/hostname")
        let imported = try install.run(["scan", "import", "--patient", id, folder.url.path, "--json"])
        #expect(imported.status == 1)  // two files were not imported
        let results = try JSONSerialization.jsonObject(with: Data(imported.standardOutput.utf8)) as! [[String: Any]]
        let statuses = Dictionary(uniqueKeysWithValues: results.map { (URL(fileURLWithPath: $0["file"] as! String).lastPathComponent, $0["status"] as! String) })
        #expect(statuses == ["Asha_Verma_chest.png": "imported", "copy.png": "duplicate", "notes.png": "quarantined", "escape.png": "refused"])
        #expect(imported.standardError.contains("[4/4]"))

        let quarantine = try install.run(["scan", "quarantine", "--json"])
        let quarantined = try JSONSerialization.jsonObject(with: Data(quarantine.standardOutput.utf8)) as! [[String: Any]]
        #expect(quarantined.map { $0["file"] as? String } == ["notes.png"])
        let listed = try install.run(["scan", "list", "--patient", id])
        #expect(listed.standardOutput.contains("64×48"))
    }

    @Test("audit verify passes, then finds an event changed and one deleted with sqlite3, exiting 1")
    func tamperingWithSQLite() throws {
        let install = try CommandInstallation()
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "M-1", "--name", "A Patient"]))
        let intact = try install.run(["audit", "verify"])
        #expect(intact.status == 0 && intact.standardOutput.hasPrefix("Audit trail intact"))
        let database = install.home.file("csss.sqlite").path
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [database, "UPDATE audit_event SET detail = 'nothing happened' WHERE seq = 2; DELETE FROM audit_event WHERE seq = 4;"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let broken = try install.run(["audit", "verify"])
        #expect(broken.status == 1)
        #expect(broken.standardError.contains("event 2 was changed"))
        #expect(broken.standardError.contains("event 4 is missing"))
    }

    @Test("audit export writes CSV with a header and JSON for a date range")
    func auditExport() throws {
        let install = try CommandInstallation()
        let csv = try install.run(["audit", "export", "--format", "csv", "--from", "2000-01-01", "--to", "2100-01-01"])
        let lines = csv.standardOutput.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        #expect(lines.first == "seq,occurred_at,actor_user_id,actor_role,session_id,action,outcome,patient_id,subject,detail,break_glass,prev_hash,hash")
        #expect(lines.count > 5)
        let none = try install.run(["audit", "export", "--format", "json", "--to", "2000-01-01"])
        #expect(none.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "[]")
        let badDate = try install.run(["audit", "export", "--from", "yesterday"])
        #expect(badDate.status != 0 && badDate.standardError.contains("--from 'yesterday' is not a date"))
    }

    @Test("backup while in use, then restore brings the old state back and keeps the replaced data")
    func backupAndRestore() throws {
        let install = try CommandInstallation()
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "M-1", "--name", "Before Backup"]))
        let destination = try TemporaryFolder("csss-backup")
        let target = destination.file("copy").path
        try CommandInstallation.expectSuccess(install.run(["backup", target]))
        #expect(FileManager.default.fileExists(atPath: destination.file("copy/manifest.json").path))
        #expect(!FileManager.default.fileExists(atPath: destination.file("copy/master.key").path))
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "M-2", "--name", "After Backup"]))

        try CommandInstallation.expectSuccess(install.run(["restore", target]))
        // The session row lived in the replaced database: log in again. The restored database
        // remembers the TOTP step already used, so a recovery code stands in for a fresh step.
        let relogin = try install.run(["login", "--user", "admin"], extra: [
            "CSSS_SESSION": "", "CSSS_PASSWORD": install.adminPassword, "CSSS_TOTP": install.recoveryCodes[0],
        ])
        try CommandInstallation.expectSuccess(relogin)
        let token = relogin.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        let listed = try install.run(["patient", "list"], extra: ["CSSS_SESSION": token])
        #expect(listed.standardOutput.contains("Before Backup") && !listed.standardOutput.contains("After Backup"))
        let replaced = try FileManager.default.contentsOfDirectory(atPath: install.home.url.path).filter { $0.hasPrefix("replaced-") }
        #expect(replaced.count == 1)
        #expect(try install.run(["audit", "verify"], extra: ["CSSS_SESSION": token]).status == 0)
    }
}
