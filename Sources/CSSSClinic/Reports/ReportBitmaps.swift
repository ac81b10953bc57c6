import CCairo
import CSSSEngine
import Foundation

/// A cairo image surface owned by Swift: destroyed with the value.
final class ReportBitmap {
    let surface: OpaquePointer

    init(surface: OpaquePointer) { self.surface = surface }

    deinit { cairo_surface_destroy(surface) }

    /// The scan as an opaque ARGB32 surface, box-filtered down so its long side is at most `maxSide` pixels:
    /// the page shows it a few centimetres wide, and a full-size scan would only slow the PDF down.
    static func scan(_ image: Image, maxSide: Int) throws -> ReportBitmap {
        let scale = min(1, Double(maxSide) / Double(max(image.width, image.height)))
        let width = max(1, Int((Double(image.width) * scale).rounded()))
        let height = max(1, Int((Double(image.height) * scale).rounded()))
        let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height))!
        let bitmap = ReportBitmap(surface: surface)
        if let error = ReportRenderingError.checking(cairo_surface_status(surface)) { throw error }
        cairo_surface_flush(surface)
        let stride = cairo_image_surface_get_stride(surface)
        let pixels = cairo_image_surface_get_data(surface)!
        image.rgbBytes().withUnsafeBufferPointer { rgb in
            csss_rgb_to_argb32(rgb.baseAddress, Int32(image.width), Int32(image.height),
                               pixels, Int32(width), Int32(height), stride)
        }
        cairo_surface_mark_dirty(surface)
        return bitmap
    }

    /// Decodes a PNG from memory (the logo never goes through a file the report could leak into).
    static func png(_ data: Data) throws -> ReportBitmap {
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.starts(with: signature) else { throw ReportRenderingError.logoNotPNG }
        let reader = PNGReader(bytes: [UInt8](data))
        let surface = withExtendedLifetime(reader) {
            cairo_image_surface_create_from_png_stream({ closure, buffer, length in
                let reader = Unmanaged<PNGReader>.fromOpaque(closure!).takeUnretainedValue()
                return reader.read(into: buffer!, count: Int(length))
            }, Unmanaged.passUnretained(reader).toOpaque())!
        }
        let bitmap = ReportBitmap(surface: surface)
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS,
              cairo_image_surface_get_width(surface) > 0, cairo_image_surface_get_height(surface) > 0
        else { throw ReportRenderingError.logoNotPNG }
        return bitmap
    }
}

/// Feeds cairo's PNG reader from a byte array.
private final class PNGReader {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    func read(into buffer: UnsafeMutablePointer<UInt8>, count: Int) -> cairo_status_t {
        // cairo asks for exact lengths; a short read means the PNG is truncated.
        guard count <= bytes.count - offset else { return CAIRO_STATUS_READ_ERROR }
        bytes.withUnsafeBufferPointer { source in
            buffer.update(from: source.baseAddress! + offset, count: count)
        }
        offset += count
        return CAIRO_STATUS_SUCCESS
    }
}
