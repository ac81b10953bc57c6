import CSSSKernels

/// A weight matrix `w` (`k × n`, row-major) packed for the engine's GEMM both ways round: `x · w + bias`
/// for the forward pass and `g · wᵀ` for the backward pass, which is the same product with the
/// transposed matrix.
struct PackedMatrix {
    /// Rows of `w`: the input width.
    let k: Int
    /// Columns of `w`: the output width.
    let n: Int
    private let isa: csss_isa
    private let panels: AlignedFloats
    private let transposedPanels: AlignedFloats
    /// One per output column, zero-padded to whole panels as the kernel reads them.
    private let bias: AlignedFloats
    private let noBias: AlignedFloats

    /// - Complexity: O(`k · n`), to transpose and pack.
    init(_ w: [Float], k: Int, n: Int, bias: [Float]?, isa: csss_isa) {
        self.k = k
        self.n = n
        self.isa = isa
        var transposed = [Float](repeating: 0, count: w.count)
        for row in 0..<k {
            for column in 0..<n {
                transposed[column * k + row] = w[row * n + column]
            }
        }
        panels = Self.pack(w, k: k, n: n)
        transposedPanels = Self.pack(transposed, k: n, n: k)
        let panel = Int(CSSS_GEMM_PANEL)
        self.bias = AlignedFloats(bias ?? [Float](repeating: 0, count: n), paddedTo: panel)
        noBias = AlignedFloats(count: (k + panel - 1) / panel * panel)
    }

    /// `y = x · w + bias` for `rows` rows of `x` (`rows × k`) into `y` (`rows × n`).
    func multiply(rows: Int, _ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        Self.gemm(isa, rows: rows, k: k, n: n, x, panels, bias, into: y)
    }

    /// `y = g · wᵀ` for `rows` rows of `g` (`rows × n`) into `y` (`rows × k`).
    func multiplyTransposed(rows: Int, _ g: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>) {
        Self.gemm(isa, rows: rows, k: n, n: k, g, transposedPanels, noBias, into: y)
    }

    private static func pack(_ matrix: [Float], k: Int, n: Int) -> AlignedFloats {
        matrix.withUnsafeBufferPointer { matrix in
            AlignedFloats(count: csss_gemm_packed_count(Int32(k), Int32(n))) {
                csss_gemm_pack(Int32(k), Int32(n), matrix.baseAddress, $0)
            }
        }
    }

    private static func gemm(_ isa: csss_isa, rows: Int, k: Int, n: Int, _ a: UnsafePointer<Float>,
                             _ packed: AlignedFloats, _ bias: AlignedFloats, into out: UnsafeMutablePointer<Float>) {
        var epilogue = csss_epilogue(bias: bias.baseAddress, lo: -.infinity, hi: .infinity, residual: nil,
                                     post_lo: -.infinity, post_hi: .infinity)
        let panels = (n + Int(CSSS_GEMM_PANEL) - 1) / Int(CSSS_GEMM_PANEL)
        csss_gemm(isa, 0, Int32(rows), 0, Int32(panels), Int32(k), Int32(n), a, k, packed.baseAddress, out, &epilogue)
    }
}
