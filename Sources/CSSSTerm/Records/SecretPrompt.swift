import Foundation

/// Reads a secret (password, TOTP code) from the controlling terminal with echo off, so it is
/// neither shown nor kept in the shell's history.
enum SecretPrompt {
    /// Whether a person is there to answer: the terminal can be opened.
    static var isInteractive: Bool {
        isatty(STDIN_FILENO) == 1
    }

    /// Asks `question` on the terminal and reads one line without echo; `nil` when there is no
    /// terminal.
    static func ask(_ question: String, echo: Bool = false) -> String? {
        guard isInteractive else { return nil }
        FileHandle.standardError.write(Data(question.utf8))
        var original = termios()
        let canToggle = tcgetattr(STDIN_FILENO, &original) == 0
        if canToggle && !echo {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &silent)
        }
        defer {
            if canToggle && !echo {
                tcsetattr(STDIN_FILENO, TCSAFLUSH, &original)
                FileHandle.standardError.write(Data("\n".utf8))
            }
        }
        return readLine(strippingNewline: true)
    }
}
