import CSSSKernels

/// A ZeroPadding2D: the backward pass crops the padded gradient back to the image.
struct ZeroPaddingTailStep: TailStep {
    let input: Int
    let output: Int
    /// The padded image as a convolution's output; only the sizes and `pad_top`/`pad_left` matter.
    let geometry: csss_conv_geometry

    var inputs: [Int] { [input] }

    func forward(_ memory: TailMemory) {
        var geometry = geometry
        let rows = geometry.out_h
        csss_zero_pad(&geometry, 0, rows, memory[input], memory[output])
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (height, row, paddedRow) = (Int(geometry.in_h), Int(geometry.in_w * geometry.in_c),
                                        Int(geometry.out_w * geometry.out_c))
        let left = Int(geometry.pad_left * geometry.in_c)
        let (dy, dx) = (memory.gradient(output), memory.gradient(input))
        for y in 0..<height {
            let source = dy + (y + Int(geometry.pad_top)) * paddedRow + left
            use.deliver(row, to: dx + y * row) { source[$0] }
        }
    }
}

/// GlobalAveragePooling2D: the mean of each channel over the image; each pixel gets `dy / pixels`.
struct AveragePoolingTailStep: TailStep {
    let input: Int
    let output: Int
    let pixels: Int
    let channels: Int

    var inputs: [Int] { [input] }

    /// A sum divided by the count, as TensorFlow's `reduce_mean`, rather than a sum times `1 / count`.
    func forward(_ memory: TailMemory) {
        let (x, y, channels) = (memory[input], memory[output], channels)
        y.update(repeating: 0, count: channels)
        for pixel in 0..<pixels {
            let row = x + pixel &* channels
            for c in 0..<channels {
                y[c] += row[c]
            }
        }
        let count = Float(pixels)
        for c in 0..<channels {
            y[c] /= count
        }
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (dy, dx, channels, count) = (memory.gradient(output), memory.gradient(input), channels, Float(pixels))
        for pixel in 0..<pixels {
            use.deliver(channels, to: dx + pixel &* channels) { dy[$0] / count }
        }
    }
}
