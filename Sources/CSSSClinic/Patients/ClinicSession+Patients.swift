import CSSSStore
import Foundation
import GRDB

extension ClinicSession {
    /// Registers a patient.
    ///
    /// - Throws: ``AccessDenied`` for patients; ``PatientError`` naming a bad field or a
    ///   duplicate MRN (nothing is saved).
    public func addPatient(_ details: PatientDetails, now: Date = Date()) throws -> Patient {
        let details = try details.validated()
        let cipher = clinic.store.fields
        let index = clinic.store.index
        return try perform(.patientCreate) { db in
            try clinic.policy.require(.viewAllPatientScans, for: identity)
            let mrnIndex = index.index(details.mrn, field: Patient.fields.mrn)
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM patient WHERE mrn_index = ?)", arguments: [mrnIndex]) == false else {
                throw PatientError.duplicateMRN(details.mrn)
            }
            try db.execute(sql: """
                INSERT INTO patient (mrn_cipher, mrn_index, name_cipher, birth_date_cipher, sex_cipher,
                                     email_cipher, email_index, phone_cipher, phone_index, restricted, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    cipher.seal(details.mrn, field: Patient.fields.mrn), mrnIndex,
                    cipher.seal(details.name, field: Patient.fields.name),
                    details.birthDate.map { cipher.seal($0, field: Patient.fields.birthDate) },
                    details.sex.map { cipher.seal($0, field: Patient.fields.sex) },
                    details.email.map { cipher.seal($0, field: Patient.fields.email) },
                    details.email.map { index.index($0, field: Patient.fields.email) },
                    details.phone.map { cipher.seal($0, field: Patient.fields.phone) },
                    details.phone.map { index.index($0, field: Patient.fields.phone) },
                    details.restricted, now, identity.userID,
                ])
            let id = db.lastInsertedRowID
            try note(.patientCreate, patientID: id, subject: "patient:\(id)", in: db)
            return try Patient(row: Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id])!, cipher: cipher)
        }
    }

    /// The patients this session may see whose name contains `nameContaining` (case- and
    /// accent-insensitive), or all of them. Names are encrypted, so the search decrypts in
    /// memory; restricted records are listed by id only until break-glass opens them.
    public func listPatients(nameContaining query: String? = nil) throws -> [Patient] {
        try perform(.patientList) { db in
            let rows: [Row]
            if identity.role == .patient {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [identity.patientID ?? -1])
            } else {
                try clinic.policy.require(.viewAllPatientScans, for: identity)
                rows = try Row.fetchAll(db, sql: "SELECT * FROM patient WHERE NOT restricted ORDER BY id")
            }
            let patients = try rows.map { try Patient(row: $0, cipher: clinic.store.fields) }
            let matches = query.map { text in
                patients.filter { $0.details.name.range(of: text, options: [.caseInsensitive, .diacriticInsensitive]) != nil }
            } ?? patients
            try note(.patientList, detail: "\(matches.count) shown", in: db)
            return matches
        }
    }

    /// One patient's record, if this session may open it.
    public func patient(_ id: Int64) throws -> Patient {
        try perform(.patientView, patientID: id, subject: "patient:\(id)") { db in
            let breakGlass = try clinic.policy.requireRecordAccess(to: id, for: identity, in: db)
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM patient WHERE id = ?", arguments: [id]) else {
                throw PatientError.notFound(id)
            }
            try note(.patientView, patientID: id, subject: "patient:\(id)", breakGlass: breakGlass, in: db)
            return try Patient(row: row, cipher: clinic.store.fields)
        }
    }

    /// The patient with this medical record number, found through its blind index.
    public func patient(mrn: String) throws -> Patient? {
        let normalised = mrn.trimmingCharacters(in: .whitespaces).uppercased()
        let id = try clinic.store.read {
            try Int64.fetchOne($0, sql: "SELECT id FROM patient WHERE mrn_index = ?",
                               arguments: [clinic.store.index.index(normalised, field: Patient.fields.mrn)])
        }
        return try id.map { try patient($0) }
    }

    /// Emergency access: opens a restricted record to this doctor for
    /// ``SecuritySettings/breakGlassDuration``, with the reason kept encrypted and the grant
    /// flagged in the audit trail for review.
    public func breakGlass(patientID: Int64, reason: String, now: Date = Date()) throws {
        try perform(.breakGlass, patientID: patientID, subject: "patient:\(patientID)") { db in
            guard identity.role == .doctor else { throw AccessDenied.breakGlassNotAllowed(role: identity.role) }
            let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
            guard reason.count >= 5 else { throw AccessDenied.breakGlassReasonMissing }
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM patient WHERE id = ?)", arguments: [patientID]) == true else {
                throw PatientError.notFound(patientID)
            }
            try db.execute(sql: """
                INSERT INTO break_glass (user_id, patient_id, reason_cipher, granted_at, expires_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [identity.userID, patientID, clinic.store.fields.seal(reason, field: "break_glass.reason"),
                                 now, now.addingTimeInterval(clinic.settings.breakGlassDuration)])
            try note(.breakGlass, patientID: patientID, subject: "patient:\(patientID)",
                     detail: "grant \(db.lastInsertedRowID) for \(Int(clinic.settings.breakGlassDuration / 60)) min",
                     breakGlass: true, in: db)
        }
    }
}
