import CSSSEngine
import CSSSStore
import Foundation
import GRDB

/// What happened to one file of an import.
public struct ImportResult: Sendable, Equatable {
    /// The file as it was given.
    public let path: String
    /// What intake did with it; `nil` when the file was refused before reading (see ``refusal``).
    public let outcome: IntakeOutcome?
    /// Why the file was not read at all (a link out of the folder, a `..` path, unreadable).
    public let refusal: String?

    /// Whether the file became a new scan.
    public var isNewScan: Bool {
        if case .imported = outcome { true } else { false }
    }

    /// Whether the file is not in the record: refused, unreadable or quarantined.
    public var needsAttention: Bool {
        switch outcome {
        case nil, .quarantined: true
        case .imported, .duplicate, .linkedDuplicate: false
        }
    }

    /// The result as ordered JSON for `--json`.
    public var json: JSONValue {
        var members: [(key: String, value: JSONValue)] = [("file", .string(path))]
        switch outcome {
        case .imported(let id): members += [("status", .string("imported")), ("scan_id", .integer(Int(id)))]
        case .duplicate(let id): members += [("status", .string("duplicate")), ("scan_id", .integer(Int(id)))]
        case .linkedDuplicate(let id, let original):
            members += [("status", .string("linked")), ("scan_id", .integer(Int(id))), ("duplicate_of", .integer(Int(original)))]
        case .quarantined(let id, let reason):
            members += [("status", .string("quarantined")), ("quarantine_id", .integer(Int(id))), ("reason", .string(reason))]
        case nil: members += [("status", .string("refused")), ("reason", .string(refusal ?? ""))]
        }
        return .object(members)
    }
}

extension ClinicSession {
    /// Imports every file of `source` into patient `patientID`'s record, each in its own
    /// transaction with its audit event: a bad file is quarantined or refused, and the others go on.
    ///
    /// - Parameter progress: called after each file with (files done, files in all, result).
    /// - Throws: ``AccessDenied`` when this session may not add scans to the record (a patient
    ///   adds only to their own; a restricted record needs break-glass).
    public func importScans(_ source: ImportSource, patientID: Int64, validator: ScanValidator = .init(),
                            progress: (Int, Int, ImportResult) -> Void = { _, _, _ in }) throws -> [ImportResult] {
        let intake = ScanIntake(store: clinic.store, validator: validator)
        try perform(.scanImport, patientID: patientID, subject: "patient:\(patientID)") { db in
            try clinic.policy.require(.uploadScans, for: identity)
            try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM patient WHERE id = ?)", arguments: [patientID]) == true else {
                throw PatientError.notFound(patientID)
            }
        }
        var results: [ImportResult] = []
        for (position, item) in source.items.enumerated() {
            let result = try importOne(item, patientID: patientID, intake: intake)
            results.append(result)
            progress(position + 1, source.items.count, result)
        }
        return results
    }

    private func importOne(_ item: ImportSource.Item, patientID: Int64, intake: ScanIntake) throws -> ImportResult {
        guard case .file(let url) = item else {
            guard case .refused(let refusal) = item else { preconditionFailure("an import item is a file or a refusal") }
            // File names can carry patient names, so the audit keeps only the kind of refusal.
            _ = try clinic.audit.record(AuditEntry(action: .scanImport, outcome: .refused, actor: identity.auditActor,
                                                   patientID: patientID, detail: "file refused: \(refusal.kind)"))
            return ImportResult(path: refusal.path, outcome: nil, refusal: refusal.description)
        }
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            _ = try clinic.audit.record(AuditEntry(action: .scanImport, outcome: .failure, actor: identity.auditActor,
                                                   patientID: patientID, detail: "file unreadable"))
            return ImportResult(path: url.path, outcome: nil, refusal: "\(url.path): cannot read: \(error.localizedDescription)")
        }
        let outcome = try perform(.scanImport, patientID: patientID) { db -> IntakeOutcome in
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            let outcome = try intake.importScan(data: data, originalName: url.lastPathComponent, patientID: patientID,
                                                importedBy: identity.userID, in: db)
            switch outcome {
            case .imported(let id):
                try note(.scanImport, patientID: patientID, subject: "scan:\(id)", breakGlass: breakGlass, in: db)
            case .duplicate(let id):
                try note(.scanImport, patientID: patientID, subject: "scan:\(id)", detail: "duplicate, not stored again",
                         breakGlass: breakGlass, in: db)
            case .linkedDuplicate(let id, let original):
                try note(.scanImport, patientID: patientID, subject: "scan:\(id)", detail: "same content as scan \(original), linked",
                         breakGlass: breakGlass, in: db)
            case .quarantined(let id, _):
                try note(.scanQuarantine, patientID: patientID, subject: "quarantine:\(id)", breakGlass: breakGlass, in: db)
            }
            return outcome
        }
        return ImportResult(path: url.path, outcome: outcome, refusal: nil)
    }

    /// The scans of a patient this session may open.
    public func scans(ofPatient patientID: Int64) throws -> [StoredScan] {
        try perform(.scanView, patientID: patientID, subject: "patient:\(patientID)") { db in
            let breakGlass = try clinic.policy.requireRecordAccess(to: patientID, for: identity, in: db)
            let scans = try ScanIntake(store: clinic.store).scans(ofPatient: patientID, in: db)
            try note(.scanView, patientID: patientID, subject: "patient:\(patientID)", detail: "\(scans.count) scans listed",
                     breakGlass: breakGlass, in: db)
            return scans
        }
    }

    /// Files refused at intake, with their reasons: for administrators, since nothing is deleted
    /// silently and someone must decide what happens to them.
    public func quarantinedFiles() throws -> [QuarantinedFile] {
        try perform(.scanQuarantine) { db in
            try clinic.policy.require(.configureSystem, for: identity)
            let files = try ScanIntake(store: clinic.store).quarantined(in: db)
            try note(.scanQuarantine, detail: "\(files.count) quarantined files listed", in: db)
            return files
        }
    }
}
