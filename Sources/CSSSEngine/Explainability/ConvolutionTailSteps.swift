import CSSSKernels

/// A Dense layer (on the last axis) or a 1×1 convolution that maps each pixel to itself: `y = x · w + b`
/// row by row, so `dx = dy · wᵀ`.
struct MatrixProductTailStep: TailStep {
    let input: Int
    let output: Int
    let rows: Int
    let matrix: PackedMatrix

    var inputs: [Int] { [input] }
    /// Room for a product to be added to a gradient that already has another reader's share.
    var scratchCount: Int { rows * matrix.k }

    func forward(_ memory: TailMemory) {
        matrix.multiply(rows: rows, memory[input], into: memory[output])
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (dy, dx) = (memory.gradient(output), memory.gradient(input))
        switch use {
        case .write:
            matrix.multiplyTransposed(rows: rows, dy, into: dx)
        case .add:
            matrix.multiplyTransposed(rows: rows, dy, into: memory.scratch)
            csss_add(0, scratchCount, dx, memory.scratch, dx)
        }
    }
}

/// Any other Conv2D (a k×k kernel, a stride, padding, dilation): im2col makes it a product with the HWIO
/// kernel viewed as a `(kh·kw·in) × out` matrix; backward, the product with its transpose gives each
/// output pixel's share of the gradient of the patch it read, and col2im adds the patches back up.
struct ConvolutionTailStep: TailStep {
    let input: Int
    let output: Int
    let geometry: csss_conv_geometry
    let matrix: PackedMatrix

    var inputs: [Int] { [input] }
    private var pixels: Int { Int(geometry.out_h * geometry.out_w) }
    /// The unfolded image, forward; the patches' gradients, backward.
    var scratchCount: Int { pixels * matrix.k }

    func forward(_ memory: TailMemory) {
        var geometry = geometry
        csss_im2col(&geometry, 0, Int32(pixels), memory[input], memory.scratch)
        matrix.multiply(rows: pixels, memory.scratch, into: memory[output])
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let patches = memory.scratch
        matrix.multiplyTransposed(rows: pixels, memory.gradient(output), into: patches)
        let dx = memory.gradient(input)
        let g = geometry
        let (height, width, channels) = (Int(g.in_h), Int(g.in_w), Int(g.in_c))
        if use == .write {
            dx.update(repeating: 0, count: height * width * channels)
        }
        var patch = patches
        for oy in 0..<Int(g.out_h) {
            for ox in 0..<Int(g.out_w) {
                for ky in 0..<Int(g.kernel_h) {
                    let iy = oy * Int(g.stride_h) - Int(g.pad_top) + ky * Int(g.dilation_h)
                    for kx in 0..<Int(g.kernel_w) {
                        let ix = ox * Int(g.stride_w) - Int(g.pad_left) + kx * Int(g.dilation_w)
                        // im2col wrote zeros where the kernel overlapped padding; their gradients go nowhere.
                        if iy >= 0, iy < height, ix >= 0, ix < width {
                            let target = dx + (iy * width + ix) * channels
                            for c in 0..<channels {
                                target[c] += patch[c]
                            }
                        }
                        patch += channels
                    }
                }
            }
        }
    }
}

/// A DepthwiseConv2D with Keras's `(kh, kw, in, multiplier)` kernel: output channel `c · m + j` reads
/// input channel `c`, so each input pixel's gradient gathers over the taps that read it.
struct DepthwiseTailStep: TailStep {
    let input: Int
    let output: Int
    let geometry: csss_conv_geometry
    let isa: csss_isa
    let weights: AlignedFloats
    /// One per output channel, zero-padded to whole panels as the kernel reads them.
    let bias: AlignedFloats

    init(input: Int, output: Int, geometry: csss_conv_geometry, convolution: DepthwiseConvolution, isa: csss_isa) {
        self.input = input
        self.output = output
        self.geometry = geometry
        self.isa = isa
        weights = AlignedFloats(convolution.kernel.values)
        bias = AlignedFloats(convolution.bias?.values ?? [Float](repeating: 0, count: Int(geometry.out_c)),
                             paddedTo: Int(CSSS_GEMM_PANEL))
    }

    var inputs: [Int] { [input] }

    func forward(_ memory: TailMemory) {
        var geometry = geometry
        let rows = geometry.out_h
        var epilogue = csss_epilogue(bias: bias.baseAddress, lo: -.infinity, hi: .infinity, residual: nil,
                                     post_lo: -.infinity, post_hi: .infinity)
        csss_depthwise(isa, &geometry, 0, rows, memory[input], weights.baseAddress, memory[output],
                       &epilogue)
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let g = geometry
        let (height, width, channels, outChannels) = (Int(g.in_h), Int(g.in_w), Int(g.in_c), Int(g.out_c))
        let multiplier = outChannels / channels
        let (dy, dx, w) = (memory.gradient(output), memory.gradient(input), weights.baseAddress)
        if use == .write {
            dx.update(repeating: 0, count: height * width * channels)
        }
        for oy in 0..<Int(g.out_h) {
            for ox in 0..<Int(g.out_w) {
                let gradient = dy + (oy * Int(g.out_w) + ox) * outChannels
                for ky in 0..<Int(g.kernel_h) {
                    let iy = oy * Int(g.stride_h) - Int(g.pad_top) + ky * Int(g.dilation_h)
                    guard iy >= 0, iy < height else { continue }
                    for kx in 0..<Int(g.kernel_w) {
                        let ix = ox * Int(g.stride_w) - Int(g.pad_left) + kx * Int(g.dilation_w)
                        guard ix >= 0, ix < width else { continue }
                        let (target, tap) = (dx + (iy * width + ix) * channels,
                                             w + (ky * Int(g.kernel_w) + kx) * outChannels)
                        if multiplier == 1 {
                            for c in 0..<channels {
                                target[c] += gradient[c] * tap[c]
                            }
                        } else {
                            for c in 0..<channels {
                                for j in 0..<multiplier {
                                    target[c] += gradient[c * multiplier + j] * tap[c * multiplier + j]
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
