import CSSSKernels

/// What a convolution or GEMM does to its sums before storing them, fused into the kernel:
/// `clamp(clamp(sum + bias) + residual, postClamp)`. The residual is a whole storage with the output's
/// layout: the shortcut of an inverted-residual block, added while the result is still in registers.
struct Epilogue: Sendable {
    /// One per output channel, zero-padded to a multiple of `CSSS_GEMM_PANEL` so kernels load it whole.
    var bias: AlignedFloats
    var clamp: Clamp
    var residual: Int?
    var postClamp: Clamp

    init(bias: [Float], clamp: Clamp = .identity, residual: Int? = nil, postClamp: Clamp = .identity) {
        self.bias = AlignedFloats(bias, paddedTo: Int(CSSS_GEMM_PANEL))
        self.clamp = clamp
        self.residual = residual
        self.postClamp = postClamp
    }

    /// Calls `body` with the C form of the epilogue for `workspace`.
    func withKernelEpilogue<R>(in workspace: Workspace, _ body: (UnsafePointer<csss_epilogue>) -> R) -> R {
        var kernel = csss_epilogue(
            bias: bias.baseAddress, lo: clamp.lower, hi: clamp.upper,
            residual: residual.map { UnsafePointer(workspace[$0]) },
            post_lo: postClamp.lower, post_hi: postClamp.upper)
        return body(&kernel)
    }
}
