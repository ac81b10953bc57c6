import CCairo
import CPango
import Foundation

/// Flows a report's sections down A4 pages: keeps track of the cursor, breaks pages where the next piece
/// does not fit, and puts the watermark, footer and running header on every page.
final class ReportComposer {
    let canvas: ReportCanvas
    let content: ReportContent
    let logo: ReportBitmap?
    let scan: ReportBitmap
    let overlay: ReportBitmap

    /// The page being drawn, from 1.
    private(set) var page = 1
    /// The total, as found by the measuring pass (0 while measuring).
    private var pageCount = 0
    /// The top of the free space on the current page.
    var y = ReportPage.margin
    let left = ReportPage.margin
    let width = ReportPage.contentWidth

    init(canvas: ReportCanvas, content: ReportContent, logo: ReportBitmap?, scan: ReportBitmap, overlay: ReportBitmap) {
        self.canvas = canvas
        self.content = content
        self.logo = logo
        self.scan = scan
        self.overlay = overlay
    }

    /// Lays out (and, when the canvas draws, paints) the whole report; returns the number of pages.
    @discardableResult
    func compose(pageCount: Int) -> Int {
        self.pageCount = pageCount
        page = 1
        y = ReportPage.margin
        drawHeader()
        drawPatientAndScan()
        drawResult()
        drawImages()
        drawRemarks()
        drawSignature()
        finishPage()
        return page
    }

    /// Starts a new page unless `height` more points fit on this one.
    func ensureSpace(_ height: Double) {
        if y + height > ReportPage.contentBottom { newPage() }
    }

    /// Ends this page and starts the next with the running header.
    func newPage() {
        finishPage()
        page += 1
        y = ReportPage.margin
        drawRunningHeader()
    }

    private func finishPage() {
        drawFooter()
        drawWatermark()
        if canvas.isDrawing { cairo_show_page(canvas.cairo) }
    }

    /// A section title in dark blue over a gray rule, kept on the same page as `keepWith` points after it.
    func sectionHeading(_ title: String, keepWith: Double) {
        let block = canvas.text(title, font: .sectionHeading, width: width)
        ensureSpace(block.height + 6 + keepWith)
        canvas.draw(block, x: left, y: y, color: .heading)
        y += block.height + 2
        canvas.rule(x: left, y: y, width: width)
        y += 7
    }

    /// Who and what, on continuation pages, so a loose page still identifies its report and patient.
    private func drawRunningHeader() {
        let id = ReportFormat.reportID(content.reportID)
        let half = (width - 12) / 2
        let leftBlock = canvas.text("\(content.hospital.name) · Report \(id) v\(content.version) (continued)",
                                    font: .small, width: half, ellipsize: true)
        let rightBlock = canvas.text("\(content.patient.name) · MRN \(content.patient.identifier)", font: .small,
                                     width: half, alignment: PANGO_ALIGN_RIGHT, ellipsize: true)
        canvas.draw(leftBlock, x: left, y: y, color: .muted)
        canvas.draw(rightBlock, x: left + width - half, y: y, color: .muted)
        y += max(leftBlock.height, rightBlock.height) + 3
        canvas.rule(x: left, y: y, width: width)
        y += 12
    }

    private func drawFooter() {
        let top = ReportPage.height - ReportPage.margin - ReportPage.footerHeight
        canvas.rule(x: left, y: top, width: width)
        let disclaimer = canvas.text(ReportContent.disclaimer, font: .fine, width: width)
        canvas.draw(disclaimer, x: left, y: top + 4, color: .muted)
        let lineY = top + 4 + disclaimer.height + 3
        canvas.write("Seal: \(content.sealCode)", font: .small, x: left, y: lineY, width: width / 2, color: .text)
        canvas.write("Page \(page) of \(max(pageCount, page))", font: .small, x: left + width / 2, y: lineY,
                     width: width / 2, color: .text, alignment: PANGO_ALIGN_RIGHT)
    }

    /// A faint diagonal line across the page, so no copy passes for a diagnosis.
    private func drawWatermark() {
        guard canvas.isDrawing else { return }
        let diagonal = (ReportPage.width * ReportPage.width + ReportPage.height * ReportPage.height).squareRoot()
        let probe = canvas.text(ReportPage.watermark, font: ReportFont(points: 40, bold: true))
        let points = 40 * min(1, 0.72 * diagonal / probe.width)
        let block = canvas.text(ReportPage.watermark, font: ReportFont(points: points, bold: true))
        cairo_save(canvas.cairo)
        cairo_translate(canvas.cairo, ReportPage.width / 2, ReportPage.height / 2)
        cairo_rotate(canvas.cairo, -atan2(ReportPage.height, ReportPage.width))
        canvas.setColor(.watermark, alpha: 0.09)
        cairo_move_to(canvas.cairo, -block.width / 2, -block.height / 2)
        // Drawn as outlines, not text: its letters would otherwise be extracted (pdftotext, screen
        // readers, copy and paste) in among the words they cross, the seal code and the patient's name among them.
        pango_cairo_layout_path(canvas.cairo, block.layout)
        cairo_fill(canvas.cairo)
        cairo_restore(canvas.cairo)
    }
}
