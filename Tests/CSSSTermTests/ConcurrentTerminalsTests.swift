import CSSSTestSupport
import Foundation
import Testing

/// Several terminals (processes) on one installation, and processes killed mid-write.
@Suite("Concurrent terminals and crashes", .serialized)
struct ConcurrentTerminalsTests {
    private static func start(_ arguments: [String], environment: [String: String]) throws -> Process {
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    private static func sqlite(_ database: String, _ sql: String) throws -> String {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [database, sql]
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("eight terminals adding patients at once all succeed, nothing is lost, and the audit chain verifies")
    func parallelWriters() throws {
        let install = try CommandInstallation()
        let writers = try (0..<8).map { index in
            try Self.start(["patient", "add", "--mrn", "PAR-\(index)", "--name", "Parallel \(index)"], environment: install.environment)
        }
        for writer in writers { writer.waitUntilExit() }
        #expect(writers.allSatisfy { $0.terminationStatus == 0 })
        let database = install.home.file("csss.sqlite").path
        #expect(try Self.sqlite(database, "SELECT COUNT(*) FROM patient") == "8")
        #expect(try Self.sqlite(database, "SELECT COUNT(*) FROM audit_event WHERE action = 'patient.create'") == "8")
        let verify = try install.run(["audit", "verify"])
        #expect(verify.status == 0, "\(verify.standardError)")
    }

    @Test("a writer that cannot get the database within the busy timeout gets one clear line and changes nothing")
    func busyTimeout() throws {
        let install = try CommandInstallation()
        let database = install.home.file("csss.sqlite").path
        // Another program holds the write lock for three seconds.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import sqlite3, sys, time
            db = sqlite3.connect(sys.argv[1], isolation_level=None)
            db.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(3); db.execute('ROLLBACK')
            """, database]
        let ready = Pipe()
        holder.standardOutput = ready
        try holder.run()
        _ = ready.fileHandleForReading.availableData  // "locked"
        let blocked = try install.run(["patient", "add", "--mrn", "BUSY-1", "--name", "Waiting Patient"],
                                      extra: ["CSSS_BUSY_TIMEOUT_SECONDS": "1"])
        holder.waitUntilExit()
        #expect(blocked.status == 1)
        #expect(blocked.standardError.hasSuffix("is busy in another terminal; try again\n"))
        #expect(blocked.standardError.split(separator: "\n").count == 1)
        #expect(try Self.sqlite(database, "SELECT COUNT(*) FROM patient") == "0")
        // Once the lock is gone, the same command goes through.
        #expect(try install.run(["patient", "add", "--mrn", "BUSY-1", "--name", "Waiting Patient"]).status == 0)
    }

    @Test("an import killed at any moment leaves whole scans with their blobs and a verifiable trail; rerunning completes it")
    func killedMidImport() throws {
        let install = try CommandInstallation()
        try CommandInstallation.expectSuccess(install.run(["patient", "add", "--mrn", "KILL-1", "--name", "Crash Test"]))
        let folder = try TemporaryFolder("csss-kill")
        for index in 0..<120 {
            let image = SyntheticImages.rgb(width: 256, height: 256) { x, y in [UInt8((x * 3 + index) & 255), UInt8((y * 5) & 255), UInt8(index * 2)] }
            try PNGFile.data(image).write(to: folder.file(String(format: "scan-%02d.png", index)))
        }
        let database = install.home.file("csss.sqlite").path
        var counts: [Int] = []
        for delay in [0.15, 0.3, 0.45] {
            let importer = try Self.start(["scan", "import", "--patient", "1", folder.url.path], environment: install.environment)
            Thread.sleep(forTimeInterval: delay)
            kill(importer.processIdentifier, SIGKILL)
            importer.waitUntilExit()

            #expect(try Self.sqlite(database, "PRAGMA integrity_check") == "ok")
            for blob in try Self.sqlite(database, "SELECT blob_id FROM scan").split(separator: "\n") {
                let file = install.home.url.appendingPathComponent("vault/\(blob.prefix(2))/\(blob).blob").path
                #expect(FileManager.default.fileExists(atPath: file), "scan row without its blob \(blob)")
            }
            let scans = Int(try Self.sqlite(database, "SELECT COUNT(*) FROM scan")) ?? -1
            let events = Int(try Self.sqlite(database, "SELECT COUNT(*) FROM audit_event WHERE action = 'scan.import' AND subject LIKE 'scan:%' AND detail IS NULL")) ?? -2
            counts.append(scans)
            #expect(scans == events, "every stored scan has its audit event and no event lacks its scan")
            let verify = try install.run(["audit", "verify"])
            #expect(verify.status == 0, "\(verify.standardError)")
        }
        // The kills landed mid-import, not after it had finished.
        #expect(counts.contains { $0 > 0 && $0 < 120 }, "no kill landed mid-import: \(counts)")
        let finished = try install.run(["scan", "import", "--patient", "1", folder.url.path])
        #expect(finished.status == 0, "\(finished.standardError)")
        #expect(try Self.sqlite(database, "SELECT COUNT(*) FROM scan") == "120")
    }
}
