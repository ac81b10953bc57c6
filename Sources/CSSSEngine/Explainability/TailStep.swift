/// How a step hands a gradient to one of its inputs during the backward pass.
///
/// Steps run backward in reverse order, so the first step to reach a value's gradient overwrites
/// whatever an earlier explanation left there and every later one adds to it: a value read twice (the
/// shortcut of a residual block) gets the sum of both paths without a pass to zero it first.
enum GradientUse {
    case write
    case add

    /// Stores `gradient(i)` into `target[i]` for `i` in `0..<count`, or adds it.
    @inline(__always)
    func deliver(_ count: Int, to target: UnsafeMutablePointer<Float>, _ gradient: (Int) -> Float) {
        switch self {
        case .write:
            for i in 0..<count { target[i] = gradient(i) }
        case .add:
            for i in 0..<count { target[i] += gradient(i) }
        }
    }
}

/// One layer (or a layer's own activation) of a ``Tail``, with its forward pass and its vector-Jacobian
/// product.
protocol TailStep {
    /// The storages it reads, in the layer's input order.
    var inputs: [Int] { get }
    /// The storage it writes.
    var output: Int { get }
    /// Floats of shared scratch it needs (see ``TailMemory/scratch``).
    var scratchCount: Int { get }

    /// Computes the output from the inputs.
    func forward(_ memory: TailMemory)

    /// Given the score's gradient with respect to the output, passes the gradient with respect to input
    /// `i` on as `uses[i]` says; a `nil` use (a constant input) gets nothing. Reads the values the forward
    /// pass left in `memory`.
    func backward(_ memory: TailMemory, uses: [GradientUse?])
}

extension TailStep {
    var scratchCount: Int { 0 }
}

/// The buffers of one compiled ``Tail``: every value the tail reads or computes, kept for the backward
/// pass, a gradient for each value the score depends on through the explained layer, and a scratch area
/// the steps share, since only one step runs at a time.
///
/// Allocated once per tail and reused by every explanation; the explainer's lock keeps runs apart.
final class TailMemory {
    private let values: [AlignedFloats]
    private let gradients: [AlignedFloats?]
    /// Shared by the steps for an unfolded image or a product to add from.
    let scratch: UnsafeMutablePointer<Float>
    private let scratchStorage: AlignedFloats

    /// - Parameters:
    ///   - counts: The floats of each storage.
    ///   - differentiable: Which storages get a gradient.
    init(counts: [Int], differentiable: [Bool], scratchCount: Int) {
        values = counts.map { AlignedFloats(count: $0) }
        gradients = zip(counts, differentiable).map { $1 ? AlignedFloats(count: $0) : nil }
        scratchStorage = AlignedFloats(count: scratchCount)
        scratch = scratchStorage.baseAddress
    }

    /// The values of `storage`.
    subscript(storage: Int) -> UnsafeMutablePointer<Float> {
        values[storage].baseAddress
    }

    /// The score's gradient with respect to `storage`, which must be differentiable.
    func gradient(_ storage: Int) -> UnsafeMutablePointer<Float> {
        gradients[storage]!.baseAddress
    }
}
