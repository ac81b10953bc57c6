/// Where an image goes on the screen: the cells it covers and the pixels it is resampled to.
///
/// The text modes give each cell 1×2 pixels, so their pixel grid is `columns × 2·rows` and the rows are
/// chosen from the cell's aspect ratio (height ≈ 2 × width). Sixel draws pixels of their own, sized from
/// the cell's pixel size, and covers as many cells as those pixels reach into.
struct ImageLayout: Equatable, Sendable {
    /// The width in character cells.
    var columns: Int
    /// The height in character cells (text lines).
    var rows: Int
    /// The width of the resampled image in pixels.
    var pixelWidth: Int
    /// The height of the resampled image in pixels.
    var pixelHeight: Int

    /// The largest layout of a `width × height` image in `mode` that keeps its aspect ratio and fits
    /// `maxColumns × maxRows` cells (`maxRows` nil: no height limit).
    ///
    /// An image is scaled up as well as down, to use the space it is given. In the text modes the shape is
    /// kept to within half a cell: the rows (or, when height limits, the columns) are rounded to the nearest.
    static func fitting(width: Int, height: Int, mode: TerminalGraphicsMode,
                        maxColumns: Int, maxRows: Int?, cell: CellPixelSize) -> ImageLayout {
        precondition(width > 0 && height > 0 && maxColumns > 0 && (maxRows ?? 1) > 0, "sizes must be positive")
        let imageAspect = Double(height) / Double(width)
        if mode == .sixel {
            let widthScale = Double(maxColumns * cell.width) / Double(width)
            let scale = maxRows.map { min(widthScale, Double($0 * cell.height) / Double(height)) } ?? widthScale
            let pixelWidth = max(1, Int((Double(width) * scale).rounded()))
            let pixelHeight = max(1, Int((Double(height) * scale).rounded()))
            return ImageLayout(columns: (pixelWidth + cell.width - 1) / cell.width,
                               rows: (pixelHeight + cell.height - 1) / cell.height,
                               pixelWidth: pixelWidth, pixelHeight: pixelHeight)
        }
        let cellAspect = Double(cell.height) / Double(cell.width)
        var columns = maxColumns
        var rows = max(1, Int((Double(columns) * imageAspect / cellAspect).rounded()))
        if let maxRows, rows > maxRows {
            rows = maxRows
            columns = min(maxColumns, max(1, Int((Double(rows) * cellAspect / imageAspect).rounded())))
        }
        return ImageLayout(columns: columns, rows: rows, pixelWidth: columns, pixelHeight: 2 * rows)
    }
}
