/// A 3×3 median filter of an 8-bit gray image, equal to OpenCV's `cv2.medianBlur(image, 3)`: each pixel
/// becomes the median of itself and its eight neighbours, the image's edge pixels repeated outward
/// (`BORDER_REPLICATE`, which OpenCV's median filter always uses).
///
/// It removes isolated speckle (single hot or dead detector pixels, quantum noise) without blurring edges
/// the way a mean filter would.
///
/// - Complexity: O(pixels).
public struct MedianFilter3x3: Sendable, Equatable {
    /// The filter; it has no parameters.
    public init() {}

    /// The filtered image.
    ///
    /// - Throws: ``DisplayError/notEightBitGray(colorModel:bitDepth:)`` for any other image.
    public func apply(to image: Image) throws(DisplayError) -> Image {
        let source = try EightBitGray(image)
        let width = source.width, height = source.height
        var output = [UInt8](repeating: 0, count: source.pixels.count)
        // Each column of three is sorted once per row; the median of the nine is then
        // med3(max of the columns' minima, med3 of their medians, min of their maxima) (Paeth, Graphics Gems).
        var low = [UInt8](repeating: 0, count: width)
        var middle = low, high = low
        output.withUnsafeMutableBufferPointer { output in
            source.pixels.withUnsafeBufferPointer { pixels in
                low.withUnsafeMutableBufferPointer { low in
                    middle.withUnsafeMutableBufferPointer { middle in
                        high.withUnsafeMutableBufferPointer { high in
                            for y in 0..<height {
                                let above = max(y &- 1, 0) &* width, row = y &* width
                                let below = min(y &+ 1, height &- 1) &* width
                                for x in 0..<width {
                                    let (a, b, c) = sorted(pixels[above &+ x], pixels[row &+ x], pixels[below &+ x])
                                    low[x] = a
                                    middle[x] = b
                                    high[x] = c
                                }
                                // The edge columns repeat themselves as their outer neighbour.
                                let last = width &- 1
                                output[row] = median(low, middle, high, 0, 0, min(1, last))
                                output[row &+ last] = median(low, middle, high, max(last &- 1, 0), last, last)
                                for x in 1..<max(last, 1) {
                                    output[row &+ x] = median(low, middle, high, x &- 1, x, x &+ 1)
                                }
                            }
                        }
                    }
                }
            }
        }
        return EightBitGray(width: width, height: height, pixels: output).image
    }
}

/// The median of the nine pixels in columns `left`, `x` and `right`, from each column's sorted three.
@inline(__always)
private func median(_ low: UnsafeMutableBufferPointer<UInt8>, _ middle: UnsafeMutableBufferPointer<UInt8>,
                    _ high: UnsafeMutableBufferPointer<UInt8>, _ left: Int, _ x: Int, _ right: Int) -> UInt8 {
    let lowest = max(low[left], low[x], low[right])
    let highest = min(high[left], high[x], high[right])
    return sorted(lowest, sorted(middle[left], middle[x], middle[right]).1, highest).1
}

/// Three values in ascending order, by compare-exchange (branch-free min/max).
@inline(__always)
private func sorted(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> (UInt8, UInt8, UInt8) {
    let (lo, hi) = (min(a, b), max(a, b))
    let (mid, top) = (min(hi, c), max(hi, c))
    return (min(lo, mid), max(lo, mid), top)
}
