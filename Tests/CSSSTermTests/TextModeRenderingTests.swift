import CSSSClinic
@testable import CSSSTerm
import Testing

@Suite("Half blocks, palettes and ASCII shades")
struct TextModeRenderingTests {
    /// Red and green over blue and white.
    private static let twoByTwo = SyntheticImages.rgb(width: 2, height: 2) { x, y in
        [[[255, 0, 0], [0, 255, 0]], [[0, 0, 255], [255, 255, 255]]][y][x]
    }

    private func render(_ image: ScanImage, _ mode: TerminalGraphicsMode, columns: Int) -> String {
        let renderer = TerminalImageRenderer(mode: mode)
        return String(decoding: renderer.render(image, layout: renderer.layout(for: image, maxColumns: columns, maxRows: nil)),
                      as: UTF8.self)
    }

    @Test("truecolor draws a 2×2 image as two ▀ cells: top pixel foreground, bottom pixel background, reset at the end")
    func truecolorTwoByTwo() {
        #expect(render(Self.twoByTwo, .truecolor, columns: 2) ==
            "\u{1B}[38;2;255;0;0m\u{1B}[48;2;0;0;255m▀\u{1B}[38;2;0;255;0m\u{1B}[48;2;255;255;255m▀\u{1B}[0m\n")
    }

    @Test("a colour is sent only when it changes along the row")
    func coloursOnlyOnChange() {
        let stripes = SyntheticImages.rgb(width: 4, height: 2) { x, y in y == 0 ? [10, 20, 30] : (x < 2 ? [0, 0, 0] : [200, 0, 0]) }
        #expect(render(stripes, .truecolor, columns: 4) ==
            "\u{1B}[38;2;10;20;30m\u{1B}[48;2;0;0;0m▀▀\u{1B}[48;2;200;0;0m▀▀\u{1B}[0m\n")
    }

    @Test("256 colours: pure red is cube entry 196, greys use the grey ramp, cube greys stay exact")
    func xterm256Mapping() {
        #expect(XtermPalette.nearest256(to: RGB(r: 255, g: 0, b: 0)) == 196)
        #expect(XtermPalette.nearest256(to: RGB(r: 128, g: 128, b: 128)) == 244)  // 8 + 10 × 12 = 128
        #expect(XtermPalette.nearest256(to: RGB(r: 100, g: 100, b: 100)) == 241)  // ramp 98, not cube 95
        #expect(XtermPalette.nearest256(to: RGB(r: 0, g: 0, b: 0)) == 16)
        #expect(XtermPalette.nearest256(to: RGB(r: 255, g: 255, b: 255)) == 231)
        #expect(XtermPalette.nearest256(to: RGB(r: 0, g: 135, b: 255)) == 16 + 36 * 0 + 6 * 2 + 5)
        for level in stride(from: 20, through: 235, by: 5) {
            let index = XtermPalette.nearest256(to: RGB(r: UInt8(level), g: UInt8(level), b: UInt8(level)))
            #expect(index >= 232 || [16, 59, 102, 145, 188, 231].contains(index), "grey \(level) became \(index)")
        }
        #expect(render(Self.twoByTwo, .xterm256, columns: 2) ==
            "\u{1B}[38;5;196m\u{1B}[48;5;21m▀\u{1B}[38;5;46m\u{1B}[48;5;231m▀\u{1B}[0m\n")
    }

    @Test("16 colours: pure red is bright red 9, greys are black, bright black, white or bright white")
    func ansi16Mapping() {
        #expect(XtermPalette.nearest16(to: RGB(r: 255, g: 0, b: 0)) == 9)
        #expect(XtermPalette.nearest16(to: RGB(r: 200, g: 10, b: 0)) == 1)
        #expect(XtermPalette.nearest16(to: RGB(r: 128, g: 128, b: 128)) == 8)
        for level in 0...255 {
            let index = XtermPalette.nearest16(to: RGB(r: UInt8(level), g: UInt8(level), b: UInt8(level)))
            #expect([0, 8, 7, 15].contains(index), "grey \(level) became \(index)")
        }
        #expect(render(Self.twoByTwo, .ansi16, columns: 2) ==
            "\u{1B}[91m\u{1B}[44m▀\u{1B}[92m\u{1B}[107m▀\u{1B}[0m\n")
    }

    @Test("ASCII has no escape bytes and maps black to a space and white to @")
    func asciiShades() {
        let halves = SyntheticImages.rgb(width: 2, height: 2) { x, _ in x == 0 ? [0, 0, 0] : [255, 255, 255] }
        #expect(render(halves, .ascii, columns: 2) == " @\n")

        let ramp = SyntheticImages.rgb(width: 64, height: 8) { x, _ in [UInt8(x * 4), UInt8(x * 4), UInt8(x * 4)] }
        let text = render(ramp, .ascii, columns: 64)
        #expect(!text.utf8.contains(0x1B))
        #expect(text.utf8.allSatisfy { $0 == 0x0A || (0x20..<0x7F).contains($0) })
        let firstLine = text.split(separator: "\n")[0]
        #expect(firstLine.first == " " && firstLine.last == "@")
        #expect(Set(firstLine) == Set(" .:-=+*#%@"), "every shade appears along a full ramp")
    }

    @Test("area averaging keeps a one-pixel line that nearest-neighbour sampling would drop")
    func boxFilterKeepsThinLines() {
        // A bright vertical line one pixel wide in a 100-pixel-wide dark image, shrunk tenfold.
        let line = SyntheticImages.rgb(width: 100, height: 20) { x, _ in x == 55 ? [250, 250, 250] : [0, 0, 0] }
        let grid = PixelGrid(resampling: line, width: 10, height: 2)
        #expect(grid[5, 0] == RGB(r: 25, g: 25, b: 25))
        #expect(grid[4, 0] == RGB(r: 0, g: 0, b: 0))
        #expect(grid.isGray)
    }
}
