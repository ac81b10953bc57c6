/// Draws a ``PixelGrid`` as upper half blocks `▀`: each cell shows its top pixel in the foreground colour
/// and the pixel below it in the background colour, so a `C × 2R` grid becomes `R` lines of `C` cells.
///
/// A colour is sent only when it differs from the cell to the left, and every line ends with `ESC[0m`, so
/// that no colour bleeds into the rest of the line or into whatever is printed next.
struct HalfBlockEncoder: Sendable {
    /// The colours a terminal can show.
    enum Palette: Sendable {
        /// 24-bit colour: `ESC[38;2;r;g;bm` and `ESC[48;2;r;g;bm`.
        case truecolor
        /// The xterm 256-colour palette: `ESC[38;5;nm` and `ESC[48;5;nm`.
        case xterm256
        /// The 16 ANSI colours: `ESC[30m`…`ESC[37m`, `ESC[90m`…`ESC[97m`, and 40/100 for the background.
        case ansi16
    }

    let palette: Palette

    private static let upperHalfBlock: [UInt8] = Array("▀".utf8)

    /// Appends the grid's lines to `output`.
    ///
    /// - Precondition: the grid's height is even.
    func encode(_ grid: PixelGrid, into output: inout TerminalOutput) {
        precondition(grid.height % 2 == 0, "half blocks need an even number of pixel rows")
        var colours: [UInt32] = []
        colours.reserveCapacity(grid.width * grid.height)
        for y in 0..<grid.height {
            for x in 0..<grid.width { colours.append(colourCode(for: grid[x, y])) }
        }
        for row in 0..<grid.height / 2 {
            var foreground: UInt32?, background: UInt32?
            for x in 0..<grid.width {
                let top = colours[2 * row * grid.width + x], bottom = colours[(2 * row + 1) * grid.width + x]
                if top != foreground {
                    appendColour(top, background: false, into: &output)
                    foreground = top
                }
                if bottom != background {
                    appendColour(bottom, background: true, into: &output)
                    background = bottom
                }
                output.append(contentsOf: Self.upperHalfBlock)
            }
            output.appendCSI()
            output.append("0m\n")
        }
    }

    /// The colour as this palette names it: packed `0xRRGGBB`, or a palette index.
    private func colourCode(for colour: RGB) -> UInt32 {
        switch palette {
        case .truecolor: UInt32(colour.r) << 16 | UInt32(colour.g) << 8 | UInt32(colour.b)
        case .xterm256: UInt32(XtermPalette.nearest256(to: colour))
        case .ansi16: UInt32(XtermPalette.nearest16(to: colour))
        }
    }

    /// Select Graphic Rendition for the colour code, as foreground or background.
    private func appendColour(_ code: UInt32, background: Bool, into output: inout TerminalOutput) {
        output.appendCSI()
        switch palette {
        case .truecolor:
            output.append(background ? "48;2;" : "38;2;")
            output.append(decimal: Int(code >> 16))
            output.append(byte: UInt8(ascii: ";"))
            output.append(decimal: Int(code >> 8 & 0xFF))
            output.append(byte: UInt8(ascii: ";"))
            output.append(decimal: Int(code & 0xFF))
        case .xterm256:
            output.append(background ? "48;5;" : "38;5;")
            output.append(decimal: Int(code))
        case .ansi16:
            // Normal colours are 30–37 (40–47 behind); the bright eight are 90–97 (100–107 behind).
            let base = code < 8 ? (background ? 40 : 30) : (background ? 100 : 90)
            output.append(decimal: base + Int(code % 8))
        }
        output.append(byte: UInt8(ascii: "m"))
    }
}
