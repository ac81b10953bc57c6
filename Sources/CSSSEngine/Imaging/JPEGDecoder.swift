import CTurboJPEG
import Foundation

/// Decodes JPEG files with TurboJPEG, matching the pixels Pillow (also libjpeg-turbo) gives bit for bit.
///
/// - The accurate integer IDCT (`islow`) and fancy (smooth) chroma upsampling, Pillow's defaults; never
///   DCT scaling or the fast IDCT, which change pixels the models are sensitive to.
/// - Grayscale files decode to one channel (`TJPF_GRAY`), YCbCr and RGB files to RGB.
/// - CMYK and YCCK files decode to RGB with Pillow's rule (see ``rgb(fromInvertedCMYK:)``).
/// - EXIF orientation is not applied: neither Pillow's `Image.open` nor Keras's `load_img` applies it.
/// - Any libjpeg warning fails the decode. libjpeg pads a truncated file with grey and only warns, and a
///   scan with damaged data should not reach a model as if it were whole. Pillow would accept a few
///   benign cases (e.g. stray bytes before a marker) that are rejected here.
enum JPEGDecoder {
    static func decode(_ data: Data, name: String) throws(ImageDecodingError) -> Image {
        let result = data.withUnsafeBytes { file in
            Result { () throws(ImageDecodingError) in try decode(file.bindMemory(to: UInt8.self), name: name) }
        }
        return try result.get()
    }

    private static func decode(_ file: UnsafeBufferPointer<UInt8>, name: String) throws(ImageDecodingError) -> Image {
        guard let decompressor = tjInitDecompress() else {
            throw .corrupt(file: name, reason: "TurboJPEG could not start: " + String(cString: tjGetErrorStr2(nil)))
        }
        defer { tjDestroy(decompressor) }

        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        guard tjDecompressHeader3(decompressor, file.baseAddress, UInt(file.count),
                                  &width, &height, &subsampling, &colorspace) == 0 else {
            throw failure(decompressor, file, name)
        }
        try ImageDecoder.checkSize(width: Int(width), height: Int(height), name: name)

        let pixelFormat: TJPF, channels: Int
        switch TJCS(rawValue: UInt32(bitPattern: colorspace)) {
        case TJCS_GRAY: (pixelFormat, channels) = (TJPF_GRAY, 1)
        case TJCS_CMYK, TJCS_YCCK: (pixelFormat, channels) = (TJPF_CMYK, 4)
        default: (pixelFormat, channels) = (TJPF_RGB, 3)
        }
        // LIMITSCANS refuses progressive files with absurd scan counts, a known way to make decoding hang.
        let flags = TJFLAG_ACCURATEDCT | TJFLAG_STOPONWARNING | TJFLAG_LIMITSCANS
        var pixels = [UInt8](repeating: 0, count: Int(width) * Int(height) * channels)
        let status = pixels.withUnsafeMutableBufferPointer { output in
            tjDecompress2(decompressor, file.baseAddress, UInt(file.count), output.baseAddress,
                          width, 0, height, Int32(pixelFormat.rawValue), flags)
        }
        guard status == 0 else { throw failure(decompressor, file, name) }

        let isGray = channels == 1
        return Image(width: Int(width), height: Int(height), colorModel: isGray ? .gray : .rgb,
                     samples: .uint8(channels == 4 ? rgb(fromInvertedCMYK: pixels) : pixels))
    }

    /// Pillow's CMYK to RGB, for samples as libjpeg delivers them from a CMYK or YCCK file.
    ///
    /// Pillow reads every CMYK JPEG as Adobe-inverted (`CMYK;I`: Photoshop stores 255 − ink), with or
    /// without an Adobe APP14 marker, then converts without colour management (`cmyk2rgb` in Convert.c):
    /// with `k' = 255 − K`, `R = k' − round(C × k' / 255)` and likewise G from M and B from Y, where the
    /// division is Pillow's `MULDIV255`. Here the stored (inverted) samples give `K = 255 − k_stored`, so
    /// `k' = k_stored`.
    static func rgb(fromInvertedCMYK cmyk: [UInt8]) -> [UInt8] {
        let pixelCount = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: pixelCount * 3)
        cmyk.withUnsafeBufferPointer { input in
            rgb.withUnsafeMutableBufferPointer { output in
                for pixel in 0..<pixelCount {
                    let keyInverse = Int32(input[4 &* pixel &+ 3])
                    for channel in 0..<3 {
                        let ink = 255 &- Int32(input[4 &* pixel &+ channel])
                        let product = ink &* keyInverse &+ 128
                        let scaled = ((product >> 8) &+ product) >> 8
                        output[3 &* pixel &+ channel] = UInt8(truncatingIfNeeded: keyInverse &- scaled)
                    }
                }
            }
        }
        return rgb
    }

    /// A truncated file when nothing ends the last scan, otherwise a corrupt one with TurboJPEG's message.
    private static func failure(_ decompressor: tjhandle, _ file: UnsafeBufferPointer<UInt8>, _ name: String) -> ImageDecodingError {
        guard endsAfterLastScan(file) else { return .truncated(file: name) }
        return .corrupt(file: name, reason: String(cString: tjGetErrorStr2(decompressor)))
    }

    /// Whether an end-of-image marker (`FF D9`) follows the last start-of-scan marker (`FF DA`).
    ///
    /// Entropy-coded data cannot contain either (a data byte `FF` is stuffed as `FF 00`), and looking from
    /// the end skips the complete thumbnail an EXIF block may hold before the main image.
    private static func endsAfterLastScan(_ file: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = file.count - 2
        while index >= 0 {
            if file[index] == 0xFF {
                if file[index + 1] == 0xD9 { return true }
                if file[index + 1] == 0xDA { return false }
            }
            index -= 1
        }
        return false
    }
}
