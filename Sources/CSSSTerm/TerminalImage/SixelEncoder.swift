/// Draws a ``PixelGrid`` as DEC sixel graphics, pixel for pixel.
///
/// The image is one Device Control String: `ESC P q`, raster attributes `"1;1;W;H` (square pixels, the
/// exact size), the registers `#n;2;r;g;b` (RGB in percent), then bands of six pixel rows, `-` between
/// bands, and `ESC \` at the end. Within a band a register draws its columns as characters whose six bits
/// say which of the six pixels take its colour (runs written `!count`), and `$` returns to the band's
/// start for another pass.
///
/// As in libsixel, each band is cut into segments (a register's unbroken run of columns) and the segments
/// are packed into as few passes as possible, several registers side by side in one pass. Drawing each
/// register in a pass of its own would repeat the skip to its first column and the `$` for every register
/// in every band, which more than doubles the output of a smooth grey scan.
struct SixelEncoder: Sendable {
    /// Appends the image's Device Control String to `output`.
    ///
    /// - Complexity: O(pixels + segments × passes); a band takes a handful of passes (16 for pure noise).
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
                output.append(decimal: SixelPalette.percent(sample))
            }
        }

        // One row of six-bit columns per register, reused for every band: each column is cleared as it
        // is written.
        var sixels = [UInt8](repeating: 0, count: palette.colours.count * width)
        var coveredUntil = [Int](repeating: 0, count: palette.colours.count)
        var passes: [[Segment]] = []
        var selected = -1
        for bandTop in stride(from: 0, to: grid.height, by: 6) {
            let bandRows = min(6, grid.height - bandTop)
            for bit in 0..<bandRows {
                let row = (bandTop + bit) * width
                for x in 0..<width { sixels[Int(palette.indices[row + x]) * width + x] |= 1 << bit }
            }

            // Segments in order of their first column, each put in the first pass that has ended by then.
            for index in passes.indices { passes[index].removeAll(keepingCapacity: true) }
            for x in 0..<width {
                for bit in 0..<bandRows {
                    let register = Int(palette.indices[(bandTop + bit) * width + x])
                    let line = register * width
                    guard x >= coveredUntil[register] else { continue }
                    let end = segmentEnd(sixels[line..<line + width], from: x)
                    coveredUntil[register] = end
                    let segment = Segment(register: register, start: x, end: end)
                    if let pass = passes.firstIndex(where: { ($0.last?.end ?? 0) <= x }) {
                        passes[pass].append(segment)
                    } else {
                        passes.append([segment])
                    }
                }
            }
            for index in coveredUntil.indices { coveredUntil[index] = 0 }

            if bandTop > 0 { output.append(byte: UInt8(ascii: "-")) }
            for (order, pass) in passes.enumerated() where !pass.isEmpty {
                if order > 0 { output.append(byte: UInt8(ascii: "$")) }
                var run = SixelRun()
                var x = 0
                for segment in pass {
                    run.add(0, count: segment.start - x, into: &output)
                    if segment.register != selected {
                        run.flush(into: &output)
                        output.append(byte: UInt8(ascii: "#"))
                        output.append(decimal: segment.register)
                        selected = segment.register
                    }
                    let line = segment.register * width
                    for column in segment.start..<segment.end {
                        run.add(sixels[line + column], count: 1, into: &output)
                        sixels[line + column] = 0
                    }
                    x = segment.end
                }
                run.flush(into: &output)
            }
        }
        output.append("\u{1B}\\")
    }

    /// A segment runs on over gaps shorter than this: a short run of `?` costs less than starting another
    /// segment, which may need its register selected again.
    private static let bridgedGap = 10

    /// Where the segment that starts at `start` in a register's row ends (exclusive).
    private func segmentEnd(_ row: ArraySlice<UInt8>, from start: Int) -> Int {
        let offset = row.startIndex, width = row.count
        var end = start + 1
        while end < width {
            if row[offset + end] != 0 {
                end += 1
                continue
            }
            guard let next = (end..<min(width, end + Self.bridgedGap)).first(where: { row[offset + $0] != 0 }) else { break }
            end = next
        }
        return end
    }
}

/// One register's unbroken run of columns in a band, `start..<end`.
private struct Segment {
    let register: Int
    let start: Int
    let end: Int
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
