/// The fixed-point weights that Pillow's BICUBIC filter gives each output sample of one axis
/// (`precompute_coeffs` and `normalize_coeffs_8bpc` in Pillow's `Resample.c`).
///
/// For `inputSize → outputSize`, with `scale = in / out` and `filterScale = max(scale, 1)` (a downscale
/// widens the kernel, which is what antialiases it), output `o` reads the inputs around
/// `center = (o + 0.5) * scale`, weighted by the cubic kernel (a = −0.5) at `(i − center + 0.5) / filterScale`.
/// The weights are normalised to sum to 1 in double precision, then rounded half away from zero to
/// 22-bit fixed point. Every step is in the same order as Pillow's C, so the doubles, and thus the
/// integer weights, are identical.
struct BicubicWeights: Sendable, Equatable {
    /// The fraction bits of the fixed-point weights.
    static let precisionBits = 22

    /// The length of the axis being read.
    let inputSize: Int
    /// The length of the axis being written.
    let outputSize: Int
    /// The most inputs any output reads; the row stride of ``weights``.
    let stride: Int
    /// The first input each output reads.
    let firstInput: [Int]
    /// How many inputs each output reads, at most ``stride``.
    let inputCount: [Int]
    /// `weights[o * stride + i]` is the weight of input `firstInput[o] + i` in output `o`; unused slots are 0.
    let weights: [Int32]

    /// The cubic kernel's support in output samples at scale 1.
    private static let support = 2.0

    /// Computes the weights for resampling `inputSize` samples to `outputSize`.
    ///
    /// - Precondition: both sizes are positive.
    /// - Complexity: O(outputSize × stride), where stride ≈ 4 × max(1, inputSize / outputSize).
    init(inputSize: Int, outputSize: Int) {
        precondition(inputSize > 0 && outputSize > 0, "cannot resample \(inputSize) samples to \(outputSize)")
        let scale = Double(inputSize) / Double(outputSize)
        let filterScale = max(scale, 1.0)
        let support = Self.support * filterScale
        let stride = Int(support.rounded(.up)) * 2 + 1
        let inverseFilterScale = 1.0 / filterScale

        var firstInput = [Int](repeating: 0, count: outputSize)
        var inputCount = [Int](repeating: 0, count: outputSize)
        var weights = [Int32](repeating: 0, count: outputSize * stride)
        var kernel = [Double](repeating: 0, count: stride)
        for output in 0..<outputSize {
            let center = (Double(output) + 0.5) * scale
            // Int(_:) truncates toward zero, as C's (int) cast does.
            let first = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inputSize) - first
            var sum = 0.0
            for tap in 0..<count {
                kernel[tap] = Self.cubic((Double(tap + first) - center + 0.5) * inverseFilterScale)
                sum += kernel[tap]
            }
            for tap in 0..<count {
                let normalised = sum != 0 ? kernel[tap] / sum : kernel[tap]
                let fixed = normalised * Double(1 << Self.precisionBits)
                weights[output * stride + tap] = Int32(normalised < 0 ? fixed - 0.5 : fixed + 0.5)
            }
            firstInput[output] = first
            inputCount[output] = count
        }
        self.inputSize = inputSize
        self.outputSize = outputSize
        self.stride = stride
        self.firstInput = firstInput
        self.inputCount = inputCount
        self.weights = weights
    }

    /// Keys' cubic convolution kernel with a = −0.5, written as Pillow's `bicubic_filter` is, so that it
    /// rounds the same way.
    private static func cubic(_ x: Double) -> Double {
        let a = -0.5
        let x = abs(x)
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }
}
