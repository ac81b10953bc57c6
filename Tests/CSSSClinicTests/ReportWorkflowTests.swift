import CSSSEngine
import CSSSStore
import CSSSTestSupport
import Foundation
import GRDB
import Testing
@testable import CSSSClinic

/// Reports made through real sessions on a real store. The prediction under them is written
/// directly (the model's part is tested with the real model in `ReportEndToEndTests`), so that
/// these run without the shared fixtures.
@Suite("Reports: workflow, encryption, seal, versions")
struct ReportWorkflowTests {
    /// A patient with one imported scan and a prediction with its Grad-CAM overlay.
    struct Setting {
        let test: TestClinic
        let doctor: ClinicSession
        let patientID: Int64
        let scanID: Int64
        let files: TemporaryFolder
    }

    static func setting(patientName: String = "Zebulon Quixote-Marchetti", restricted: Bool = false,
                        lowConfidence: Bool = false) async throws -> Setting {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let doctor = try await test.account("dr.rao", role: .doctor, admin: admin)
        let patientID = try admin.addPatient(PatientDetails(mrn: "ZQM-451", name: patientName, birthDate: "1980-06-15", sex: "M",
                                                            restricted: restricted)).id
        if restricted { try doctor.breakGlass(patientID: patientID, reason: "emergency department, unconscious") }
        let files = try TemporaryFolder("csss-report-scan")
        let gray: [UInt8] = (0..<(256 * 200)).map { (index: Int) -> UInt8 in UInt8(truncatingIfNeeded: (index % 256 + index / 256) / 2) }
        let scan = Image(width: 256, height: 200, colorModel: .gray, samples: .uint8(gray))
        try scan.pngData().write(to: files.file("chest.png"))
        let results = try doctor.importScans(ImportSource(arguments: [files.file("chest.png").path]), patientID: patientID)
        guard case .imported(let scanID) = results.first?.outcome else { throw ReportError.scanNotFound(0) }
        let colours: [UInt8] = (0..<(256 * 200 * 3)).map { (index: Int) -> UInt8 in UInt8(index % 251) }
        let overlay = Image(width: 256, height: 200, colorModel: .rgb, samples: .uint8(colours))
        let heatmap = try test.clinic.store.vault.store(overlay.pngData())
        try test.clinic.store.write { db in
            try db.execute(sql: """
                INSERT INTO prediction (scan_id, model_name, model_sha256, label, confidence, probabilities_json, heatmap_blob_id,
                                        created_at, created_by, low_confidence, threshold, explained_layer, attention_regions_json)
                VALUES (?, 'lung_classifier.h5', ?, 'PNEUMONIA', ?, ?, ?, ?, ?, ?, 0.75, 'out_relu', '["right lower zone"]')
                """, arguments: [scanID, String(repeating: "ab", count: 32), lowConfidence ? 0.61 : 0.93,
                                 lowConfidence ? #"[["NORMAL",0.39],["PNEUMONIA",0.61]]"# : #"[["NORMAL",0.07],["PNEUMONIA",0.93]]"#,
                                 heatmap.rawValue, Date(), doctor.identity.userID, lowConfidence])
        }
        return Setting(test: test, doctor: doctor, patientID: patientID, scanID: scanID, files: files)
    }

    static func run(_ tool: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process(), pipe = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    let settings = ReportSettings(hospitalName: "St. Example General Hospital", ownerPassword: "owner-secret-of-the-hospital")

    @Test("a report is AES-256 R6: it opens with its password (the patient's name is in it) and without it it does not")
    func encryptedReport() async throws {
        let setting = try await Self.setting()
        let report = try setting.doctor.createReport(scanID: setting.scanID, remarks: "Right lower zone opacity.", settings: settings)
        #expect(report.version == 1 && report.password.count >= 10)
        let file = setting.files.file("report.pdf")
        try report.pdf.write(to: file)
        let encryption = try Self.run("qpdf", ["--show-encryption", "--password=\(report.password)", file.path])
        #expect(encryption.output.contains("R = 6"))
        #expect(encryption.output.contains("AESv3"))
        #expect(encryption.output.contains("modify other: not allowed"))
        let text = try Self.run("pdftotext", ["-upw", report.password, file.path, "-"])
        #expect(text.status == 0)
        #expect(text.output.contains("Zebulon Quixote-Marchetti"))
        #expect(text.output.contains(report.sealCode))
        #expect(try Self.run("pdftotext", [file.path, "-"]).status != 0)
        #expect(report.pdf.range(of: Data("Zebulon".utf8)) == nil)
    }

    @Test("the seal verifies against the hospital's key, with and without the password, and names what fails")
    func seal() async throws {
        let setting = try await Self.setting()
        let report = try setting.doctor.createReport(scanID: setting.scanID, remarks: "", settings: settings)
        #expect(try setting.doctor.verifyReport(report.pdf, password: nil).isValid)
        #expect(try setting.doctor.verifyReport(report.pdf, password: report.password).isValid)
        #expect(try !setting.doctor.verifyReport(report.pdf, password: "not-the-password").isValid)
        var altered = report.pdf
        altered[altered.count / 3] ^= 0x01
        let verdict = try setting.doctor.verifyReport(altered, password: nil)
        #expect(!verdict.isValid)
        #expect("\(verdict)".contains("altered"))
        // Another installation's key does not vouch for it.
        let other = try await Self.setting()
        #expect(try !other.doctor.verifyReport(report.pdf, password: nil).isValid)
    }

    @Test("an amendment is a new version that says what it amends; the earlier version stays byte for byte")
    func versions() async throws {
        let setting = try await Self.setting()
        let first = try setting.doctor.createReport(scanID: setting.scanID, remarks: "Initial reading.", settings: settings)
        let second = try setting.doctor.amendReport(first.reportID, remarks: "Addendum: CT advised.", settings: settings)
        #expect(second.reportID == first.reportID && second.version == 2 && second.amendsVersion == 1)
        #expect(try setting.doctor.exportReport(first.reportID, version: 1).pdf == first.pdf)
        #expect(try setting.doctor.exportReport(first.reportID).version == 2)
        let file = setting.files.file("v2.pdf")
        try second.pdf.write(to: file)
        let text = try Self.run("pdftotext", ["-upw", second.password, file.path, "-"]).output
        #expect(text.contains("amends version 1"))
        #expect(text.contains("Addendum: CT advised."))
        let listed = try setting.doctor.listReports(patientID: setting.patientID)
        #expect(listed.map(\.latestVersion) == [2])
        let actions = try setting.test.clinic.store.read {
            try String.fetchAll($0, sql: "SELECT action FROM audit_event WHERE subject = ? ORDER BY seq", arguments: ["report:\(first.reportID)"])
        }
        #expect(actions == ["report.create", "report.amend", "report.export", "report.export"])
    }

    @Test("patients download their own reports only; they cannot create one; a scan without a prediction is refused")
    func permissions() async throws {
        let setting = try await Self.setting()
        let report = try setting.doctor.createReport(scanID: setting.scanID, remarks: "", settings: settings)
        let admin = try await setting.test.admin()
        let own = try await setting.test.account("p-own", role: .patient, patientID: setting.patientID, admin: admin)
        let otherPatient = try admin.addPatientForTest(name: "Someone Else")
        let stranger = try await setting.test.account("p-other", role: .patient, patientID: otherPatient, admin: admin)
        #expect(try own.exportReport(report.reportID).pdf == report.pdf)
        #expect(try own.listReports().map(\.reportID) == [report.reportID])
        #expect(throws: AccessDenied.notOwnRecord) { try stranger.exportReport(report.reportID) }
        #expect(try stranger.listReports().isEmpty)
        #expect(throws: AccessDenied.missingPermission(.generateReports, role: .patient)) {
            try own.createReport(scanID: setting.scanID, remarks: "", settings: settings)
        }
        let lateral = Image(width: 64, height: 64, colorModel: .gray, samples: .uint8([UInt8](repeating: 90, count: 64 * 64)))
        try lateral.pngData().write(to: setting.files.file("lateral.png"))
        let imported = try setting.doctor.importScans(ImportSource(arguments: [setting.files.file("lateral.png").path]),
                                                      patientID: setting.patientID)
        guard case .imported(let unpredicted) = imported.first?.outcome else { throw ReportError.scanNotFound(0) }
        #expect(throws: ReportError.noPrediction(scan: unpredicted)) {
            try setting.doctor.createReport(scanID: unpredicted, remarks: "", settings: settings)
        }
    }

    @Test("neither the vault nor the database holds the report or the patient's name in clear")
    func nothingInClear() async throws {
        let setting = try await Self.setting()
        let report = try setting.doctor.createReport(scanID: setting.scanID, remarks: "Remarks that name Zebulon again.",
                                                     settings: settings)
        for (path, bytes) in try setting.test.everyStoredByte() {
            #expect(bytes.range(of: Data("Zebulon".utf8)) == nil, "name in clear in \(path)")
            #expect(bytes.range(of: Data(report.password.utf8)) == nil, "PDF password in clear in \(path)")
            // Even the encrypted PDF is stored only inside the vault's own encryption.
            #expect(bytes.range(of: report.pdf.prefix(64)) == nil, "the report's bytes in \(path)")
        }
    }
}
