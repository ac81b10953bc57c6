import Foundation

/// The pixel size of one character cell.
struct CellPixelSize: Equatable, Sendable {
    var width: Int
    var height: Int

    /// What a cell is taken to be when the terminal does not say: 10×20 pixels, the usual 1:2 cell of a
    /// monospaced font.
    static let assumed = CellPixelSize(width: 10, height: 20)
}

/// How big the screen that an image must fit is: in cells, and in pixels when the terminal reports them.
struct TerminalGeometry: Equatable, Sendable {
    /// The width in character cells.
    var columns: Int
    /// The height in character cells, or `nil` when output goes to a file or pipe with no screen to fit.
    var rows: Int?
    /// The pixel size of a cell when the terminal reports its size in pixels (xterm, kitty, WezTerm and
    /// OpenSSH pass it on; many terminals report zero).
    var cellPixels: CellPixelSize?

    /// The width used when neither the terminal nor `COLUMNS` gives one.
    static let fallbackColumns = 80

    /// The size of the terminal on standard output (`TIOCGWINSZ`), else `COLUMNS` and `LINES`, else 80
    /// columns and no height limit.
    ///
    /// Only standard output is asked: it is where the image goes, and asking standard input would give the
    /// size of a terminal that a redirected image never reaches.
    static func current(environment: [String: String]) -> TerminalGeometry {
        if let window = windowSize(of: STDOUT_FILENO) { return window }
        return TerminalGeometry(columns: positive(environment["COLUMNS"]) ?? fallbackColumns,
                                rows: positive(environment["LINES"]), cellPixels: nil)
    }

    private static func windowSize(of descriptor: Int32) -> TerminalGeometry? {
        guard isatty(descriptor) == 1 else { return nil }
        var size = winsize()
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 else { return nil }
        let columns = Int(size.ws_col), rows = Int(size.ws_row)
        let cell = size.ws_xpixel > 0 && size.ws_ypixel > 0
            ? CellPixelSize(width: Int(size.ws_xpixel) / columns, height: Int(size.ws_ypixel) / rows)
            : nil
        return TerminalGeometry(columns: columns, rows: rows, cellPixels: cell.flatMap { $0.width > 0 && $0.height > 0 ? $0 : nil })
    }

    private static func positive(_ text: String?) -> Int? {
        guard let value = text.flatMap({ Int($0) }), value > 0 else { return nil }
        return value
    }
}
