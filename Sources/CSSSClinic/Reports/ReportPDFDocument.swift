import CCairo
import Foundation

/// An A4 cairo PDF surface whose bytes go to memory only: a report holds patient data and must never
/// touch the disk on its way to the caller.
final class ReportPDFDocument {
    let surface: OpaquePointer
    private let sink = Sink()

    /// Collects what cairo writes.
    private final class Sink {
        var data = Data()
    }

    init() throws {
        surface = cairo_pdf_surface_create_for_stream({ closure, bytes, length in
            let sink = Unmanaged<Sink>.fromOpaque(closure!).takeUnretainedValue()
            if let bytes { sink.data.append(bytes, count: Int(length)) }
            return CAIRO_STATUS_SUCCESS
        }, Unmanaged.passUnretained(sink).toOpaque(), ReportPage.width, ReportPage.height)
        if let error = ReportRenderingError.checking(cairo_surface_status(surface)) {
            cairo_surface_destroy(surface)
            throw error
        }
    }

    deinit { cairo_surface_destroy(surface) }

    /// Sets one document-information entry.
    func setMetadata(_ key: cairo_pdf_metadata_t, _ value: String) {
        cairo_pdf_surface_set_metadata(surface, key, value)
    }

    /// Writes the trailer and returns the whole PDF.
    func finish() throws -> Data {
        cairo_surface_finish(surface)
        if let error = ReportRenderingError.checking(cairo_surface_status(surface)) { throw error }
        return sink.data
    }
}
