import Foundation

/// What a new password must satisfy, after NIST SP 800-63B (rev. 3 §5.1.1.2, rev. 4 §3.1.1.2): a length
/// range, and refusal of known, guessable or personal passwords, with no composition rules.
///
/// Rules such as "must contain a digit" are left out on purpose: NIST found they push people to
/// `Password1!` rather than to stronger passwords. Spaces and any Unicode are allowed, so passphrases work.
///
/// ```swift
/// try PasswordPolicy().check(typed, context: [username, displayName, "csss"])
/// let stored = try Argon2id.passwordHashing.hashPassword(PasswordPolicy.normalised(typed))
/// ```
public struct PasswordPolicy: Sendable {
    /// Fewest characters accepted.
    public let minimumLength: Int
    /// Most characters accepted; NIST asks for at least 64 so passphrases fit.
    public let maximumLength: Int

    /// Creates a policy; `maximumLength` must be at least 64 and not below `minimumLength`.
    public init(minimumLength: Int = 12, maximumLength: Int = 128) {
        precondition(maximumLength >= 64, "NIST SP 800-63B requires passwords of at least 64 characters be allowed")
        precondition(minimumLength <= maximumLength, "the minimum password length exceeds the maximum")
        self.minimumLength = minimumLength
        self.maximumLength = maximumLength
    }

    /// The form a password is checked, hashed and verified in: Unicode NFC, so the same text typed on
    /// keyboards that compose accents differently gives the same bytes.
    public static func normalised(_ password: String) -> String {
        password.precomposedStringWithCanonicalMapping
    }

    /// Checks a new password, reporting the first rule it breaks.
    ///
    /// - Parameter context: words the password must not contain: the username, the display name and the
    ///   service name (`"csss"`). Each is split at non-letters and non-digits; parts of 4+ characters count.
    /// - Throws: ``PasswordPolicyViolation`` with a message the person choosing the password can act on.
    public func check(_ password: String, context: [String]) throws(PasswordPolicyViolation) {
        let password = Self.normalised(password)
        guard password.count >= minimumLength else { throw .tooShort(minimum: minimumLength) }
        guard password.count <= maximumLength else { throw .tooLong(maximum: maximumLength) }
        let folded = password.lowercased()
        if Self.isCommon(folded) { throw .common }
        // Longest first, so the message names "jsmith" rather than the "smith" inside it.
        let words = Self.contextWords(context).sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
        for word in words where folded.contains(word) {
            throw .containsPersonalWord(word)
        }
        let scalars = Array(folded.unicodeScalars)
        if Self.isRepetitive(scalars) { throw .repetitive }
        if Self.isSequential(folded) { throw .sequential }
    }

    /// The common list read once, on first use.
    static let commonPasswords = Set(commonPasswordList.split(separator: "\n").map(String.init))

    /// On the list as typed, or once trailing digits and punctuation are dropped ("password1234!").
    private static func isCommon(_ folded: String) -> Bool {
        if commonPasswords.contains(folded) { return true }
        var stem = folded.unicodeScalars
        while let last = stem.last, padding.contains(last) { stem.removeLast() }
        return commonPasswords.contains(String(stem))
    }

    private static let padding = CharacterSet.decimalDigits.union(.punctuationCharacters).union(.symbols)
        .union(.whitespaces)

    private static func contextWords(_ context: [String]) -> Set<String> {
        var words = Set<String>()
        for entry in context {
            let folded = normalised(entry).lowercased()
            if folded.count >= 4 { words.insert(folded) }
            for part in folded.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where part.count >= 4 {
                words.insert(String(part))
            }
        }
        return words
    }

    /// One short run repeated to fill the password, at least three times: "aaaaaaaaaaaa",
    /// "abcabcabcabc", "hellohellohello".
    private static func isRepetitive(_ scalars: [Unicode.Scalar]) -> Bool {
        guard scalars.count >= 3 else { return false }
        return (1...scalars.count / 3).contains { period in
            (period..<scalars.count).allSatisfy { scalars[$0] == scalars[$0 - period] }
        }
    }

    /// Sequences people walk along, forwards or backwards; digits wrap so "123456789012" is one.
    private static let sequences = [
        "abcdefghijklmnopqrstuvwxyz",
        "0123456789",
        "qwertyuiopasdfghjklzxcvbnm",  // keyboard rows, left to right, top to bottom
        "qwertzuiopasdfghjklyxcvbnm",  // German layout
        "azertyuiopqsdfghjklmwxcvbn",  // French layout
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",  // keyboard columns
    ]

    /// The whole password is a stretch of one of ``sequences``, read cyclically in either direction.
    private static func isSequential(_ folded: String) -> Bool {
        sequences.contains { sequence in
            let laps = folded.count / sequence.count + 2
            let forwards = String(repeating: sequence, count: laps)
            return forwards.contains(folded) || String(forwards.reversed()).contains(folded)
        }
    }
}

/// The rule a new password broke, with a message telling the person what to do instead.
public enum PasswordPolicyViolation: Error, Equatable, CustomStringConvertible {
    /// Fewer characters than the policy's minimum.
    case tooShort(minimum: Int)
    /// More characters than the policy's maximum.
    case tooLong(maximum: Int)
    /// On the list of common or breached passwords, possibly with digits or symbols added at the end.
    case common
    /// Contains the person's name, username or the service's name (the word found, lowercased).
    case containsPersonalWord(String)
    /// One character or short run repeated throughout.
    case repetitive
    /// A run of the alphabet, digits or a keyboard row.
    case sequential

    public var description: String {
        switch self {
        case .tooShort(let minimum):
            return "the password is too short; use at least \(minimum) characters (a few words with spaces is fine)"
        case .tooLong(let maximum):
            return "the password is too long; use at most \(maximum) characters"
        case .common:
            return "the password is on a list of common or breached passwords; choose another"
        case .containsPersonalWord(let word):
            return "the password contains '\(word)', part of your name, username or the service's name; choose one without it"
        case .repetitive:
            return "the password repeats the same characters; choose one that is less predictable"
        case .sequential:
            return "the password is a run of letters, digits or keyboard keys; choose one that is less predictable"
        }
    }
}
