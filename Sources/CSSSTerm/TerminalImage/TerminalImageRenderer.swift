import CSSSClinic

/// Turns an image (a scan, an overlay) into the bytes that draw it in a terminal, in one
/// ``TerminalGraphicsMode`` and at a given size in cells, keeping its aspect ratio.
///
/// ```swift
/// let renderer = TerminalImageRenderer(mode: .truecolor)
/// let layout = renderer.layout(for: scan, maxColumns: 80, maxRows: 22)
/// let bytes = renderer.render(scan, layout: layout)  // write them in one go
/// ```
struct TerminalImageRenderer: Sendable {
    /// How the image is drawn.
    let mode: TerminalGraphicsMode
    /// The pixel size of a character cell: gives the cell's aspect ratio, and a sixel image's pixel size.
    var cell: CellPixelSize = .assumed

    /// The largest layout of `image` that fits `maxColumns × maxRows` cells (`maxRows` nil: no limit).
    func layout(for image: ScanImage, maxColumns: Int, maxRows: Int?) -> ImageLayout {
        ImageLayout.fitting(width: image.width, height: image.height, mode: mode,
                            maxColumns: maxColumns, maxRows: maxRows, cell: cell)
    }

    /// The bytes that draw `image` in `layout`, leaving the cursor at the start of the line below it.
    ///
    /// - Complexity: O(source pixels + layout pixels).
    func render(_ image: ScanImage, layout: ImageLayout) -> [UInt8] {
        let grid = PixelGrid(resampling: image, width: layout.pixelWidth, height: layout.pixelHeight)
        // A truecolor cell takes up to 41 bytes; a sixel pixel rarely more than one.
        var output = TerminalOutput(reservingCapacity: mode == .sixel ? grid.width * grid.height + 4096
                                                                      : layout.rows * (layout.columns * 41 + 8))
        switch mode {
        case .sixel: placeSixel(grid, rows: layout.rows, into: &output)
        case .truecolor: HalfBlockEncoder(palette: .truecolor).encode(grid, into: &output)
        case .xterm256: HalfBlockEncoder(palette: .xterm256).encode(grid, into: &output)
        case .ansi16: HalfBlockEncoder(palette: .ansi16).encode(grid, into: &output)
        case .ascii: ASCIIShadeEncoder().encode(grid, into: &output)
        }
        return output.bytes
    }

    /// Terminals disagree on where a sixel image leaves the cursor (xterm: the line below it; a VT340, and
    /// now foot and WezTerm: its last line). So the image's rows are made room for with newlines (scrolling
    /// before drawing, not during), the cursor goes back up and is saved, the image is drawn, and the
    /// cursor is restored and moved down past the image: the same place in every terminal.
    private func placeSixel(_ grid: PixelGrid, rows: Int, into output: inout TerminalOutput) {
        output.append(String(repeating: "\n", count: rows))
        output.appendCSI()
        output.append(decimal: rows)
        output.append("A\u{1B}7")
        SixelEncoder().encode(grid, into: &output)
        output.append("\u{1B}8")
        output.appendCSI()
        output.append(decimal: rows)
        output.append("B\r")
    }
}
