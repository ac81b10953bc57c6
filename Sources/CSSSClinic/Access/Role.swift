/// What a person is to the clinic; it decides which ``Permission``s they hold.
public enum Role: String, Sendable, CaseIterable, Codable {
    case admin
    case doctor
    case patient

    /// The permissions of this role: the seed's matrix, exactly.
    public var permissions: Set<Permission> {
        switch self {
        case .admin: Set(Permission.allCases)
        case .doctor: [.uploadScans, .viewAllPatientScans, .generateReports, .downloadOwnReports]
        case .patient: [.uploadScans, .downloadOwnReports]
        }
    }

    /// Whether the role must use a second factor (HIPAA person authentication, for the accounts
    /// that can reach everything).
    public var requiresTwoFactor: Bool { self == .admin }
}

/// One thing a role may do. Resource rules (a patient reaches only their own records; a restricted
/// record needs break-glass) come on top, in ``AccessPolicy``.
public enum Permission: String, Sendable, CaseIterable, Codable {
    case manageUsers = "manage users"
    case uploadScans = "upload scans"
    case viewAllPatientScans = "view all patient scans"
    case generateReports = "generate reports"
    case downloadOwnReports = "download own reports"
    case viewAuditLogs = "view audit logs"
    case configureSystem = "configure system"
    case enableDisableUsers = "enable/disable users"
}
