@testable import CSSSTerm
import Testing

@Suite("Image layout on the screen")
struct ImageLayoutTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var width: Int, height: Int, maxColumns: Int, maxRows: Int?
        var testDescription: String { "\(width)×\(height) in \(maxColumns)×\(maxRows.map(String.init) ?? "∞")" }
    }

    static let cases: [Case] = [
        Case(width: 1048, height: 736, maxColumns: 80, maxRows: 22),    // a chest X-ray on 80×24
        Case(width: 1048, height: 736, maxColumns: 200, maxRows: 58),   // … on 200×60
        Case(width: 100, height: 1000, maxColumns: 80, maxRows: 22),    // tall: height limits
        Case(width: 3000, height: 100, maxColumns: 80, maxRows: 22),    // wide: width limits
        Case(width: 512, height: 512, maxColumns: 37, maxRows: nil),    // a pipe: no height limit
        Case(width: 48, height: 36, maxColumns: 200, maxRows: 60),      // small: scaled up
    ]

    @Test("text modes keep the aspect ratio within half a cell and stay inside the limits", arguments: cases)
    func textLayout(_ c: Case) {
        for cell in [CellPixelSize.assumed, CellPixelSize(width: 9, height: 19)] {
            let layout = ImageLayout.fitting(width: c.width, height: c.height, mode: .truecolor,
                                             maxColumns: c.maxColumns, maxRows: c.maxRows, cell: cell)
            #expect(layout.columns >= 1 && layout.columns <= c.maxColumns)
            #expect(layout.rows >= 1 && layout.rows <= (c.maxRows ?? .max))
            #expect(layout.pixelWidth == layout.columns && layout.pixelHeight == 2 * layout.rows)

            let cellAspect = Double(cell.height) / Double(cell.width)
            let idealRows = Double(layout.columns) * Double(c.height) / Double(c.width) / cellAspect
            let idealColumns = Double(layout.rows) * cellAspect * Double(c.width) / Double(c.height)
            let widthLimited = layout.columns == c.maxColumns && abs(Double(layout.rows) - idealRows) <= 0.5
            let heightLimited = layout.rows == c.maxRows && abs(Double(layout.columns) - idealColumns) <= 0.5
            #expect(widthLimited || heightLimited, "\(layout) for \(cell)")
        }
    }

    @Test("sixel keeps the aspect ratio to a pixel, stays inside the limits and covers whole cells", arguments: cases)
    func sixelLayout(_ c: Case) {
        let cell = CellPixelSize(width: 8, height: 16)
        let layout = ImageLayout.fitting(width: c.width, height: c.height, mode: .sixel,
                                         maxColumns: c.maxColumns, maxRows: c.maxRows, cell: cell)
        #expect(layout.columns <= c.maxColumns && layout.rows <= (c.maxRows ?? .max))
        #expect(layout.columns == (layout.pixelWidth + 7) / 8 && layout.rows == (layout.pixelHeight + 15) / 16)
        let idealHeight = Double(layout.pixelWidth) * Double(c.height) / Double(c.width)
        #expect(abs(Double(layout.pixelHeight) - idealHeight) <= 1 + Double(c.height) / Double(c.width) / 2, "\(layout)")
        #expect(layout.pixelWidth == c.maxColumns * 8 || layout.pixelHeight == (c.maxRows ?? 0) * 16, "uses the space: \(layout)")
    }
}
