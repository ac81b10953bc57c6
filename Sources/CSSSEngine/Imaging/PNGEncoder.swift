import CPNG
import Foundation

/// Encodes images as PNG with libpng's simplified API (`png_image_write_to_memory`), which reports errors
/// through a message instead of `longjmp`, which Swift cannot survive.
///
/// Gray and RGB, 8 and 16 bits, are written as they are: no alpha, not interlaced, libpng's fast compression.
/// libpng labels 8-bit files sRGB (an `sRGB` chunk), which is how they are meant to be shown, and 16-bit files
/// linear (`gAMA` 1.0, samples unchanged); ``PNGDecoder``, like Pillow, reads the samples back as stored
/// either way.
enum PNGEncoder {
    /// The PNG file for `image`; errors name it `name`.
    static func encode(_ image: Image, name: String) throws(ImageEncodingError) -> Data {
        guard let width = png_uint_32(exactly: image.width), let height = png_uint_32(exactly: image.height),
              let rowStride = png_int_32(exactly: image.width * image.colorModel.channelCount)
        else { throw .encodingFailed(file: name, reason: "\(image.width)×\(image.height) pixels are more than PNG allows") }

        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        control.width = width
        control.height = height
        control.format = (image.colorModel == .rgb ? PNG_FORMAT_FLAG_COLOR : 0)
            | (image.bitDepth == 16 ? PNG_FORMAT_FLAG_LINEAR : 0)
        // zlib at its default level took about 0.5 s of a 1776×1416 overlay's 0.6 s; libpng's fast
        // mode writes it in a fraction of that, for files somewhat larger. Overlays and heatmaps are
        // written on the way to a screen or a report, where the wait matters and the bytes do not.
        control.flags = png_uint_32(PNG_IMAGE_FLAG_FAST)

        let result = switch image.samples {
        case .uint8(let samples): samples.withUnsafeBytes { writeToMemory(&control, $0, rowStride: rowStride) }
        case .uint16(let samples): samples.withUnsafeBytes { writeToMemory(&control, $0, rowStride: rowStride) }
        }
        return try result.mapError { ImageEncodingError.encodingFailed(file: name, reason: $0.reason) }.get()
    }

    /// libpng's message when a write fails.
    private struct Failure: Error {
        let reason: String
    }

    /// Writes into a buffer of the size libpng's `PNG_IMAGE_PNG_SIZE_MAX` bounds the file by. libpng asks for
    /// more, and is given it once, only if zlib compresses worse than zlib's own bound.
    private static func writeToMemory(_ control: inout png_image, _ pixels: UnsafeRawBufferPointer, rowStride: png_int_32) -> Result<Data, Failure> {
        var capacity = sizeBound(pixelBytes: pixels.count, rows: Int(control.height))
        for _ in 0..<2 {
            var file = Data(count: capacity)
            var size = png_alloc_size_t(capacity)
            let succeeded = file.withUnsafeMutableBytes { buffer in
                png_image_write_to_memory(&control, buffer.baseAddress, &size, 0, pixels.baseAddress, rowStride, nil) != 0
            }
            if succeeded {
                file.count = Int(size)
                return .success(file)
            }
            guard Int(size) > capacity else { return .failure(Failure(reason: message(control))) }
            capacity = Int(size)
        }
        return .failure(Failure(reason: "libpng kept asking for a larger buffer"))
    }

    /// `PNG_IMAGE_PNG_SIZE_MAX` (png.h), which Swift does not import: zlib's bound on the compressed rows, each
    /// led by its filter byte, plus the IDAT chunk headers and the signature, IHDR, gAMA, cHRM and IEND.
    private static func sizeBound(pixelBytes: Int, rows: Int) -> Int {
        let raw = pixelBytes + rows
        let compressed = raw + (raw + 7) / 8 + (raw + 63) / 64 + 11
        return 8 + 25 + 16 + 44 + 12 + 12 + 12 * (compressed / Int(PNG_ZBUF_SIZE)) + compressed
    }

    private static func message(_ control: png_image) -> String {
        let message = withUnsafeBytes(of: control.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return message.isEmpty ? "libpng gave no reason" : message
    }
}

extension Image {
    /// This image as a PNG file, in memory (see ``PNGEncoder`` for what is written).
    ///
    /// - Throws: ``ImageEncodingError/encodingFailed(file:reason:)`` naming ``ImageEncodingError/inMemory``.
    public func pngData() throws(ImageEncodingError) -> Data {
        try PNGEncoder.encode(self, name: ImageEncodingError.inMemory)
    }

    /// Writes this image as a PNG file at `url`, replacing any file there, atomically: either the whole new
    /// file is there afterwards, or the old one (or none) is, untouched, and no temporary file is left behind.
    ///
    /// - Throws: ``ImageEncodingError``, naming `url.path`.
    public func writePNG(to url: URL) throws(ImageEncodingError) {
        let file = try PNGEncoder.encode(self, name: url.path)
        do throws(AtomicFile.Failure) {
            try AtomicFile.write(file, to: url)
        } catch {
            throw .unwritable(file: url.path, reason: error.reason)
        }
    }
}
