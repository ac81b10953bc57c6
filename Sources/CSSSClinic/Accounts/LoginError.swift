/// Why a login failed. The message for a wrong name, a wrong password, a disabled or a locked
/// account is the same, so that it does not tell a stranger which accounts exist.
public enum LoginError: Error, Equatable, CustomStringConvertible {
    /// Wrong user name or password, or the account is disabled or locked.
    case refused
    /// The password was right and the account has two-factor enrolled: a code is needed.
    case secondFactorRequired
    /// The two-factor code was wrong, or was already used.
    case secondFactorRefused

    public var description: String {
        switch self {
        case .refused:
            "login failed: wrong user name or password, or the account is locked or disabled; try again later or ask an administrator"
        case .secondFactorRequired:
            "this account needs a two-factor code: give the 6-digit code from the authenticator app (CSSS_TOTP) or a recovery code"
        case .secondFactorRefused:
            "login failed: the two-factor code is wrong or was already used"
        }
    }
}
