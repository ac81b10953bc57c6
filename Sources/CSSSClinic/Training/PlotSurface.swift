import CCairo
import CPango
import Foundation

/// A cairo image surface to draw one chart on, with the report's Pango text, that ends as PNG bytes in
/// memory.
final class PlotSurface {
    let surface: OpaquePointer
    let cairo: OpaquePointer
    let canvas: ReportCanvas
    let width: Double
    let height: Double

    /// A white `width` × `height` pixel surface.
    init(width: Int, height: Int) throws(ReportRenderingError) {
        surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))
        if let error = ReportRenderingError.checking(cairo_surface_status(surface)) {
            cairo_surface_destroy(surface)
            throw error
        }
        cairo = cairo_create(surface)
        canvas = ReportCanvas(cairo: cairo)
        canvas.isDrawing = true
        self.width = Double(width)
        self.height = Double(height)
        canvas.fillRect(x: 0, y: 0, width: self.width, height: self.height, color: ReportColor(red: 1, green: 1, blue: 1))
    }

    deinit {
        cairo_destroy(cairo)
        cairo_surface_destroy(surface)
    }

    /// Draws `block` turned by `angle` radians (negative: counter-clockwise) about its top-left corner at
    /// (`x`, `y`).
    func drawRotated(_ block: TextBlock, x: Double, y: Double, angle: Double, color: ReportColor = .text) {
        cairo_save(cairo)
        cairo_translate(cairo, x, y)
        cairo_rotate(cairo, angle)
        // The layout was shaped for an unrotated context; this re-shapes it for the turned one.
        pango_cairo_update_layout(cairo, block.layout)
        canvas.draw(block, x: 0, y: 0, color: color)
        cairo_restore(cairo)
    }

    func line(from start: (Double, Double), to end: (Double, Double), color: ReportColor, width: Double, dash: [Double] = []) {
        canvas.setColor(color)
        cairo_set_line_width(cairo, width)
        cairo_set_dash(cairo, dash, Int32(dash.count), 0)
        cairo_move_to(cairo, start.0, start.1)
        cairo_line_to(cairo, end.0, end.1)
        cairo_stroke(cairo)
        cairo_set_dash(cairo, nil, 0, 0)
    }

    /// A rectangle's edge only.
    func outline(x: Double, y: Double, width: Double, height: Double, color: ReportColor, lineWidth: Double = 1) {
        canvas.setColor(color)
        cairo_set_line_width(cairo, lineWidth)
        cairo_rectangle(cairo, x, y, width, height)
        cairo_stroke(cairo)
    }

    func dot(at point: (Double, Double), radius: Double, color: ReportColor) {
        canvas.setColor(color)
        cairo_arc(cairo, point.0, point.1, radius, 0, 2 * .pi)
        cairo_fill(cairo)
    }

    /// The finished image as PNG bytes.
    func pngData() throws(ReportRenderingError) -> Data {
        cairo_surface_flush(surface)
        let sink = PNGSink()
        let status = cairo_surface_write_to_png_stream(surface, { closure, bytes, length in
            let sink = Unmanaged<PNGSink>.fromOpaque(closure!).takeUnretainedValue()
            if let bytes { sink.data.append(bytes, count: Int(length)) }
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque())
        if let error = ReportRenderingError.checking(status) { throw error }
        return sink.data
    }
}

/// Collects the bytes cairo writes for a PNG.
private final class PNGSink {
    var data = Data()
}
