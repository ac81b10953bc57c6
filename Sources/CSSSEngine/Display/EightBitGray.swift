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
