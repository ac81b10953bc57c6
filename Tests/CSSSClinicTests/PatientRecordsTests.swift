import Foundation
import GRDB
import Testing
@testable import CSSSClinic

@Suite("Patient records: validation, blind-index lookup, encryption at rest")
struct PatientRecordsTests {
    @Test("bad fields are refused by name and nothing is saved")
    func validation() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let cases: [(PatientDetails, String)] = [
            (PatientDetails(mrn: "MRN 1", name: "A"), "mrn"),
            (PatientDetails(mrn: "M1", name: "  "), "name"),
            (PatientDetails(mrn: "M1", name: "A", birthDate: "1984-02-30"), "birth date"),
            (PatientDetails(mrn: "M1", name: "A", email: "asha@"), "email"),
            (PatientDetails(mrn: "M1", name: "A", phone: "98123 45678"), "phone"),
            (PatientDetails(mrn: "M1", name: "A", sex: "female"), "sex"),
        ]
        for (details, field) in cases {
            #expect {
                try admin.addPatient(details)
            } throws: { error in
                guard case PatientError.invalidField(let named, _) = error else { return false }
                return named == field
            }
        }
        #expect(try test.clinic.store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM patient") } == 0)
        _ = try admin.addPatient(PatientDetails(mrn: "m-1", name: "A"))
        #expect(throws: PatientError.duplicateMRN("M-1")) { try admin.addPatient(PatientDetails(mrn: " M-1 ", name: "B")) }
    }

    @Test("MRN lookup uses the blind index; name search decrypts in memory, ignoring case and accents")
    func lookups() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let jose = try admin.addPatient(PatientDetails(mrn: "MRN-77", name: "José Müller", phone: "+49 (30) 1234-5678"))
        _ = try admin.addPatient(PatientDetails(mrn: "MRN-78", name: "Ana Pérez"))
        #expect(jose.details.phone == "+493012345678")
        #expect(try admin.patient(mrn: "mrn-77")?.id == jose.id)
        #expect(try admin.patient(mrn: "MRN-79") == nil)
        #expect(try admin.listPatients(nameContaining: "jose muller").map(\.id) == [jose.id])
    }

    @Test("no patient name, phone or email appears in clear in the database, its WAL, or the vault")
    func nothingInClear() async throws {
        let test = try await TestClinic()
        let admin = try await test.admin()
        let secrets = ["Zebulon Quixote-Marchetti", "+447700900123", "zebulon.q@example.org", "ZQM-000451"]
        _ = try admin.addPatient(PatientDetails(mrn: secrets[3], name: secrets[0], birthDate: "1970-01-01",
                                                email: secrets[2], phone: secrets[1]))
        let stored = try test.everyStoredByte()
        #expect(stored.contains { $0.path.hasSuffix("csss.sqlite-wal") || $0.path.hasSuffix("csss.sqlite") })
        for (path, bytes) in stored {
            for secret in secrets {
                #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(secret) in clear in \(path)")
                #expect(bytes.range(of: Data(secret.lowercased().utf8)) == nil, "\(secret) in clear in \(path)")
            }
        }
    }
}
