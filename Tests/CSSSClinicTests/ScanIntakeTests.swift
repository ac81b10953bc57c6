import CSSSClinic
import CSSSStore
import CSSSTestSupport
import Foundation
import GRDB
import Testing

@Suite("Clinic: scan intake")
struct ScanIntakeTests {
    /// A store with two patients (ids 1 and 2) and one user (id 1).
    static func makeStore(_ folder: TemporaryFolder) throws -> ClinicStore {
        let directory = DataDirectory(url: folder.url)
        let store = try ClinicStore(directory: directory, masterKey: try MasterKey.load(
            for: directory, environment: ["CSSS_MASTER_KEY": String(repeating: "01", count: 32)]))
        try store.write { db in
            for mrn in ["MRN-1", "MRN-2"] {
                try db.execute(sql: "INSERT INTO patient (mrn_cipher, mrn_index, name_cipher, created_at) VALUES (?, ?, ?, ?)",
                               arguments: [store.fields.seal(mrn, field: "patient.mrn"), store.index.index(mrn, field: "patient.mrn"),
                                           store.fields.seal("Jane Doe", field: "patient.name"), Date()])
            }
            try db.execute(sql: """
                INSERT INTO user (username, role, password_hash, password_changed_at, created_at)
                VALUES ('doctor', 'doctor', 'x', ?, ?)
                """, arguments: [Date(), Date()])
        }
        return store
    }

    /// A 48×40 gray PNG whose pixels follow `seed`, so that two seeds give two files.
    static func png(seed: Int = 7) throws -> Data {
        let samples = (0..<(48 * 40)).map { UInt8(truncatingIfNeeded: $0 &* seed &+ $0 / 48) }
        return try ScanImage(width: 48, height: 40, colorModel: .gray, samples: .uint8(samples)).pngData()
    }

    static func importScan(_ intake: ScanIntake, _ data: Data, name: String = "Jane_Doe_chest.png",
                           patient: Int64 = 1) throws -> IntakeOutcome {
        try intake.store.write { db in
            try intake.importScan(data: data, originalName: name, patientID: patient, importedBy: 1, in: db)
        }
    }

    @Test("a PNG is imported as a scan row with its blob, and reads back decrypted")
    func importsAScan() throws {
        let folder = try TemporaryFolder("csss-intake")
        let intake = ScanIntake(store: try Self.makeStore(folder))
        let png = try Self.png()
        let outcome = try Self.importScan(intake, png)
        guard case .imported(let id) = outcome else { Issue.record("expected imported, got \(outcome)"); return }
        let scans = try intake.store.read { try intake.scans(ofPatient: 1, in: $0) }
        #expect(scans.count == 1)
        let scan = try #require(scans.first)
        #expect(scan.id == id && scan.format == "PNG" && scan.width == 48 && scan.height == 40)
        #expect(scan.originalName == "Jane_Doe_chest.png")
        #expect(scan.byteCount == png.count && scan.duplicateOf == nil && scan.modality == nil)
        #expect(scan.sha256.count == 64)
        #expect(try intake.store.read { try intake.originalBytes(ofScan: id, in: $0) } == png)
        #expect(try intake.store.vault.allBlobIDs() == [scan.blobID])
    }

    @Test("the same file again for the same patient is a duplicate and stores nothing new")
    func duplicateForSamePatient() throws {
        let folder = try TemporaryFolder("csss-intake")
        let intake = ScanIntake(store: try Self.makeStore(folder))
        let png = try Self.png()
        guard case .imported(let id) = try Self.importScan(intake, png) else { Issue.record("not imported"); return }
        #expect(try Self.importScan(intake, png, name: "again.png") == .duplicate(id))
        #expect(try intake.store.vault.allBlobIDs().count == 1)
        #expect(try intake.store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scan") } == 1)
        guard case .imported = try Self.importScan(intake, try Self.png(seed: 11)) else {
            Issue.record("a different file must be imported"); return
        }
    }

    @Test("the same file for another patient gets its own row sharing the one blob")
    func linkedDuplicateForAnotherPatient() throws {
        let folder = try TemporaryFolder("csss-intake")
        let intake = ScanIntake(store: try Self.makeStore(folder))
        let png = try Self.png()
        guard case .imported(let first) = try Self.importScan(intake, png) else { Issue.record("not imported"); return }
        let outcome = try Self.importScan(intake, png, patient: 2)
        guard case .linkedDuplicate(let second, of: let original) = outcome else {
            Issue.record("expected linkedDuplicate, got \(outcome)"); return
        }
        #expect(original == first && second != first)
        let mine = try intake.store.read { try intake.scans(ofPatient: 1, in: $0) }
        let theirs = try intake.store.read { try intake.scans(ofPatient: 2, in: $0) }
        #expect(theirs.map(\.duplicateOf) == [first])
        #expect(theirs.first?.blobID == mine.first?.blobID)
        #expect(try intake.store.vault.allBlobIDs().count == 1)
        #expect(try intake.store.read { try intake.originalBytes(ofScan: second, in: $0) } == png)
    }

    @Test("a truncated PNG and garbage bytes are quarantined with a reason, their bytes kept encrypted")
    func unusableFilesAreQuarantined() throws {
        let folder = try TemporaryFolder("csss-intake")
        let intake = ScanIntake(store: try Self.makeStore(folder))
        let truncated = try Self.png().prefix(60)
        let garbage = Data("this is not an image at all".utf8)
        for (bytes, name) in [(Data(truncated), "cut.png"), (garbage, "notes.txt")] {
            let outcome = try Self.importScan(intake, bytes, name: name)
            guard case .quarantined(let id, let reason) = outcome else { Issue.record("expected quarantine, got \(outcome)"); continue }
            #expect(!reason.isEmpty)
            #expect(try intake.store.read { try intake.originalBytes(ofQuarantined: id, in: $0) } == bytes)
        }
        let files = try intake.store.read { try intake.quarantined(in: $0) }
        #expect(files.map(\.originalName) == ["cut.png", "notes.txt"])
        #expect(files.map(\.patientID) == [1, 1])
        #expect(files[1].reason.contains("not a PNG, JPEG or DICOM"))
        #expect(files[1].byteCount == garbage.count)
        #expect(try intake.store.vault.allBlobIDs().count == 2)
        #expect(try intake.store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM scan") } == 0)
    }

    @Test("neither the database, its WAL nor the vault holds the file's name or its bytes in clear")
    func nothingInClear() throws {
        let folder = try TemporaryFolder("csss-intake")
        let intake = ScanIntake(store: try Self.makeStore(folder))
        let png = try Self.png()
        _ = try Self.importScan(intake, png)
        _ = try Self.importScan(intake, Data("garbage from Jane_Doe_chest.png".utf8), name: "Jane_Doe_chest.png")
        let vault = intake.store.vault
        var files = [folder.file(ClinicStore.databaseFileName), folder.file(ClinicStore.databaseFileName + "-wal")]
        files += try vault.allBlobIDs().map { vault.location(of: $0) }
        #expect(FileManager.default.fileExists(atPath: files[1].path), "the WAL is where fresh rows are")
        let needles = [Data("Jane_Doe".utf8), png, png.subdata(in: 40..<72)]
        for file in files where FileManager.default.fileExists(atPath: file.path) {
            let bytes = try Data(contentsOf: file)
            for needle in needles {
                #expect(bytes.range(of: needle) == nil, "\(file.lastPathComponent) holds \(needle.count) bytes in clear")
            }
        }
    }
}
