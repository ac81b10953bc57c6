import Crypto
import CSSSStore
import Foundation
import GRDB

extension ClinicSession {
    /// Makes the first version of a report on a scan's latest prediction: draws the PDF in memory,
    /// encrypts it (AES-256, R6) with a new patient password, seals it with the hospital's key, and
    /// keeps it in the vault, all in one transaction with its audit event.
    ///
    /// - Throws: ``AccessDenied`` unless the session may generate reports and open the record;
    ///   ``ReportError``.
    public func createReport(scanID: Int64, remarks: String, settings: ReportSettings, now: Date = Date()) throws -> IssuedReport {
        try perform(.reportCreate, subject: "scan:\(scanID)") { db in
            let reportID = try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) + 1 FROM report")!
            let draft = try authorise(scanID: scanID, reportID: reportID, version: 1, amends: nil, remarks: remarks,
                                      settings: settings, now: now, in: db)
            try db.execute(sql: "INSERT INTO report (id, patient_id, scan_id, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                           arguments: [reportID, draft.draft.patientID, scanID, now, identity.userID])
            return try issue(draft, in: db)
        }
    }

    /// Amends a report: a new version on the scan's latest prediction with new remarks, which says
    /// which version it amends. Earlier versions stay as they were.
    public func amendReport(_ reportID: Int64, remarks: String, settings: ReportSettings, now: Date = Date()) throws -> IssuedReport {
        try perform(.reportAmend, subject: "report:\(reportID)") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT report.scan_id, MAX(report_version.version) AS latest FROM report
                JOIN report_version ON report_version.report_id = report.id WHERE report.id = ?
                """, arguments: [reportID]), let scanID = row["scan_id"] as Int64?, let latest = row["latest"] as Int? else {
                throw ReportError.reportNotFound(reportID)
            }
            let draft = try authorise(scanID: scanID, reportID: reportID, version: latest + 1, amends: latest, remarks: remarks,
                                      settings: settings, now: now, in: db)
            return try issue(draft, in: db)
        }
    }

    private struct AuthorisedDraft {
        var draft: ReportDrafter.Draft
        var breakGlass: Bool
        var ownerPassword: String
    }

    private func authorise(scanID: Int64, reportID: Int64, version: Int, amends: Int?, remarks: String,
                           settings: ReportSettings, now: Date, in db: Database) throws -> AuthorisedDraft {
        try clinic.policy.require(.generateReports, for: identity)
        guard let patientID = try Int64.fetchOne(db, sql: "SELECT patient_id FROM scan WHERE id = ?", arguments: [scanID]) else {
            throw ReportError.scanNotFound(scanID)
        }
        let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
        let draft = try ReportDrafter(store: clinic.store, settings: settings)
            .draft(reportID: reportID, version: version, amendsVersion: amends, scanID: scanID, remarks: remarks,
                   author: identity, at: now, in: db)
        let owner = settings.ownerPassword ?? clinic.store.keys.reportOwnerPassword
        return AuthorisedDraft(draft: draft, breakGlass: breakGlass, ownerPassword: owner)
    }

    /// Draws, encrypts, seals and stores one version.
    private func issue(_ authorised: AuthorisedDraft, in db: Database) throws -> IssuedReport {
        var draft = authorised.draft
        let key = clinic.store.keys.reportSealing
        draft.content.sealCode = try ReportSeal.code(for: draft.facts, key: key)
        let password = ReportPassword.generate()
        let pdf = try ReportRenderer().render(draft.content)
        let encrypted = try PDFEncryption.encrypt(pdf, userPassword: password, ownerPassword: authorised.ownerPassword)
        let sealed = try ReportSeal.seal(encryptedPDF: encrypted, facts: draft.facts, key: key, hospital: draft.facts.hospital)
        let sha256 = SHA256.hash(data: sealed).map { String(format: "%02x", $0) }.joined()
        let blob = try clinic.store.vault.store(sealed)
        let facts = draft.facts
        try db.execute(sql: """
            INSERT INTO report_version (report_id, version, prediction_id, blob_id, remarks_cipher, seal, created_at, created_by,
                                        amends_version, sha256, seal_code, password_cipher)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [facts.reportID, facts.version, draft.predictionID, blob.rawValue,
                             clinic.store.fields.seal(draft.content.remarks, field: "report_version.remarks"),
                             draft.content.sealCode, draft.content.createdAt, identity.userID, facts.amendsVersion, sha256,
                             draft.content.sealCode, clinic.store.fields.seal(password, field: "report_version.password")])
        let action: AuditAction = facts.version == 1 ? .reportCreate : .reportAmend
        try note(action, patientID: draft.patientID, subject: "report:\(facts.reportID)",
                 detail: facts.amendsVersion.map { "version \(facts.version), amends version \($0)" } ?? "version 1",
                 breakGlass: authorised.breakGlass, in: db)
        return IssuedReport(reportID: facts.reportID, version: facts.version, amendsVersion: facts.amendsVersion,
                            password: password, sealCode: draft.content.sealCode, pdf: sealed, sha256: sha256)
    }

    /// The reports this session may see: a patient's own, or (staff) all of one patient's or everyone's.
    public func listReports(patientID: Int64? = nil) throws -> [ReportSummary] {
        try perform(.reportList, patientID: patientID) { db in
            var patientFilter = patientID
            if identity.role == .patient {
                try clinic.policy.require(.downloadOwnReports, for: identity)
                if let patientID, patientID != identity.patientID { throw AccessDenied.notOwnRecord }
                patientFilter = identity.patientID ?? -1
            } else {
                try clinic.policy.require(.viewAllPatientScans, for: identity)
                if let patientID { try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db) }
            }
            let rows = try Row.fetchAll(db, sql: """
                SELECT report.id, report.patient_id, report.scan_id, report.created_at,
                       MAX(report_version.version) AS latest_version, MAX(report_version.created_at) AS updated_at,
                       (SELECT seal_code FROM report_version v WHERE v.report_id = report.id ORDER BY version DESC LIMIT 1) AS seal_code
                FROM report JOIN report_version ON report_version.report_id = report.id
                JOIN patient ON patient.id = report.patient_id
                WHERE (? IS NULL OR report.patient_id = ?) AND (? OR NOT patient.restricted)
                GROUP BY report.id ORDER BY report.id
                """, arguments: [patientFilter, patientFilter, identity.role == .patient || patientID != nil])
            try note(.reportList, patientID: patientFilter, detail: "\(rows.count) reports listed", in: db)
            return rows.map(ReportSummary.init(row:))
        }
    }

    /// The sealed, encrypted PDF of a report version (the latest when `version` is `nil`): for
    /// staff who may open the record, and for the patient it belongs to.
    public func exportReport(_ reportID: Int64, version: Int? = nil) throws -> (version: Int, pdf: Data) {
        try perform(.reportExport, subject: "report:\(reportID)") { db in
            guard let patientID = try Int64.fetchOne(db, sql: "SELECT patient_id FROM report WHERE id = ?", arguments: [reportID]) else {
                throw ReportError.reportNotFound(reportID)
            }
            try clinic.policy.require(.downloadOwnReports, for: identity)
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT version, blob_id FROM report_version WHERE report_id = ? AND (? IS NULL OR version = ?)
                ORDER BY version DESC LIMIT 1
                """, arguments: [reportID, version, version]), let blob = BlobID(rawValue: row["blob_id"]) else {
                throw ReportError.versionNotFound(report: reportID, version: version ?? 0)
            }
            let found: Int = row["version"]
            try note(.reportExport, patientID: patientID, subject: "report:\(reportID)", detail: "version \(found)",
                     breakGlass: breakGlass, in: db)
            return (found, try clinic.store.vault.load(blob))
        }
    }

    /// Checks a report file's seal against this hospital's key (and, with the password, that it
    /// opens and shows the sealed code); audited.
    public func verifyReport(_ file: Data, password: String?) throws -> SealVerification {
        let verification = ReportSeal.verify(file, trustedKey: clinic.store.keys.reportSealing.publicKey, password: password)
        _ = try clinic.audit.record(AuditEntry(action: .reportVerify, outcome: verification.isValid ? .success : .failure,
                                               actor: identity.auditActor, detail: verification.isValid ? "valid" : "invalid"))
        return verification
    }
}
