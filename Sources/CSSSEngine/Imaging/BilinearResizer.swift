/// `cv2.resize(plane, (outputWidth, outputHeight), interpolation=cv2.INTER_LINEAR)` for a float32 plane,
/// bit for bit with the x86 OpenCV builds that the seed ran (the pip wheels, which resize floats with Intel IPP).
///
/// The overlay quantises the resized map to 8 bits, where one float rounding can move a pixel to the next
/// colour, so the arithmetic is IPP's, worked out from its output and checked equal on 27 million random
/// samples and on all 258 fixture Grad-CAM maps resized to a scan's size (OpenCV 4.14.0 and 5.0.0):
/// - Half-pixel centres: output `d` samples the input at `p = (d + 0.5) × inputSize / outputSize − 0.5`, in
///   double; it reads inputs `s = floor(p)` and `s + 1` with weight `w = Float(p − s)`.
/// - A sample before the first input's centre or after the last one's takes that edge value (IPP's
///   replicated border), along both axes.
/// - Each axis mixes as `a + (b − a) × w` with one fused multiply-add, in float32; the rows first, then the
///   columns of the result.
///
/// OpenCV's own code (ARM builds, `cv2.ipp.setUseIPP(False)`, and any plane one sample wide or high, which
/// OpenCV keeps from IPP) uses the same centres but `a × (1 − w) + b × w` with the weight rounded in float,
/// and does not clamp the vertical weights. Its results differ in the last bit of some values, which moves
/// about one overlay pixel in 10,000 by one or two levels. Shrinking is not antialiased, as in OpenCV: each
/// output still reads only its two nearest inputs.
///
/// The weights are computed once, at initialisation; hold a resizer to resize many planes of one size.
public struct BilinearResizer: Sendable {
    /// The input width and height in samples.
    public let inputSize: (width: Int, height: Int)
    /// The output width and height in samples.
    public let outputSize: (width: Int, height: Int)
    private let columns: [Tap]
    private let rows: [Tap]

    /// The two inputs one output reads, and the weight of the second.
    private struct Tap: Sendable {
        var first: Int
        var second: Int
        var weight: Float
    }

    /// Prepares the resize of `width × height` planes to `outputWidth × outputHeight`.
    ///
    /// - Precondition: all sizes are positive.
    public init(width: Int, height: Int, outputWidth: Int, outputHeight: Int) {
        precondition(width > 0 && height > 0 && outputWidth > 0 && outputHeight > 0,
                     "bilinear resize needs positive sizes, not \(width)×\(height) → \(outputWidth)×\(outputHeight)")
        inputSize = (width, height)
        outputSize = (outputWidth, outputHeight)
        columns = Self.taps(inputSize: width, outputSize: outputWidth)
        rows = Self.taps(inputSize: height, outputSize: outputHeight)
    }

    private static func taps(inputSize: Int, outputSize: Int) -> [Tap] {
        let scale = Double(inputSize) / Double(outputSize)
        return (0..<outputSize).map { output in
            let position = (Double(output) + 0.5) * scale - 0.5
            let first = position.rounded(.down)
            guard first >= 0, first < Double(inputSize - 1) else {
                let edge = first < 0 ? 0 : inputSize - 1
                return Tap(first: edge, second: edge, weight: 0)
            }
            return Tap(first: Int(first), second: Int(first) + 1, weight: Float(position - first))
        }
    }

    /// The resized plane, row-major.
    ///
    /// - Precondition: `plane` holds `inputSize.width × inputSize.height` samples.
    /// - Complexity: O(inputHeight × outputWidth + outputHeight × outputWidth).
    public func resize(_ plane: [Float]) -> [Float] {
        precondition(plane.count == inputSize.width * inputSize.height, "the plane does not hold \(inputSize) samples")
        let width = outputSize.width
        // Every input row is resized once, then each output row mixes two of them.
        var resizedRows = [Float](repeating: 0, count: inputSize.height * width)
        plane.withUnsafeBufferPointer { input in
            resizedRows.withUnsafeMutableBufferPointer { output in
                for row in 0..<inputSize.height {
                    let source = input.baseAddress! + row &* inputSize.width
                    let target = output.baseAddress! + row &* width
                    for (column, tap) in columns.enumerated() {
                        target[column] = Self.mix(source[tap.first], source[tap.second], tap.weight)
                    }
                }
            }
        }
        return [Float](unsafeUninitializedCapacity: outputSize.height * width) { output, count in
            resizedRows.withUnsafeBufferPointer { input in
                for (row, tap) in rows.enumerated() {
                    let top = input.baseAddress! + tap.first &* width
                    let bottom = input.baseAddress! + tap.second &* width
                    let target = output.baseAddress! + row &* width
                    for column in 0..<width {
                        target[column] = Self.mix(top[column], bottom[column], tap.weight)
                    }
                }
            }
            count = output.count
        }
    }

    /// `a + (b − a) × weight`, the multiply-add fused as IPP does it; exactly `a` at weight 0.
    @inline(__always)
    private static func mix(_ a: Float, _ b: Float, _ weight: Float) -> Float {
        a.addingProduct(b - a, weight)
    }
}
