@testable import CSSSTerm
import Testing

@Suite("Choosing the graphics mode from the terminal")
struct GraphicsModeDetectorTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var environment: [String: String]
        var reportsSixel: Bool
        var expected: TerminalGraphicsMode
        var testDescription: String {
            environment.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ")
                + (reportsSixel ? " +sixel" : "") + " → \(expected.rawValue)"
        }
    }

    private static let utf8 = ["LANG": "C.UTF-8"]

    static let table: [Case] = [
        Case(environment: utf8.merging(["TERM": "dumb", "COLORTERM": "truecolor"]) { $1 }, reportsSixel: true, expected: .ascii),
        Case(environment: utf8.merging(["COLORTERM": "truecolor"]) { $1 }, reportsSixel: false, expected: .ascii),  // no TERM
        Case(environment: ["TERM": "xterm-256color", "LANG": "C", "COLORTERM": "truecolor"], reportsSixel: true, expected: .ascii),
        Case(environment: ["TERM": "xterm-256color"], reportsSixel: false, expected: .ascii),  // no locale: C
        Case(environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "POSIX"], reportsSixel: false, expected: .ascii),
        Case(environment: ["TERM": "xterm-256color", "LANG": "C", "LC_CTYPE": "en_GB.utf8"], reportsSixel: false, expected: .xterm256),
        Case(environment: ["TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": ""], reportsSixel: false, expected: .xterm256),
        Case(environment: utf8.merging(["TERM": "xterm-256color", "COLORTERM": "truecolor"]) { $1 }, reportsSixel: true, expected: .sixel),
        Case(environment: utf8.merging(["TERM": "xterm", "COLORTERM": "truecolor"]) { $1 }, reportsSixel: false, expected: .truecolor),
        Case(environment: utf8.merging(["TERM": "tmux-256color", "COLORTERM": "24bit"]) { $1 }, reportsSixel: false, expected: .truecolor),
        Case(environment: utf8.merging(["TERM": "tmux-256color"]) { $1 }, reportsSixel: false, expected: .xterm256),
        Case(environment: utf8.merging(["TERM": "screen-256color", "COLORTERM": "yes"]) { $1 }, reportsSixel: false, expected: .xterm256),
        Case(environment: utf8.merging(["TERM": "screen"]) { $1 }, reportsSixel: false, expected: .ansi16),
        Case(environment: utf8.merging(["TERM": "linux"]) { $1 }, reportsSixel: false, expected: .ansi16),
    ]

    @Test("auto mode follows the documented order", arguments: table)
    func decisionTable(_ c: Case) {
        let detector = GraphicsModeDetector(environment: c.environment) { c.reportsSixel }
        #expect(detector.detect() == c.expected)
    }

    @Test("a dumb terminal or a non-UTF-8 locale is never sent the Device Attributes query")
    func noQueryForPlainTerminals() {
        for environment in [["TERM": "dumb", "LANG": "C.UTF-8"], ["TERM": "xterm", "LANG": "C"]] {
            var asked = false
            let detector = GraphicsModeDetector(environment: environment) { asked = true; return true }
            #expect(detector.detect() == .ascii)
            #expect(!asked, "\(environment)")
        }
    }
}
