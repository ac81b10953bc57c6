import Testing
@testable import CSSSClinic

@Suite("QR code")
struct QRCodeTests {
    @Test("the size is 21 + 4k and grows with the text")
    func sizeFollowsVersion() throws {
        let small = try QRCode(encoding: "csss")
        #expect(small.size == 21)
        let large = try QRCode(encoding: String(repeating: "x", count: 500))
        #expect(large.size > 21 && (large.size - 21) % 4 == 0)
    }

    @Test("the three finder patterns sit at the corners: a dark 7×7 ring around a dark 3×3 centre")
    func finderPatterns() throws {
        let code = try QRCode(encoding: "otpauth://totp/CSSS:dr.lee?secret=GEZDGNBV")
        let last = code.size - 7
        for (top, left) in [(0, 0), (0, last), (last, 0)] {
            for row in 0..<7 {
                for column in 0..<7 {
                    let ring = row == 0 || row == 6 || column == 0 || column == 6
                    let centre = (2...4).contains(row) && (2...4).contains(column)
                    #expect(code.isDark(row: top + row, column: left + column) == (ring || centre),
                            "finder at (\(top), \(left)), module (\(row), \(column))")
                }
            }
        }
        // The bottom-right corner has no finder.
        #expect((0..<7).contains { !code.isDark(row: code.size - 1, column: last + $0) })
    }

    @Test("an otpauth URI with a 160-bit secret encodes")
    func otpauthURIEncodes() throws {
        let totp = TOTP(secret: TOTP.generateSecret())
        let code = try QRCode(encoding: totp.provisioningURI(issuer: "CSSS", account: "dr.lee@st-marys.example"))
        // About 110 bytes: version 7 or 8 at level M, small enough for a phone to read off a terminal.
        #expect((45...49).contains(code.size))
    }

    @Test("terminal lines pack two module rows each, dark as blocks, inside the quiet zone")
    func terminalLines() throws {
        let code = try QRCode(encoding: "csss")
        for quietZone in [0, 1, 2, 4] {
            let span = code.size + 2 * quietZone
            let lines = code.terminalLines(quietZone: quietZone)
            #expect(lines.count == (span + 1) / 2)
            #expect(lines.allSatisfy { $0.count == span })
        }
        let lines = code.terminalLines(quietZone: 2)
        #expect(lines[0] == String(repeating: " ", count: code.size + 4))
        // The top-left finder, two symbol rows a line, after two quiet columns; row 7 is its light border.
        #expect(lines[1].hasPrefix("  █▀▀▀▀▀█ "))
        #expect(lines[2].hasPrefix("  █ ███ █ "))
        #expect(lines[3].hasPrefix("  █ ▀▀▀ █ "))
        #expect(lines[4].hasPrefix("  ▀▀▀▀▀▀▀ "))
    }

    @Test("with ansi each line is wrapped in black-on-white codes")
    func ansiLines() throws {
        let code = try QRCode(encoding: "csss")
        let plain = code.terminalLines()
        let coloured = code.terminalLines(ansi: true)
        #expect(coloured == plain.map { "\u{1B}[30;47m" + $0 + "\u{1B}[0m" })
    }

    @Test("text with a NUL or beyond a QR code's capacity is refused with a reason")
    func refusals() {
        #expect(throws: QRCodeError.containsNUL) { try QRCode(encoding: "a\u{0}b") }
        #expect(throws: QRCodeError.tooLong(bytes: 3000)) { try QRCode(encoding: String(repeating: "x", count: 3000)) }
    }
}
