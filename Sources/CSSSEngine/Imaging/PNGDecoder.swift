import CPNG
import Foundation

/// Decodes PNG files with libpng's simplified API (`png_image_*`), the part of libpng that reports errors
/// through a message instead of `longjmp`, which Swift cannot survive.
///
/// Every PNG kind is read: 1/2/4/8/16-bit gray, gray+alpha, RGB, RGBA, palette (with or without `tRNS`),
/// interlaced or not. Samples come out as stored (see ``PNGChunkScan`` for the colour chunks that are
/// ignored to make that so), and alpha is dropped:
/// - 16-bit files without alpha keep their 16-bit samples.
/// - 16-bit files with alpha come out at 8 bits, each sample rounded to `(v * 255 + 32767) / 65535`. The
///   simplified API hands out 16-bit samples only premultiplied by alpha, which cannot be undone exactly,
///   so libpng's own 8-bit reduction is used. It is within one level of Pillow's high byte.
/// - Palette images are expanded to RGB; lower bit depths are scaled to 8 bits (a 2-bit 1 becomes 85).
enum PNGDecoder {
    static func decode(_ data: Data, name: String) throws(ImageDecodingError) -> Image {
        let scan = PNGChunkScan(data)
        let result = scan.pixelData.withUnsafeBytes { file in
            Result { () throws(ImageDecodingError) in try decode(file, scan: scan, name: name) }
        }
        return try result.get()
    }

    private static func decode(_ file: UnsafeRawBufferPointer, scan: PNGChunkScan, name: String) throws(ImageDecodingError) -> Image {
        var control = png_image()
        control.version = png_uint_32(PNG_IMAGE_VERSION)
        defer { png_image_free(&control) }

        guard png_image_begin_read_from_memory(&control, file.baseAddress, file.count) != 0 else {
            throw failure(control, scan, name)
        }
        let width = Int(control.width), height = Int(control.height)
        try ImageDecoder.checkSize(width: width, height: height, name: name)

        let isColor = control.format & PNG_FORMAT_FLAG_COLOR != 0
        let hasAlpha = control.format & PNG_FORMAT_FLAG_ALPHA != 0
        let isSixteenBit = control.format & PNG_FORMAT_FLAG_LINEAR != 0
        let keepsSixteenBits = isSixteenBit && !hasAlpha
        // Alpha stays in the requested layout: asking libpng to remove it would composite onto black.
        control.format = (isColor ? PNG_FORMAT_FLAG_COLOR : 0) | (hasAlpha ? PNG_FORMAT_FLAG_ALPHA : 0)
            | (keepsSixteenBits ? PNG_FORMAT_FLAG_LINEAR : 0)
        if isSixteenBit && hasAlpha {
            // Read the 16-bit samples as already sRGB-encoded, so the 8-bit reduction adds no gamma curve.
            control.flags |= png_uint_32(PNG_IMAGE_FLAG_16BIT_sRGB)
        }
        let colorModel: Image.ColorModel = isColor ? .rgb : .gray
        let channels = colorModel.channelCount + (hasAlpha ? 1 : 0)

        if keepsSixteenBits {
            let samples = try finish(&control, count: width * height * channels, as: UInt16.self, scan: scan, name: name)
            return Image(width: width, height: height, colorModel: colorModel, samples: .uint16(samples))
        }
        var samples = try finish(&control, count: width * height * channels, as: UInt8.self, scan: scan, name: name)
        if hasAlpha { samples = withoutAlpha(samples, channels: channels) }
        return Image(width: width, height: height, colorModel: colorModel, samples: .uint8(samples))
    }

    private static func finish<Sample: FixedWidthInteger>(
        _ control: inout png_image, count: Int, as: Sample.Type, scan: PNGChunkScan, name: String
    ) throws(ImageDecodingError) -> [Sample] {
        var samples = [Sample](repeating: 0, count: count)
        let succeeded = samples.withUnsafeMutableBytes { buffer in
            png_image_finish_read(&control, nil, buffer.baseAddress, 0, nil) != 0
        }
        guard succeeded else { throw failure(control, scan, name) }
        return samples
    }

    /// The samples with every `channels`-th one, the alpha that closes each pixel, left out.
    private static func withoutAlpha(_ samples: [UInt8], channels: Int) -> [UInt8] {
        let kept = channels - 1
        var result = [UInt8](repeating: 0, count: samples.count / channels * kept)
        samples.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                for pixel in 0..<input.count / channels {
                    for channel in 0..<kept {
                        output[pixel &* kept &+ channel] = input[pixel &* channels &+ channel]
                    }
                }
            }
        }
        return result
    }

    private static func failure(_ control: png_image, _ scan: PNGChunkScan, _ name: String) -> ImageDecodingError {
        guard scan.reachesEnd else { return .truncated(file: name) }
        let message = withUnsafeBytes(of: control.message) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
        return .corrupt(file: name, reason: message.isEmpty ? "libpng gave no reason" : message)
    }
}
