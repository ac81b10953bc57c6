/// The pixels of a decoded scan: gray or RGB, 8 or 16 bits a sample, rows top to bottom, channels interleaved.
///
/// Alpha is never kept. Decoders drop it the way Pillow's `convert("RGB")` / `convert("L")` do: the colour
/// samples stay as stored, nothing is composited onto a background, so a fully transparent pixel keeps
/// whatever colour the file gave it.
///
/// The model path wants 8-bit samples: ``rgbBytes()`` (gray replicated to R = G = B, as Pillow's
/// `convert("RGB")`) and ``grayBytes()`` (Pillow's `convert("L")` luma for RGB). A 16-bit sample `v` becomes
/// `v >> 8`, the high byte, which is what Pillow does for 16-bit RGB, RGBA and gray+alpha PNGs. Pillow's own
/// 16-bit gray mode (`I;16`) would instead clip every value above 255 to white, which turns a 16-bit scan
/// into a white page, so that rule is deliberately not copied.
public struct Image: Sendable, Equatable {
    /// Which channels a pixel has.
    public enum ColorModel: Sendable, Equatable {
        /// One luminance channel (Pillow mode `L`, or `I;16` at 16 bits).
        case gray
        /// Red, green and blue, interleaved `R, G, B` (Pillow mode `RGB`).
        case rgb

        /// The number of samples in one pixel: 1 or 3.
        public var channelCount: Int { self == .gray ? 1 : 3 }
    }

    /// The sample values, row-major with channels interleaved.
    public enum Samples: Sendable, Equatable {
        /// 8-bit samples, 0…255.
        case uint8([UInt8])
        /// 16-bit samples, 0…65535, as stored in the file (no gamma or colour-space conversion).
        case uint16([UInt16])

        var count: Int {
            switch self {
            case .uint8(let values): values.count
            case .uint16(let values): values.count
            }
        }
    }

    /// The width in pixels.
    public let width: Int
    /// The height in pixels.
    public let height: Int
    /// Gray or RGB.
    public let colorModel: ColorModel
    /// The samples; there are `width * height * colorModel.channelCount` of them.
    public let samples: Samples

    /// Creates an image from samples laid out row-major, channels interleaved.
    ///
    /// - Precondition: `width` and `height` are positive and the samples fill them exactly.
    public init(width: Int, height: Int, colorModel: ColorModel, samples: Samples) {
        precondition(width > 0 && height > 0, "an image needs a positive size, not \(width)×\(height)")
        precondition(samples.count == width * height * colorModel.channelCount,
                     "\(samples.count) samples do not fill a \(width)×\(height) \(colorModel) image")
        self.width = width
        self.height = height
        self.colorModel = colorModel
        self.samples = samples
    }

    /// Bits per sample: 8 or 16.
    public var bitDepth: Int {
        if case .uint16 = samples { 16 } else { 8 }
    }

    /// The 8-bit samples in this image's own colour model (16-bit samples reduced to their high byte).
    ///
    /// - Complexity: O(1) for an 8-bit image, O(samples) for a 16-bit one.
    public func bytes() -> [UInt8] {
        switch samples {
        case .uint8(let values): values
        case .uint16(let values): values.map { UInt8(truncatingIfNeeded: $0 >> 8) }
        }
    }

    /// The 8-bit RGB samples, interleaved `R, G, B` row by row; a gray image is replicated to R = G = B.
    ///
    /// Equals Pillow's `image.convert("RGB").tobytes()` for 8-bit images.
    public func rgbBytes() -> [UInt8] {
        let gray = bytes()
        guard colorModel == .gray else { return gray }
        var rgb = [UInt8](repeating: 0, count: gray.count * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            for (index, value) in gray.enumerated() {
                out[3 &* index] = value
                out[3 &* index &+ 1] = value
                out[3 &* index &+ 2] = value
            }
        }
        return rgb
    }

    /// The 8-bit luminance samples row by row.
    ///
    /// For RGB this is Pillow's `convert("L")`: ITU-R 601-2 luma in 16-bit fixed point,
    /// `(R * 19595 + G * 38470 + B * 7471 + 0x8000) >> 16`.
    public func grayBytes() -> [UInt8] {
        let values = bytes()
        guard colorModel == .rgb else { return values }
        return (0..<width * height).map { pixel in
            let r = UInt32(values[3 * pixel]), g = UInt32(values[3 * pixel + 1]), b = UInt32(values[3 * pixel + 2])
            return UInt8(truncatingIfNeeded: (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16)
        }
    }

    /// This image as 8 bits a sample in `model`: Pillow's `convert("RGB")` or `convert("L")`.
    public func converted(to model: ColorModel) -> Image {
        Image(width: width, height: height, colorModel: model,
              samples: .uint8(model == .rgb ? rgbBytes() : grayBytes()))
    }
}
