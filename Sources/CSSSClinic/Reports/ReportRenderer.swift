import CCairo
import Foundation

/// Draws a ``ReportContent`` as an A4 PDF: cairo for the page, Pango for every line of text.
///
/// ```swift
/// let pdf = try ReportRenderer().render(content)   // Data starting "%PDF-", never written to disk
/// ```
public struct ReportRenderer: Sendable {
    /// The longest side, in pixels, a scan keeps on the page: about 200 dpi at the size it is shown.
    static let maxImageSide = 800

    public init() {}

    /// The report's PDF bytes.
    ///
    /// - Throws: ``ReportRenderingError/logoNotPNG`` when the hospital logo is not a PNG, and
    ///   ``ReportRenderingError/cairo(status:message:)`` when cairo fails.
    public func render(_ content: ReportContent) throws -> Data {
        let logo = try content.hospital.logoPNG.map(ReportBitmap.png)
        let scan = try ReportBitmap.scan(content.scanImage, maxSide: Self.maxImageSide)
        let overlay = try ReportBitmap.scan(content.overlay, maxSide: Self.maxImageSide)

        let document = try ReportPDFDocument()
        let reportName = "AI-Assisted Screening Report \(ReportFormat.reportID(content.reportID)) v\(content.version)"
        // No patient data in the metadata: viewers and indexers show it without opening the pages.
        document.setMetadata(CAIRO_PDF_METADATA_TITLE, reportName)
        document.setMetadata(CAIRO_PDF_METADATA_AUTHOR, content.hospital.name)
        document.setMetadata(CAIRO_PDF_METADATA_SUBJECT, "CSSS seal \(content.sealCode)")
        document.setMetadata(CAIRO_PDF_METADATA_CREATOR, "CSSS")
        document.setMetadata(CAIRO_PDF_METADATA_CREATE_DATE, ReportFormat.iso8601(content.createdAt))

        let cairo = cairo_create(document.surface)!
        defer { cairo_destroy(cairo) }
        let canvas = ReportCanvas(cairo: cairo)
        let composer = ReportComposer(canvas: canvas, content: content, logo: logo, scan: scan, overlay: overlay)
        // First pass only finds the page breaks, so every footer can say "Page i of n".
        canvas.isDrawing = false
        let pageCount = composer.compose(pageCount: 0)
        canvas.isDrawing = true
        composer.compose(pageCount: pageCount)
        if let error = ReportRenderingError.checking(cairo_status(cairo)) { throw error }
        return try document.finish()
    }
}
