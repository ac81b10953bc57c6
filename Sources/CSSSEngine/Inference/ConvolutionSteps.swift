import CSSSKernels

/// A GEMM against packed weights with a fused epilogue: a 1×1 convolution (NHWC makes it a
/// `[pixels, in] × [in, out]` product), a Dense layer, or, unfolded by im2col, any other convolution.
struct GEMMStep: PlanStep {
    /// Output pixels unfolded at a time: enough rows for full tiles, few enough that the unfolded block
    /// is still in cache when the GEMM reads it.
    static let unfoldRows = 96

    let kind: StepKind
    let input: Int
    let output: Int
    /// GEMM rows per image: output pixels, or 1 for a Dense layer on a vector.
    let rowsPerImage: Int
    let k: Int
    let n: Int
    let packedWeights: AlignedFloats
    let epilogue: Epilogue
    /// The convolution im2col unfolds first; `nil` when the input already is the left-hand matrix.
    let unfolding: csss_conv_geometry?

    /// - Parameter weights: `k` rows of `n` output channels (an HWIO kernel viewed as a matrix).
    init(kind: StepKind, input: Int, output: Int, rowsPerImage: Int, weights: ChannelWeights, epilogue: Epilogue,
         unfolding: csss_conv_geometry? = nil) {
        self.kind = kind
        self.input = input
        self.output = output
        self.rowsPerImage = rowsPerImage
        k = weights.rows
        n = weights.channels
        let (k, n) = (Int32(k), Int32(n))
        packedWeights = weights.values.withUnsafeBufferPointer { matrix in
            AlignedFloats(count: csss_gemm_packed_count(k, n)) { csss_gemm_pack(k, n, matrix.baseAddress, $0) }
        }
        self.epilogue = epilogue
        self.unfolding = unfolding
    }

    var inputs: [Int] { [input] + (epilogue.residual.map { [$0] } ?? []) }
    var scratchCount: Int { unfolding == nil ? 0 : Self.unfoldRows * k }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = workspace.batch * rowsPerImage
        let panels = (n + Int(CSSS_GEMM_PANEL) - 1) / Int(CSSS_GEMM_PANEL)
        // Members split the rows while each still gets several full tiles; below that (a 5×5 image) they
        // split the column panels instead, so no member is left with a sliver of rows.
        let splitsRows = rows >= 48 * size || panels < 2 * size
        let rowShare = splitsRows ? share(of: rows, member: member, among: size) : 0..<rows
        let panelShare = splitsRows ? 0..<panels : share(of: panels, member: member, among: size)
        guard !rowShare.isEmpty, !panelShare.isEmpty else { return }
        epilogue.withKernelEpilogue(in: workspace) { kernelEpilogue in
            if let unfolding {
                unfoldAndMultiply(unfolding, rows: rowShare, panels: panelShare, in: workspace,
                                  scratch: workspace.scratch[member], epilogue: kernelEpilogue)
            } else {
                csss_gemm(workspace.isa, Int32(rowShare.lowerBound), Int32(rowShare.upperBound),
                          Int32(panelShare.lowerBound), Int32(panelShare.upperBound), Int32(k), Int32(n),
                          workspace[input], k, packedWeights.baseAddress, workspace[output], kernelEpilogue)
            }
        }
    }

    /// im2col a block of rows into `scratch`, multiply it, and go on to the next block.
    private func unfoldAndMultiply(_ geometry: csss_conv_geometry, rows: Range<Int>, panels: Range<Int>,
                                   in workspace: Workspace, scratch: UnsafeMutablePointer<Float>,
                                   epilogue: UnsafePointer<csss_epilogue>) {
        var geometry = geometry
        var blockEpilogue = epilogue.pointee
        for start in stride(from: rows.lowerBound, to: rows.upperBound, by: Self.unfoldRows) {
            let end = min(start + Self.unfoldRows, rows.upperBound)
            csss_im2col(&geometry, Int32(start), Int32(end), workspace[input], scratch)
            // The block's rows start at 0 in the scratch, so its output and residual move to match.
            blockEpilogue.residual = epilogue.pointee.residual.map { $0 + start * n }
            csss_gemm(workspace.isa, 0, Int32(end - start), Int32(panels.lowerBound), Int32(panels.upperBound),
                      Int32(k), Int32(n), scratch, k, packedWeights.baseAddress, workspace[output] + start * n,
                      &blockEpilogue)
        }
    }
}

/// A depthwise convolution with its epilogue; members split the output rows.
struct DepthwiseStep: PlanStep {
    let input: Int
    let output: Int
    let geometry: csss_conv_geometry
    /// Keras's `(kh, kw, in, multiplier)` layout, with any BatchNormalization folded in.
    let weights: AlignedFloats
    let epilogue: Epilogue

    var kind: StepKind { .depthwise }
    var inputs: [Int] { [input] + (epilogue.residual.map { [$0] } ?? []) }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = share(of: workspace.batch * Int(geometry.out_h), member: member, among: size)
        guard !rows.isEmpty else { return }
        var geometry = geometry
        epilogue.withKernelEpilogue(in: workspace) { kernelEpilogue in
            csss_depthwise(workspace.isa, &geometry, Int32(rows.lowerBound), Int32(rows.upperBound),
                           workspace[input], weights.baseAddress, workspace[output], kernelEpilogue)
        }
    }
}

/// A direct convolution for few input channels (an RGB stem); members split the output rows.
struct DirectConvolutionStep: PlanStep {
    let input: Int
    let output: Int
    let geometry: csss_conv_geometry
    let packedWeights: AlignedFloats
    let epilogue: Epilogue

    init(input: Int, output: Int, geometry: csss_conv_geometry, weights: ChannelWeights, epilogue: Epilogue) {
        self.input = input
        self.output = output
        self.geometry = geometry
        var packing = geometry
        packedWeights = weights.values.withUnsafeBufferPointer { hwio in
            AlignedFloats(count: csss_direct_conv_packed_count(&packing)) {
                csss_direct_conv_pack(&packing, hwio.baseAddress, $0)
            }
        }
        self.epilogue = epilogue
    }

    var kind: StepKind { .convolution }
    var inputs: [Int] { [input] + (epilogue.residual.map { [$0] } ?? []) }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = share(of: workspace.batch * Int(geometry.out_h), member: member, among: size)
        guard !rows.isEmpty else { return }
        var geometry = geometry
        epilogue.withKernelEpilogue(in: workspace) { kernelEpilogue in
            csss_direct_conv(workspace.isa, &geometry, Int32(rows.lowerBound), Int32(rows.upperBound),
                             workspace[input], packedWeights.baseAddress, workspace[output], kernelEpilogue)
        }
    }
}

/// A ZeroPadding2D that could not be folded into a convolution (its output is tapped, or read twice).
struct ZeroPadStep: PlanStep {
    let input: Int
    let output: Int
    /// The padded image as a convolution's output; only sizes and `pad_top`/`pad_left` matter.
    let geometry: csss_conv_geometry

    var kind: StepKind { .elementwise }
    var inputs: [Int] { [input] }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = share(of: workspace.batch * Int(geometry.out_h), member: member, among: size)
        var geometry = geometry
        csss_zero_pad(&geometry, Int32(rows.lowerBound), Int32(rows.upperBound), workspace[input], workspace[output])
    }
}
