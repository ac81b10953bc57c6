/// Draws a ``PixelGrid`` as DEC sixel graphics, pixel for pixel.
///
/// The image is one Device Control String: `ESC P q`, raster attributes `"1;1;W;H` (square pixels, the
/// exact size), the registers `#n;2;r;g;b` (RGB in percent), then bands of six pixel rows. In a band each
/// register used is drawn in turn (`#n`, one character per column whose six bits say which of the six
/// pixels take that colour, runs written `!count`), `$` returns to the band's start for the next register
/// and `-` moves to the next band. `ESC \` ends the image.
struct SixelEncoder: Sendable {
    /// Appends the image's Device Control String to `output`.
    ///
    /// - Complexity: O(pixels + registers used per band × width), for each band.
    func encode(_ grid: PixelGrid, into output: inout TerminalOutput) {
        let palette = SixelPalette(grid)
        let width = grid.width

        output.append("\u{1B}Pq\"1;1;")
        output.append(decimal: width)
        output.append(byte: UInt8(ascii: ";"))
        output.append(decimal: grid.height)
        for (register, colour) in palette.colours.enumerated() {
            output.append(byte: UInt8(ascii: "#"))
            output.append(decimal: register)
            output.append(";2;")
            for (index, sample) in [colour.r, colour.g, colour.b].enumerated() {
                if index > 0 { output.append(byte: UInt8(ascii: ";")) }
                output.append(decimal: (Int(sample) * 100 + 127) / 255)
            }
        }

        // One row of six-bit columns per register, reused for every band; only the span a register
        // touched in a band is written and then cleared.
        var sixels = [UInt8](repeating: 0, count: palette.colours.count * width)
        var firstX = [Int](repeating: 0, count: palette.colours.count)
        var lastX = [Int](repeating: -1, count: palette.colours.count)
        var used: [Int] = []
        for bandTop in stride(from: 0, to: grid.height, by: 6) {
            used.removeAll(keepingCapacity: true)
            for bit in 0..<min(6, grid.height - bandTop) {
                let row = (bandTop + bit) * width
                for x in 0..<width {
                    let register = Int(palette.indices[row + x])
                    if lastX[register] < 0 {
                        used.append(register)
                        firstX[register] = x
                    }
                    firstX[register] = min(firstX[register], x)
                    lastX[register] = max(lastX[register], x)
                    sixels[register * width + x] |= 1 << bit
                }
            }
            if bandTop > 0 { output.append(byte: UInt8(ascii: "-")) }
            for (order, register) in used.enumerated() {
                if order > 0 { output.append(byte: UInt8(ascii: "$")) }
                output.append(byte: UInt8(ascii: "#"))
                output.append(decimal: register)
                var run = SixelRun()
                run.add(0, count: firstX[register], into: &output)
                for x in firstX[register]...lastX[register] {
                    run.add(sixels[register * width + x], count: 1, into: &output)
                    sixels[register * width + x] = 0
                }
                run.flush(into: &output)
                lastX[register] = -1
            }
        }
        output.append("\u{1B}\\")
    }
}

/// Collects equal sixel characters into a run, written `!count` + character when that is shorter.
private struct SixelRun {
    private var bits: UInt8 = 0
    private var count = 0

    mutating func add(_ bits: UInt8, count: Int, into output: inout TerminalOutput) {
        guard count > 0 else { return }
        if bits != self.bits { flush(into: &output) }
        self.bits = bits
        self.count += count
    }

    mutating func flush(into output: inout TerminalOutput) {
        let character = UInt8(ascii: "?") + bits
        if count > 3 {
            output.append(byte: UInt8(ascii: "!"))
            output.append(decimal: count)
            output.append(byte: character)
        } else {
            for _ in 0..<count { output.append(byte: character) }
        }
        count = 0
    }
}
