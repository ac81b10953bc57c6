/// Finds the inverted-residual blocks of a program worth running as one ``InvertedResidualStep``.
enum BlockFusion {
    /// Blocks whose expanded tensor is at least this large per image (in floats, 512 KiB) are fused:
    /// smaller ones stay in L2 unfused, where splitting each GEMM's columns among threads balances
    /// better than splitting a few rows.
    static let minimumExpandedCount = 128 * 1024

    /// `program` with each expand → depthwise → project chain (or depthwise → project, for a block
    /// without expansion) whose intermediate values nothing else reads, and whose depthwise reads at
    /// least `threshold` floats per image, merged into one step.
    static func fuse(_ program: Program, threshold: Int = minimumExpandedCount) -> Program {
        var readers: [Int: Int] = [:]
        for planned in program.steps {
            for input in planned.step.inputs {
                readers[input, default: 0] += 1
            }
        }
        let kept = program.keptStorages
        /// Whether the storage only feeds the next step.
        func isPrivate(_ storage: Int) -> Bool { readers[storage] == 1 && !kept.contains(storage) }

        var steps: [PlannedStep] = []
        var index = 0
        while index < program.steps.count {
            let window = program.steps[index...].prefix(3).map(\.step)
            if let block = block(in: window, isPrivate: isPrivate, counts: program.storageCounts, threshold: threshold) {
                let length = block.expand == nil ? 2 : 3
                steps.append(PlannedStep(step: block,
                                         layers: program.steps[index..<index + length].flatMap(\.layers)))
                index += length
            } else {
                steps.append(program.steps[index])
                index += 1
            }
        }
        var fused = program
        fused.steps = steps
        return fused
    }

    /// The block the steps start with, if they start with one worth fusing.
    private static func block(in steps: [any PlanStep], isPrivate: (Int) -> Bool, counts: [Int],
                              threshold: Int) -> InvertedResidualStep? {
        let expand = (steps.first as? GEMMStep).flatMap { $0.isPlainPointwise ? $0 : nil }
        let rest = steps.dropFirst(expand == nil ? 0 : 1)
        guard let depthwise = rest.first as? DepthwiseStep, let project = rest.dropFirst().first as? GEMMStep,
              project.isPlainPointwise, project.input == depthwise.output, isPrivate(depthwise.output),
              depthwise.epilogue.residual == nil, counts[depthwise.input] >= threshold
        else { return nil }
        if let expand {
            guard expand.output == depthwise.input, isPrivate(expand.output), expand.epilogue.residual == nil else {
                return nil
            }
        }
        return InvertedResidualStep(expand: expand, depthwise: depthwise, project: project)
    }
}

private extension GEMMStep {
    /// A 1×1 convolution reading its input in place.
    var isPlainPointwise: Bool { kind == .pointwise && unfolding == nil }
}
