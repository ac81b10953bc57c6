import CSSSKernels

/// A ``Program`` with memory for one batch size: an arena holding every storage (those whose lifetimes
/// do not overlap share memory) and im2col scratch for each member of the team that runs it.
///
/// The memory is reused by every run, so a plan must not run twice at once; ``Network`` keeps its plans
/// behind its lock.
final class ExecutionPlan: @unchecked Sendable {
    let program: Program
    let batch: Int
    private let arena: AlignedFloats
    private let offsets: [Int?]
    private let scratch: AlignedFloats
    private let scratchPerMember: Int

    /// Memory for running `program` on `batch` images with a team of up to `members`.
    init(program: Program, batch: Int, members: Int) {
        self.program = program
        self.batch = batch
        let layout = ArenaLayout(program: program, batch: batch)
        arena = AlignedFloats(count: layout.count)
        offsets = layout.offsets
        // Rounded to a cache line so members never write to the same one.
        scratchPerMember = ((program.steps.map(\.step.scratchCount).max() ?? 0) + 15) / 16 * 16
        scratch = AlignedFloats(count: scratchPerMember * members)
    }

    /// The pointers a run over `input` (`batch` images) uses.
    func workspace(input: UnsafePointer<Float>, isa: csss_isa, members: Int) -> Workspace {
        let storages = offsets.map { offset in offset.map { arena.baseAddress + $0 } ?? UnsafeMutablePointer(mutating: input) }
        let scratch = (0..<members).map { self.scratch.baseAddress + $0 * scratchPerMember }
        return Workspace(batch: batch, isa: isa, storages: storages, scratch: scratch)
    }

    /// Runs every step as member `member` of `size`, meeting the others at `barrier` after each one;
    /// member 0 reports each finished step to `finished`.
    func run(in workspace: Workspace, member: Int, of size: Int, barrier: () -> Void,
             finished: ((_ step: Int) -> Void)? = nil) {
        for (index, planned) in program.steps.enumerated() {
            planned.step.run(in: workspace, member: member, of: size)
            if size > 1 {
                barrier()
            }
            if member == 0 {
                finished?(index)
            }
        }
    }

    /// Copies this run's results into `results`, as images `first ..< first + batch`.
    func copyResults(of workspace: Workspace, into results: BatchResults, firstImage first: Int) {
        results.output.store(workspace[program.output.storage], images: first..<first + batch)
        if let logits = program.logits {
            results.logits?.store(workspace[logits.storage], images: first..<first + batch)
        }
        for (name, tap) in program.taps {
            results.activations[name]?.store(workspace[tap.storage], images: first..<first + batch)
        }
    }
}

/// The results of a batch, filled chunk by chunk by whichever member computed each chunk.
final class BatchResults: @unchecked Sendable {
    /// One result for every image of the batch.
    final class Buffer: @unchecked Sendable {
        let images: Int
        let shape: [Int]
        let perImage: Int
        private let values: AlignedFloats

        init(images: Int, shape: [Int]) {
            self.images = images
            self.shape = shape
            perImage = shape.reduce(1, *)
            values = AlignedFloats(count: images * perImage)
        }

        /// Stores the results for `images`, read from `source`. Chunks write disjoint images, so members
        /// may store at once.
        func store(_ source: UnsafePointer<Float>, images: Range<Int>) {
            (values.baseAddress + images.lowerBound * perImage).update(from: source, count: images.count * perImage)
        }

        var tensor: Tensor {
            Tensor(shape: [images] + shape, values: Array(UnsafeBufferPointer(start: values.baseAddress,
                                                                                     count: images * perImage)))
        }
    }

    let output: Buffer
    let logits: Buffer?
    let activations: [String: Buffer]

    init(program: Program, images: Int) {
        output = Buffer(images: images, shape: program.output.shape)
        logits = program.logits.map { Buffer(images: images, shape: $0.shape) }
        activations = program.taps.mapValues { Buffer(images: images, shape: $0.shape) }
    }

    var networkOutput: NetworkOutput {
        NetworkOutput(outputs: output.tensor, logits: logits?.tensor, activations: activations.mapValues(\.tensor))
    }
}
