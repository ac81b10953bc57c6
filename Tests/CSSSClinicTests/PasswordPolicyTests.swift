import Testing
@testable import CSSSClinic

@Suite("Password policy")
struct PasswordPolicyTests {
    private let policy = PasswordPolicy()
    private let context = ["jsmith", "Dr Jane Smith", "csss"]

    private func violation(_ password: String) -> PasswordPolicyViolation? {
        do {
            try policy.check(password, context: context)
            return nil
        } catch {
            return error
        }
    }

    @Test("fewer than 12 characters is refused, 12 is enough")
    func minimumLength() {
        #expect(violation("tulip river") == .tooShort(minimum: 12))
        #expect(violation("tulip rivers") == nil)
    }

    @Test("length counts characters, not bytes, after NFC normalisation")
    func lengthCountsCharacters() {
        let decomposed = "cafe\u{301} au lait"  // 12 characters, 13 scalars
        #expect(violation(decomposed) == nil)
        #expect(violation("ñandú río") == .tooShort(minimum: 12))
        #expect(PasswordPolicy.normalised("cafe\u{301}").unicodeScalars.count == 4)
    }

    @Test("passphrases of 64 characters and more are allowed, up to the maximum")
    func longPassphrases() {
        let sixtyFour = "the quick orange lynx naps under a warm rock by the slow river ok"
        #expect(sixtyFour.count >= 64)
        #expect(violation(sixtyFour) == nil)
        let longest = String(sixtyFour.prefix(64)) + String(sixtyFour.prefix(64))
        #expect(violation(longest) == nil)
        #expect(violation(longest + "x") == .tooLong(maximum: 128))
    }

    @Test("common passwords are refused, also with capitals or digits and symbols added at the end")
    func commonPasswords() {
        #expect(PasswordPolicy.commonPasswords.count > 10_000)
        #expect(violation("password1234") == .common)
        #expect(violation("qwertyuiop123") == .common)
        #expect(violation("Baseball2024!") == .common)
        #expect(violation("iloveyou1234") == .common)
        #expect(violation("1qaz2wsx3edc") == .common)
    }

    @Test("the username, a part of the display name or the service name is refused inside the password")
    func personalWords() {
        // The longest word found is named: "jsmith", not the "smith" inside it.
        #expect(violation("xjsmith-rocks-2") == .containsPersonalWord("jsmith"))
        #expect(violation("my name is SMITH ok") == .containsPersonalWord("smith"))
        #expect(violation("janes garden 9") == .containsPersonalWord("jane"))
        #expect(violation("I work at CSSS daily") == .containsPersonalWord("csss"))
        // "Dr" is under four characters, so it may appear.
        #expect(violation("dr who fan club") == nil)
    }

    @Test("no composition rules: lowercase passphrases with spaces are accepted")
    func noCompositionRules() {
        #expect(violation("correct horse battery staple") == nil)
        #expect(violation("thelongestsummerofmylife") == nil)
    }

    @Test("Unicode passphrases are accepted")
    func unicode() {
        #expect(violation("Ночь, улица, фонарь, аптека") == nil)
        #expect(violation("日本語のパスフレーズです長い") == nil)
        #expect(violation("🐢🐇 slow and steady 🏁") == nil)
    }

    @Test("repeated characters and short repeated runs are refused")
    func repetitive() {
        #expect(violation("aaaaaaaaaaaa") == .repetitive)
        #expect(violation("############") == .repetitive)
        #expect(violation("abcabcabcabc") == .repetitive)
        #expect(violation("hellohellohello") == .repetitive)
        #expect(violation("hellohello-go") == nil)
    }

    @Test("runs of the alphabet, digits and keyboard keys are refused, in either direction")
    func sequential() {
        #expect(violation("123456789012") == .sequential)
        #expect(violation("abcdefghijkl") == .sequential)
        #expect(violation("lkjihgfedcba") == .sequential)
        #expect(violation("qwertyuiopas") == .sequential)
        #expect(violation("asdfghjklzxcv") == .sequential)
        #expect(violation("azertyuiopqsd") == .sequential)
        #expect(violation("0987654321098") == .sequential)
    }

    @Test("each refusal tells the person what to do")
    func messages() {
        #expect(PasswordPolicyViolation.common.description
            == "the password is on a list of common or breached passwords; choose another")
        #expect(PasswordPolicyViolation.tooShort(minimum: 12).description.contains("at least 12 characters"))
        #expect(PasswordPolicyViolation.containsPersonalWord("smith").description.contains("'smith'"))
    }
}
