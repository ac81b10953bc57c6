import CSSSKernels

/// One step of a compiled network: it reads some storages, writes one, and splits its work among the
/// members of a thread team so that together they compute all of it.
protocol PlanStep: Sendable {
    /// What kind of work the step is, for profiles.
    var kind: StepKind { get }
    /// The storages the step reads.
    var inputs: [Int] { get }
    /// The storage the step writes.
    var output: Int { get }
    /// Floats of private scratch each member needs (im2col rows), independent of the batch size.
    var scratchCount: Int { get }
    /// Computes member `member`'s share (of `size` members) of the step for the whole batch.
    func run(in workspace: Workspace, member: Int, of size: Int)
}

extension PlanStep {
    var scratchCount: Int { 0 }
}

/// The kinds of work a profile tells apart.
public enum StepKind: String, Sendable, CaseIterable {
    /// A 1×1 convolution or Dense layer: one GEMM with a fused epilogue.
    case pointwise
    /// A depthwise convolution.
    case depthwise
    /// Any other convolution: a direct kernel for few input channels, or im2col and GEMM.
    case convolution
    /// A whole inverted-residual block (expand, depthwise, project) run row by row in one pass.
    case invertedResidual
    /// Elementwise layers and data movement that could not be fused: affine maps, activations,
    /// additions, padding.
    case elementwise
    /// Pooling and softmax.
    case reduction
}

/// The memory one execution of a plan works in: a pointer for each storage and scratch for each member.
struct Workspace {
    let batch: Int
    let isa: csss_isa
    /// Indexed by storage number; storage 0, the network input, is the caller's buffer (never written).
    let storages: [UnsafeMutablePointer<Float>]
    let scratch: [UnsafeMutablePointer<Float>]

    subscript(storage: Int) -> UnsafeMutablePointer<Float> {
        storages[storage]
    }
}

/// Member `member`'s contiguous share of `count` items split as evenly as possible among `size` members.
func share(of count: Int, member: Int, among size: Int) -> Range<Int> {
    (count * member / size)..<(count * (member + 1) / size)
}
