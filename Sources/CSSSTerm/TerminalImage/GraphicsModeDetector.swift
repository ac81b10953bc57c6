/// Chooses the richest ``TerminalGraphicsMode`` a terminal can show, from its environment and, for sixel,
/// from the terminal's own answer.
///
/// The decision, first match wins:
/// 1. `TERM` is `dumb` or unset → ascii: nothing is known to understand escape sequences.
/// 2. The locale is not UTF-8 → ascii, because half blocks are UTF-8. The locale is the first non-empty
///    of `LC_ALL`, `LC_CTYPE` and `LANG` (POSIX's precedence); none set means `C`.
/// 3. The terminal reports sixel (attribute 4 in its Primary Device Attributes reply) → sixel.
/// 4. `COLORTERM` is `truecolor` or `24bit` → truecolor.
/// 5. `TERM` contains `256color` (`xterm-256color`, and inside tmux `tmux-256color` or `screen-256color`) → 256.
/// 6. Otherwise → 16.
///
/// Over SSH, `TERM` travels with the session but `COLORTERM` only when the client sends it (`SendEnv`), so a
/// 24-bit terminal may get 256 colours there: a safe under-estimate. tmux answers the sixel question
/// itself, so sixel is chosen inside tmux only when that tmux draws sixel.
struct GraphicsModeDetector {
    /// The process environment, or a made-up one in tests.
    var environment: [String: String]
    /// Whether the terminal says it draws sixel. Asked only when steps 1 and 2 leave sixel possible,
    /// because the question is itself an escape sequence.
    var terminalReportsSixel: () -> Bool

    /// The mode this terminal should get.
    func detect() -> TerminalGraphicsMode {
        let term = value("TERM") ?? "dumb"
        if term == "dumb" || !localeIsUTF8 { return .ascii }
        if terminalReportsSixel() { return .sixel }
        if let colorTerm = value("COLORTERM")?.lowercased(), colorTerm == "truecolor" || colorTerm == "24bit" {
            return .truecolor
        }
        return term.contains("256color") ? .xterm256 : .ansi16
    }

    /// Whether the character-type locale is UTF-8 (`C.UTF-8`, `en_GB.utf8`, …).
    var localeIsUTF8: Bool {
        let locale = value("LC_ALL") ?? value("LC_CTYPE") ?? value("LANG") ?? "C"
        let normalised = locale.lowercased().replacingOccurrences(of: "-", with: "")
        return normalised.contains("utf8")
    }

    private func value(_ key: String) -> String? {
        guard let value = environment[key], !value.isEmpty else { return nil }
        return value
    }
}

extension GraphicsModeDetector {
    /// A detector for the terminal this process runs in: its environment, and a real Device Attributes query.
    static func current(environment: [String: String]) -> GraphicsModeDetector {
        GraphicsModeDetector(environment: environment) {
            DeviceAttributesQuery.primaryAttributes()?.contains(DeviceAttributesQuery.sixelAttribute) ?? false
        }
    }
}
