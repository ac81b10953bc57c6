import CCairo
import CPango

/// A block of text laid out by Pango at a fixed width, measured before it is drawn.
final class TextBlock {
    let layout: OpaquePointer
    /// The logical size in points.
    let width: Double
    let height: Double

    init(layout: OpaquePointer) {
        self.layout = layout
        var logical = PangoRectangle()
        pango_layout_get_extents(layout, nil, &logical)
        width = Double(logical.width) / Double(PANGO_SCALE)
        height = Double(logical.height) / Double(PANGO_SCALE)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(layout)) }
}

/// The drawing surface of one report: cairo for shapes and images, Pango for every piece of text.
///
/// The same drawing code runs twice: first with `isDrawing` false, only to find where pages break (so the
/// footer can say "Page i of n"), then for real. Measuring on the PDF's own context keeps both passes'
/// metrics identical.
final class ReportCanvas {
    let cairo: OpaquePointer
    private let pango: OpaquePointer
    /// False during the measuring pass: nothing is painted and no page is emitted.
    var isDrawing = false

    init(cairo: OpaquePointer) {
        self.cairo = cairo
        pango = pango_cairo_create_context(cairo)
        // Pango's default 96 dpi would make "10" mean 13.3 pt on a PDF page.
        pango_cairo_context_set_resolution(pango, 72)
    }

    deinit { g_object_unref(UnsafeMutableRawPointer(pango)) }

    /// Lays `text` out in `font`, wrapping at word (or, for long words, character) boundaries within `width`.
    func text(_ text: String, font: ReportFont, width: Double? = nil, alignment: PangoAlignment = PANGO_ALIGN_LEFT,
              ellipsize: Bool = false, lineSpacing: Double = 0) -> TextBlock {
        let layout = pango_layout_new(pango)!
        let description = pango_font_description_new()!
        pango_font_description_set_family(description, "Noto Sans")
        pango_font_description_set_size(description, Int32(font.points * Double(PANGO_SCALE)))
        pango_font_description_set_weight(description, font.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_style(description, font.italic ? PANGO_STYLE_ITALIC : PANGO_STYLE_NORMAL)
        pango_layout_set_font_description(layout, description)
        pango_font_description_free(description)
        if let width {
            pango_layout_set_width(layout, Int32(width * Double(PANGO_SCALE)))
            pango_layout_set_wrap(layout, PANGO_WRAP_WORD_CHAR)
            if ellipsize { pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END) }
        }
        pango_layout_set_alignment(layout, alignment)
        if lineSpacing > 0 { pango_layout_set_line_spacing(layout, Float(lineSpacing)) }
        pango_layout_set_text(layout, text, -1)
        return TextBlock(layout: layout)
    }

    /// Draws `block` with its top-left corner at (`x`, `y`).
    func draw(_ block: TextBlock, x: Double, y: Double, color: ReportColor = .text) {
        guard isDrawing else { return }
        setColor(color)
        cairo_move_to(cairo, x, y)
        pango_cairo_show_layout(cairo, block.layout)
    }

    /// Lays out and draws in one step; returns the height used.
    @discardableResult
    func write(_ string: String, font: ReportFont, x: Double, y: Double, width: Double? = nil,
               color: ReportColor = .text, alignment: PangoAlignment = PANGO_ALIGN_LEFT) -> Double {
        let block = text(string, font: font, width: width, alignment: alignment)
        draw(block, x: x, y: y, color: color)
        return block.height
    }

    func setColor(_ color: ReportColor, alpha: Double = 1) {
        cairo_set_source_rgba(cairo, color.red, color.green, color.blue, alpha)
    }

    func fillRect(x: Double, y: Double, width: Double, height: Double, color: ReportColor) {
        guard isDrawing else { return }
        setColor(color)
        cairo_rectangle(cairo, x, y, width, height)
        cairo_fill(cairo)
    }

    /// A filled box with a thin border.
    func box(x: Double, y: Double, width: Double, height: Double, fill: ReportColor, edge: ReportColor,
             lineWidth: Double = 0.6) {
        guard isDrawing else { return }
        cairo_rectangle(cairo, x, y, width, height)
        setColor(fill)
        cairo_fill_preserve(cairo)
        setColor(edge)
        cairo_set_line_width(cairo, lineWidth)
        cairo_stroke(cairo)
    }

    /// A horizontal rule.
    func rule(x: Double, y: Double, width: Double, color: ReportColor = .rule, lineWidth: Double = 0.6) {
        guard isDrawing else { return }
        setColor(color)
        cairo_set_line_width(cairo, lineWidth)
        cairo_move_to(cairo, x, y)
        cairo_line_to(cairo, x + width, y)
        cairo_stroke(cairo)
    }

    /// Paints `surface` scaled into the rectangle, aspect preserved and centred; returns the rectangle used.
    @discardableResult
    func image(_ surface: OpaquePointer, fittingX x: Double, y: Double, width: Double, height: Double)
        -> (x: Double, y: Double, width: Double, height: Double) {
        let pixelWidth = Double(cairo_image_surface_get_width(surface))
        let pixelHeight = Double(cairo_image_surface_get_height(surface))
        let scale = min(width / pixelWidth, height / pixelHeight)
        let drawnWidth = pixelWidth * scale, drawnHeight = pixelHeight * scale
        let left = x + (width - drawnWidth) / 2, top = y + (height - drawnHeight) / 2
        guard isDrawing else { return (left, top, drawnWidth, drawnHeight) }
        cairo_save(cairo)
        cairo_translate(cairo, left, top)
        cairo_scale(cairo, scale, scale)
        cairo_set_source_surface(cairo, surface, 0, 0)
        cairo_pattern_set_filter(cairo_get_source(cairo), CAIRO_FILTER_GOOD)
        cairo_paint(cairo)
        cairo_restore(cairo)
        return (left, top, drawnWidth, drawnHeight)
    }
}
