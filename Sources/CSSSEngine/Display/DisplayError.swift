/// Why a frame could not be turned into a display image. Each case names the value at fault, so the message
/// says what to fix in the file or in the request.
public enum DisplayError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The frame's size is not positive, or its values do not fill it exactly.
    case frameSizeMismatch(width: Int, height: Int, valueCount: Int)
    /// Bits Stored is outside 1…32, the range DICOM allows for grayscale samples (PS3.3 C.7.6.3.1).
    case unsupportedBitsStored(Int)
    /// Rescale Slope or Rescale Intercept is not a finite number.
    case invalidRescale(slope: Double, intercept: Double)
    /// A Modality LUT has no entries, or an entry depth outside 8…16 bits (PS3.3 C.11.1.1.1).
    case invalidModalityTable(entryCount: Int, bitsPerEntry: Int)
    /// The window's centre or width is not finite, or the width is below the least its function allows
    /// (1 for LINEAR, above 0 for LINEAR_EXACT and SIGMOID: PS3.3 C.11.2.1.2 and C.11.2.1.3).
    case invalidWindow(center: Double, width: Double, function: VOIFunction)
    /// The caller asked for the file's window at `index`, but the file has only `available` of them.
    case windowIndexOutOfRange(index: Int, available: Int)
    /// CLAHE or the median filter was given something other than an 8-bit gray image.
    case notEightBitGray(colorModel: Image.ColorModel, bitDepth: Int)
    /// The CLAHE tile grid has fewer than 1 or more than 256 tiles on a side (``CLAHE/tileCounts``).
    case invalidTileGrid(columns: Int, rows: Int)

    public var description: String {
        switch self {
        case .frameSizeMismatch(let width, let height, let valueCount):
            "a \(width)×\(height) frame cannot hold \(valueCount) values"
        case .unsupportedBitsStored(let bits):
            "Bits Stored \(bits) is outside 1…32"
        case .invalidRescale(let slope, let intercept):
            "Rescale Slope \(slope) and Intercept \(intercept) must both be finite"
        case .invalidModalityTable(let entryCount, let bitsPerEntry):
            "a Modality LUT needs at least one entry of 8 to 16 bits, not \(entryCount) of \(bitsPerEntry) bits"
        case .invalidWindow(let center, let width, let function):
            "window centre \(center) width \(width) is not valid for VOI LUT Function \(function.dicomName)"
        case .windowIndexOutOfRange(let index, let available):
            "window \(index) was asked for, but the file has \(available)"
        case .notEightBitGray(let colorModel, let bitDepth):
            "needs an 8-bit gray image, not \(bitDepth)-bit \(colorModel)"
        case .invalidTileGrid(let columns, let rows):
            "a CLAHE tile grid needs 1 to 256 tiles a side, not \(columns)×\(rows)"
        }
    }
}
