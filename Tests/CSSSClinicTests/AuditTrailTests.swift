import CSSSStore
import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSClinic

/// A data directory with a store and its audit trail; `reopen()` opens it again as another
/// terminal would.
private struct AuditFixture {
    let folder: TemporaryFolder
    let store: ClinicStore
    let trail: AuditTrail

    init() throws {
        folder = try TemporaryFolder("audit")
        store = try Self.open(folder)
        trail = AuditTrail(store: store)
    }

    static func open(_ folder: TemporaryFolder) throws -> ClinicStore {
        try open(folder.url)
    }

    static func open(_ url: URL) throws -> ClinicStore {
        let directory = DataDirectory(url: url)
        let key = try MasterKey.load(for: directory, environment: ["CSSS_MASTER_KEY": String(repeating: "01", count: 32)])
        return try ClinicStore(directory: directory, masterKey: key)
    }

    func reopen() throws -> AuditTrail {
        AuditTrail(store: try Self.open(folder))
    }

    /// Records `count` events, the third refused, some about patient 42.
    @discardableResult
    func recordEvents(_ count: Int) throws -> [AuditEvent] {
        try (1...count).map { index in
            try trail.record(AuditEntry(action: index == 3 ? .accessRefused : .patientView,
                                        outcome: index == 3 ? .refused : .success,
                                        actor: AuditActor(userID: 7, role: "doctor", sessionID: "s-1"),
                                        patientID: index.isMultiple(of: 2) ? 42 : nil,
                                        subject: "scan:\(index)", detail: "n=\(index)"))
        }
    }

    /// Tampers with the database behind CSSS's back.
    func sql(_ statements: String) throws {
        try store.database.writeWithoutTransaction { db in try db.execute(sql: statements) }
    }
}

private struct Boom: Error {}

@Suite("Audit trail")
struct AuditTrailTests {
    @Test("a trail written by CSSS verifies, each event linking to the one before")
    func cleanChain() throws {
        let fixture = try AuditFixture()
        let events = try fixture.recordEvents(5)
        let verification = try fixture.trail.verify()
        #expect(verification.isIntact)
        #expect(verification.problems.isEmpty)
        #expect(verification.eventCount == 5)
        #expect(verification.head == AuditHead(seq: 5, hash: events[4].hash))
        #expect(events.map(\.seq) == [1, 2, 3, 4, 5])
        #expect(events[0].prevHash == String(repeating: "0", count: 64))
        for (before, after) in zip(events, events.dropFirst()) { #expect(after.prevHash == before.hash) }
        let stored = try fixture.trail.events()
        #expect(stored == events)
        #expect(try fixture.trail.events(patientID: 42).map(\.seq) == [2, 4])
        #expect(try fixture.trail.events(actorUserID: 8).isEmpty)
        #expect(try fixture.trail.events(from: Date().addingTimeInterval(60)).isEmpty)
        #expect(stored[2].outcome == .refused && stored[2].action == .accessRefused)
    }

    @Test("a field changed with SQL is reported as a change to that event")
    func changedField() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(5)
        try fixture.sql("UPDATE audit_event SET patient_id = 43 WHERE seq = 4")
        let verification = try fixture.trail.verify()
        #expect(!verification.isIntact)
        #expect(verification.problems == [.changed(seq: 4)])
        #expect(verification.problems[0].description == "event 4 was changed after it was written")
        // The newest event has no successor; the recorded head vouches for its hash instead.
        try fixture.sql("UPDATE audit_event SET break_glass = 1 WHERE seq = 5")
        #expect(try fixture.trail.verify().problems == [.changed(seq: 4), .changed(seq: 5)])
    }

    @Test("a row deleted from the middle is reported as missing by its seq")
    func deletedRow() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(6)
        try fixture.sql("DELETE FROM audit_event WHERE seq IN (3, 4)")
        let problems = try fixture.trail.verify().problems
        #expect(problems == [.missing(3...4)])
        #expect(problems[0].description == "events 3…4 are missing (deleted)")
    }

    @Test("a forged row with a made-up hash is reported, at the end or in place of a real one")
    func forgedRow() throws {
        let fixture = try AuditFixture()
        let events = try fixture.recordEvents(6)
        let made = String(repeating: "ab", count: 32)
        try fixture.sql("""
            INSERT INTO audit_event (seq, occurred_at, action, outcome, prev_hash, hash)
            VALUES (7, '2030-01-01T00:00:00.000Z', 'login', 'success', '\(events[5].hash)', '\(made)')
            """)
        #expect(try fixture.trail.verify().problems == [.forged(seq: 7)])

        try fixture.sql("""
            DELETE FROM audit_event WHERE seq = 7;
            UPDATE audit_event SET hash = '\(made)', detail = 'n=0' WHERE seq = 3
            """)
        let problems = try fixture.trail.verify().problems
        #expect(problems.contains(.forged(seq: 3)))
        #expect(problems.contains(.missing(3...3)))
        #expect(problems.count == 2)
    }

    @Test("two rows whose seqs were swapped are reported as reordered")
    func swappedRows() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(6)
        try fixture.sql("""
            UPDATE audit_event SET seq = 100 WHERE seq = 2;
            UPDATE audit_event SET seq = 2 WHERE seq = 5;
            UPDATE audit_event SET seq = 5 WHERE seq = 100
            """)
        let problems = try fixture.trail.verify().problems
        #expect(problems == [.reordered(seq: 5, position: 2), .reordered(seq: 2, position: 5)])
        #expect(problems[0].description == "event 5 appears at position 2 (events were reordered)")
    }

    @Test("removing the newest events is caught by the head recorded outside the table")
    func truncatedTail() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(6)
        try fixture.sql("DELETE FROM audit_event WHERE seq >= 5")
        let verification = try fixture.trail.verify()
        #expect(verification.problems == [.truncated(5...6)])
        #expect(verification.problems[0].description == "events 5…6 are removed from the end of the trail")
    }

    @Test("a stale head is accepted, but a head whose hash differs is reported")
    func staleAndRewrittenHead() throws {
        let fixture = try AuditFixture()
        let events = try fixture.recordEvents(3)
        try fixture.store.write { db in try fixture.trail.append(AuditEntry(action: .logout, actor: .system), in: db) }
        #expect(try fixture.trail.verify().isIntact)  // head still at 3, table at 4
        try fixture.sql("UPDATE audit_event SET hash = '\(events[0].hash)' WHERE seq = 3")
        #expect(try fixture.trail.verify().problems.contains(.headMismatch(seq: 3)))
    }

    @Test("pruning leaves a signed checkpoint and an intact trail; a tampered checkpoint is reported")
    func prune() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(5)
        #expect(try fixture.trail.prune(before: Date(timeIntervalSince1970: 0), actor: .system) == nil)
        let checkpoint = try #require(try fixture.trail.prune(before: Date().addingTimeInterval(1), actor: .system))
        #expect(checkpoint.throughSeq == 5 && checkpoint.removedCount == 5)
        var verification = try fixture.trail.verify()
        #expect(verification.isIntact)
        #expect(verification.checkpoint == checkpoint)
        let remaining = try fixture.trail.events()
        #expect(remaining.map(\.seq) == [6])
        #expect(remaining[0].action == .auditPrune && remaining[0].prevHash == checkpoint.throughHash)
        try fixture.recordEvents(2)
        #expect(try fixture.reopen().verify().isIntact)

        try fixture.sql("UPDATE audit_checkpoint SET removed_count = 4")
        verification = try fixture.trail.verify()
        #expect(verification.problems == [.checkpointSignatureInvalid(throughSeq: 5)])
        #expect(throws: AuditTrailError.chainNotIntact(problems: 1)) {
            try fixture.trail.prune(before: Date().addingTimeInterval(1), actor: .system)
        }
    }

    @Test("removing the oldest events without a checkpoint is reported as missing from the start")
    func headDeletedWithoutCheckpoint() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(4)
        try fixture.sql("DELETE FROM audit_event WHERE seq <= 2")
        #expect(try fixture.trail.verify().problems == [.missing(1...2)])
    }

    @Test("an event appended in a transaction that then fails is rolled back with it")
    func rollback() throws {
        let fixture = try AuditFixture()
        #expect(throws: Boom.self) {
            try fixture.store.write { db in
                try fixture.trail.append(AuditEntry(action: .userDisable, actor: .system, subject: "user:7"), in: db)
                throw Boom()
            }
        }
        #expect(try fixture.trail.events().isEmpty)
        #expect(try fixture.trail.record(AuditEntry(action: .login, actor: .system)).seq == 1)
        #expect(throws: AuditTrailError.notInTransaction) {
            try fixture.store.database.writeWithoutTransaction { db in
                try fixture.trail.append(AuditEntry(action: .login, actor: .system), in: db)
            }
        }
    }

    @Test("CSV export quotes a detail holding a comma, a quote and a line break (RFC 4180)")
    func csvQuoting() throws {
        let fixture = try AuditFixture()
        try fixture.trail.record(AuditEntry(action: .reportExport, actor: .system, detail: "a,b \"c\"\nd"))
        let csv = try fixture.trail.export(format: .csv)
        #expect(csv.hasPrefix("seq,occurred_at,actor_user_id,actor_role,session_id,action,outcome,patient_id,subject,detail,break_glass,prev_hash,hash\r\n"))
        #expect(csv.contains(",system,,report.export,success,,,\"a,b \"\"c\"\"\nd\",false,\(String(repeating: "0", count: 64)),"))
        #expect(csv.hasSuffix("\r\n"))
    }

    @Test("JSON export parses and holds every column in order")
    func jsonExport() throws {
        let fixture = try AuditFixture()
        let events = try fixture.recordEvents(2)
        let json = try fixture.trail.export(from: Date().addingTimeInterval(-60), to: nil, format: .json)
        #expect(json.hasPrefix("[{\"seq\":1,\"occurred_at\":\""))
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(parsed.count == 2)
        #expect(Set(parsed[1].keys) == Set(AuditTrail.exportColumns))
        #expect(parsed[1]["patient_id"] as? Int == 42)
        #expect(parsed[0]["patient_id"] is NSNull)
        #expect(parsed[1]["hash"] as? String == events[1].hash)
        #expect(parsed[1]["action"] as? String == "patient.view")
    }

    @Test("four terminals appending 50 events each leave 200 events with seqs 1…200 and an intact chain")
    func concurrentTerminals() throws {
        let fixture = try AuditFixture()
        let failures = FailureLog()
        let url = fixture.folder.url
        DispatchQueue.concurrentPerform(iterations: 4) { terminal in
            do {
                let trail = AuditTrail(store: try AuditFixture.open(url))
                for index in 0..<50 {
                    try trail.record(AuditEntry(action: .scanView, actor: AuditActor(userID: Int64(terminal), role: "doctor", sessionID: nil),
                                                subject: "scan:\(index)"))
                }
            } catch {
                failures.add(error)
            }
        }
        #expect(failures.errors.isEmpty, "\(failures.errors)")
        let verification = try fixture.trail.verify()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.eventCount == 200)
        #expect(try fixture.trail.events().map(\.seq) == Array(1...200))
    }

    @Test("an outcome changed with the sqlite3 tool is found by a freshly opened store",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")))
    func sqlite3Tampering() throws {
        let fixture = try AuditFixture()
        try fixture.recordEvents(5)
        let database = fixture.folder.url.appendingPathComponent(ClinicStore.databaseFileName)
        let tool = Process()
        tool.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        tool.arguments = [database.path, "UPDATE audit_event SET outcome='success' WHERE seq=3"]
        try tool.run()
        tool.waitUntilExit()
        #expect(tool.terminationStatus == 0)
        let verification = try fixture.reopen().verify()
        #expect(verification.problems == [.changed(seq: 3)])
    }
}

/// Errors thrown on other threads, collected for one assertion.
private final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String] = []

    func add(_ error: Error) {
        lock.withLock { stored.append("\(error)") }
    }

    var errors: [String] { lock.withLock { stored } }
}
