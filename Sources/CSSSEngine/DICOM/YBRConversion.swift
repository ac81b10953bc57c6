/// YBR_FULL to RGB exactly as pydicom 3 converts it (`convert_color_space`), so colour decodes match
/// pydicom's arrays bit for bit.
///
/// pydicom multiplies float32 `(Y, Cb − 128, Cr − 128)` by a float32 matrix with numpy's `matmul`, whose
/// BLAS kernel accumulates with fused multiply-adds in order Y, Cb, Cr; then adds 0.5 in float32, floors
/// and clips to 0…255. Separate multiplies and adds round differently for a few inputs, which is why the
/// products here are fused too.
enum YBRConversion {
    // The matrix entries pydicom computes in double precision before storing them as float32.
    private static let crToRed = Float(1.402 as Double)
    private static let cbToGreen = Float(-0.114 * 1.772 / 0.587 as Double)
    private static let crToGreen = Float(-0.299 * 1.402 / 0.587 as Double)
    private static let cbToBlue = Float(1.772 as Double)

    /// Interleaved 8-bit Y, Cb, Cr to interleaved 8-bit R, G, B.
    static func rgb(fromYBR samples: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: samples.count)
        samples.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                for pixel in stride(from: 0, to: input.count - 2, by: 3) {
                    let y = Float(input[pixel])
                    let cb = Float(input[pixel + 1]) - 128
                    let cr = Float(input[pixel + 2]) - 128
                    output[pixel] = rounded(y.addingProduct(cr, crToRed))
                    output[pixel + 1] = rounded(y.addingProduct(cb, cbToGreen).addingProduct(cr, crToGreen))
                    output[pixel + 2] = rounded(y.addingProduct(cb, cbToBlue))
                }
            }
        }
        return output
    }

    /// `floor(x + 0.5)` in float32, clipped to 0…255.
    private static func rounded(_ value: Float) -> UInt8 {
        UInt8(min(max((value + 0.5).rounded(.down), 0), 255))
    }
}
