import Foundation

/// What reports say about who issues them, and the owner password they are locked with.
public struct ReportSettings: Sendable, Equatable {
    /// `HOSPITAL_NAME`.
    public var hospitalName: String
    /// `HOSPITAL_LOGO`: a PNG file.
    public var logoPath: String?
    /// `PDF_ENCRYPTION_KEY`: the owner password of every report; `nil` uses a key derived from the
    /// master key.
    public var ownerPassword: String?

    public static let defaultHospitalName = "CSSS Clinic"

    public init(hospitalName: String = Self.defaultHospitalName, logoPath: String? = nil, ownerPassword: String? = nil) {
        self.hospitalName = hospitalName
        self.logoPath = logoPath
        self.ownerPassword = ownerPassword
    }

    /// The settings `environment` gives.
    public init(environment: ClinicEnvironment) throws {
        self.init(hospitalName: environment["HOSPITAL_NAME"] ?? Self.defaultHospitalName,
                  logoPath: environment["HOSPITAL_LOGO"], ownerPassword: environment["PDF_ENCRYPTION_KEY"])
        if let ownerPassword, ownerPassword.count < 16 {
            throw ConfigurationError.invalidValue(key: "PDF_ENCRYPTION_KEY", value: "(\(ownerPassword.count) characters)",
                                                  expected: "at least 16 characters")
        }
    }
}
