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
                                for x in 0..<width {
                                    let left = max(x &- 1, 0), right = min(x &+ 1, width &- 1)
                                    let lowest = max(low[left], low[x], low[right])
                                    let highest = min(high[left], high[x], high[right])
                                    let median = sorted(middle[left], middle[x], middle[right]).1
                                    output[row &+ x] = sorted(lowest, median, highest).1
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

/// Three values in ascending order, by compare-exchange (branch-free min/max).
@inline(__always)
private func sorted(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> (UInt8, UInt8, UInt8) {
    let (lo, hi) = (min(a, b), max(a, b))
    let (mid, top) = (min(hi, c), max(hi, c))
    return (min(lo, mid), max(lo, mid), top)
}
