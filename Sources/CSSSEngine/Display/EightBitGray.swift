/// An 8-bit gray plane, row-major: what the display filters (``CLAHE``, ``MedianFilter3x3``) work on.
struct EightBitGray {
    let width: Int
    let height: Int
    var pixels: [UInt8]

    /// The samples of `image`, which must already be 8-bit gray: the filters never convert silently,
    /// because a colour or 16-bit input means the display pipeline was skipped.
    init(_ image: Image) throws(DisplayError) {
        guard image.colorModel == .gray, case .uint8(let samples) = image.samples else {
            throw .notEightBitGray(colorModel: image.colorModel, bitDepth: image.bitDepth)
        }
        self.init(width: image.width, height: image.height, pixels: samples)
    }

    init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The plane as an ``Image``.
    var image: Image { Image(width: width, height: height, colorModel: .gray, samples: .uint8(pixels)) }
}

/// OpenCV's `saturate_cast<uchar>(float)` for the non-negative values CLAHE produces: `cvRound`, which is
/// `cvtss2si` under the default rounding mode (half to even), then clamped to 255.
///
/// Adding and subtracting 2²³ rounds a float in 0…2²³ to an integer, half to even, in the float unit
/// itself; `rounded(.toNearestOrEven)` would be a call to `rintf` per pixel on baseline x86-64.
@inline(__always)
func roundedHalfToEvenByte(_ value: Float) -> UInt8 {
    let rounded = (value + 0x1p23) - 0x1p23
    return UInt8(min(max(rounded, 0), 255))
}
