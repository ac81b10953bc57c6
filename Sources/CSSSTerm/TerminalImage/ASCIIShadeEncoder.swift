/// Draws a ``PixelGrid`` as plain text: one character of the ramp ` .:-=+*#%@` per cell, from the mean
/// luminance of the cell's two pixels (top and bottom), and no escape sequences at all.
///
/// Black is a space and white is `@`, which reads right on the usual dark background.
struct ASCIIShadeEncoder: Sendable {
    /// The shades, darkest first.
    static let ramp: [UInt8] = Array(" .:-=+*#%@".utf8)

    /// Appends the grid's lines to `output`, each ended by a newline.
    ///
    /// - Precondition: the grid's height is even.
    func encode(_ grid: PixelGrid, into output: inout TerminalOutput) {
        precondition(grid.height % 2 == 0, "a shade cell covers two pixel rows")
        for row in 0..<grid.height / 2 {
            for x in 0..<grid.width {
                let luminance = (Self.luma(grid[x, 2 * row]) + Self.luma(grid[x, 2 * row + 1]) + 1) / 2
                output.append(byte: Self.ramp[luminance * Self.ramp.count / 256])
            }
            output.append(byte: UInt8(ascii: "\n"))
        }
    }

    /// ITU-R 601 luma in 16-bit fixed point, 0…255: the weighting the engine's gray conversion uses.
    private static func luma(_ colour: RGB) -> Int {
        (Int(colour.r) * 19595 + Int(colour.g) * 38470 + Int(colour.b) * 7471 + 0x8000) >> 16
    }
}
