import CSSSStore
import Foundation
import GRDB

/// What is entered to register a patient. Everything here is protected health information and is
/// stored encrypted; MRN, email and phone also get blind indexes for exact lookup.
public struct PatientDetails: Sendable, Equatable {
    public var mrn: String
    public var name: String
    /// `YYYY-MM-DD`.
    public var birthDate: String?
    public var sex: String?
    public var email: String?
    /// E.164, for example `+919812345678`.
    public var phone: String?
    /// A restricted record opens for doctors only through break-glass.
    public var restricted: Bool

    public init(mrn: String, name: String, birthDate: String? = nil, sex: String? = nil,
                email: String? = nil, phone: String? = nil, restricted: Bool = false) {
        self.mrn = mrn
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.email = email
        self.phone = phone
        self.restricted = restricted
    }

    /// The details with identifiers normalised and every field checked.
    ///
    /// - Throws: ``PatientError/invalidField(_:_:)`` naming the field and what is wrong.
    func validated() throws -> PatientDetails {
        var details = self
        details.mrn = mrn.trimmingCharacters(in: .whitespaces).uppercased()
        details.name = name.trimmingCharacters(in: .whitespaces)
        guard details.mrn.range(of: #"^[A-Z0-9-]{1,32}$"#, options: .regularExpression) != nil else {
            throw PatientError.invalidField("mrn", "use 1–32 letters, digits or '-'")
        }
        guard !details.name.isEmpty, details.name.count <= 200 else {
            throw PatientError.invalidField("name", "give the patient's name (at most 200 characters)")
        }
        if let birthDate {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.dateFormat = "yyyy-MM-dd"
            formatter.timeZone = TimeZone(identifier: "UTC")
            guard let date = formatter.date(from: birthDate), formatter.string(from: date) == birthDate, date <= Date() else {
                throw PatientError.invalidField("birth date", "'\(birthDate)' is not a past date written YYYY-MM-DD")
            }
        }
        if let sex {
            details.sex = sex.uppercased()
            guard ["F", "M", "O", "U"].contains(details.sex!) else {
                throw PatientError.invalidField("sex", "use F, M, O (other) or U (unknown)")
            }
        }
        if let email {
            details.email = try ContactAddress.normalisedEmail(email)
        }
        if let phone {
            details.phone = try ContactAddress.normalisedPhone(phone)
        }
        return details
    }
}

/// A registered patient, decrypted for someone allowed to see it.
public struct Patient: Sendable, Equatable {
    public let id: Int64
    public let details: PatientDetails
    public let createdAt: Date

    static let fields = (mrn: "patient.mrn", name: "patient.name", birthDate: "patient.birth_date", sex: "patient.sex",
                         email: "patient.email", phone: "patient.phone")

    init(row: Row, cipher: FieldCipher) throws {
        id = row["id"]
        func open(_ column: String, _ field: String) throws -> String? {
            try (row[column] as Data?).map { try cipher.openText($0, field: field) }
        }
        details = PatientDetails(
            mrn: try open("mrn_cipher", Self.fields.mrn) ?? "", name: try open("name_cipher", Self.fields.name) ?? "",
            birthDate: try open("birth_date_cipher", Self.fields.birthDate), sex: try open("sex_cipher", Self.fields.sex),
            email: try open("email_cipher", Self.fields.email), phone: try open("phone_cipher", Self.fields.phone),
            restricted: row["restricted"])
        createdAt = row["created_at"]
    }

    /// The patient as ordered JSON for `--json`.
    public var json: JSONValue {
        func optional(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .integer(Int(id))), ("mrn", .string(details.mrn)), ("name", .string(details.name)),
            ("birth_date", optional(details.birthDate)), ("sex", optional(details.sex)),
            ("email", optional(details.email)), ("phone", optional(details.phone)),
            ("restricted", .bool(details.restricted)),
        ])
    }
}

/// Checks and normalises the addresses reports are delivered to.
public enum ContactAddress {
    /// A lowercased email address with one `@`, a dotted domain and no spaces.
    public static func normalisedEmail(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard email.count <= 254,
              email.range(of: #"^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$"#,
                          options: .regularExpression) != nil else {
            throw PatientError.invalidField("email", "'\(text)' is not an email address")
        }
        return email
    }

    /// A phone number in E.164: `+`, a country code, at most 15 digits; spaces, dashes and
    /// brackets typed for readability are dropped.
    public static func normalisedPhone(_ text: String) throws -> String {
        let phone = text.filter { !" -().".contains($0) }
        guard phone.range(of: #"^\+[1-9][0-9]{6,14}$"#, options: .regularExpression) != nil else {
            throw PatientError.invalidField("phone", "'\(text)' is not an E.164 number such as +14155550123")
        }
        return phone
    }
}

/// Why a patient could not be saved or found.
public enum PatientError: Error, Equatable, CustomStringConvertible {
    case invalidField(String, String)
    case duplicateMRN(String)
    case notFound(Int64)

    public var description: String {
        switch self {
        case .invalidField(let field, let problem): "patient \(field): \(problem)"
        case .duplicateMRN(let mrn): "a patient with MRN \(mrn) already exists"
        case .notFound(let id): "no patient with id \(id)"
        }
    }
}
