import CSSSKernels

/// An inverted-residual block (1×1 expand, depthwise, 1×1 project, each with its fused epilogue) run
/// one output row at a time, so the expanded tensor between its convolutions never leaves the cache.
/// Members split the output rows; each keeps its own ring of expanded rows in its scratch.
struct InvertedResidualStep: PlanStep {
    /// `nil` for a block that starts with its depthwise (MobileNetV2's first).
    let expand: GEMMStep?
    let depthwise: DepthwiseStep
    let project: GEMMStep

    var kind: StepKind { .invertedResidual }
    var inputs: [Int] { [expand?.input ?? depthwise.input] + (project.epilogue.residual.map { [$0] } ?? []) }
    var output: Int { project.output }

    var scratchCount: Int {
        withKernelBlock(expand: nil, depthwise: nil, project: nil) { csss_block_scratch_count($0) }
    }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = share(of: workspace.batch * Int(depthwise.geometry.out_h), member: member, among: size)
        guard !rows.isEmpty else { return }
        let input = workspace[expand?.input ?? depthwise.input]
        project.epilogue.withKernelEpilogue(in: workspace) { projectEpilogue in
            depthwise.epilogue.withKernelEpilogue(in: workspace) { depthwiseEpilogue in
                withExpandEpilogue(in: workspace) { expandEpilogue in
                    withKernelBlock(expand: expandEpilogue, depthwise: depthwiseEpilogue, project: projectEpilogue) { block in
                        csss_block_run(workspace.isa, block, Int32(rows.lowerBound), Int32(rows.upperBound), input,
                                       workspace[output], workspace.scratch[member])
                    }
                }
            }
        }
    }

    /// Calls `body` with the expansion's C epilogue, or `nil` for a block without expansion.
    private func withExpandEpilogue<R>(in workspace: Workspace, _ body: (UnsafePointer<csss_epilogue>?) -> R) -> R {
        guard let expand else { return body(nil) }
        return expand.epilogue.withKernelEpilogue(in: workspace) { body($0) }
    }

    /// Calls `body` with the C description of the block; the epilogues may be `nil` where only sizes matter.
    private func withKernelBlock<R>(expand: UnsafePointer<csss_epilogue>?, depthwise: UnsafePointer<csss_epilogue>?,
                                    project: UnsafePointer<csss_epilogue>?,
                                    _ body: (UnsafePointer<csss_block>) -> R) -> R {
        withUnsafePointer(to: self.depthwise.geometry) { geometry in
            var block = csss_block(
                depthwise: geometry, in_c: Int32(self.expand?.k ?? Int(self.depthwise.geometry.in_c)),
                expand_weights: self.expand.map { UnsafePointer($0.packedWeights.baseAddress) }, expand: expand,
                depthwise_weights: self.depthwise.weights.baseAddress, depthwise_epilogue: depthwise,
                out_c: Int32(self.project.n), project_weights: self.project.packedWeights.baseAddress,
                project: project)
            return body(&block)
        }
    }
}
