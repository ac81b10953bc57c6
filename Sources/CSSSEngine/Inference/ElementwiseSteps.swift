import CSSSKernels

/// `clamp(x * scale[c] + shift[c])` per channel: a BatchNormalization that could not be folded into a
/// convolution, a Rescaling, or a Normalization, with a following ReLU fused in.
struct ChannelAffineStep: PlanStep {
    let input: Int
    let output: Int
    let countPerImage: Int
    let scale: AlignedFloats
    let shift: AlignedFloats
    let clamp: Clamp

    var kind: StepKind { .elementwise }
    var inputs: [Int] { [input] }
    var channels: Int { scale.count }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let pixels = share(of: workspace.batch * countPerImage / channels, member: member, among: size)
        csss_channel_affine(Int32(channels), pixels.lowerBound, pixels.upperBound, workspace[input],
                            scale.baseAddress, shift.baseAddress, clamp.lower, clamp.upper, workspace[output])
    }
}

/// A Keras `ReLU` with a slope or threshold, or any ReLU with no convolution to ride on.
struct ReLUStep: PlanStep {
    let input: Int
    let output: Int
    let countPerImage: Int
    let maxValue: Float
    let negativeSlope: Float
    let threshold: Float

    var kind: StepKind { .elementwise }
    var inputs: [Int] { [input] }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let range = share(of: workspace.batch * countPerImage, member: member, among: size)
        csss_relu(range.lowerBound, range.upperBound, workspace[input], maxValue, negativeSlope, threshold,
                  workspace[output])
    }
}

/// The logistic sigmoid.
struct SigmoidStep: PlanStep {
    let input: Int
    let output: Int
    let countPerImage: Int

    var kind: StepKind { .elementwise }
    var inputs: [Int] { [input] }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let range = share(of: workspace.batch * countPerImage, member: member, among: size)
        csss_sigmoid(range.lowerBound, range.upperBound, workspace[input], workspace[output])
    }
}

/// An Add that could not ride on a convolution: the elementwise sum of two or more storages.
struct AddStep: PlanStep {
    let inputs: [Int]
    let output: Int
    let countPerImage: Int

    var kind: StepKind { .elementwise }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let range = share(of: workspace.batch * countPerImage, member: member, among: size)
        csss_add(range.lowerBound, range.upperBound, workspace[inputs[0]], workspace[inputs[1]], workspace[output])
        for operand in inputs.dropFirst(2) {
            csss_add(range.lowerBound, range.upperBound, workspace[output], workspace[operand], workspace[output])
        }
    }
}

/// The mean over height and width of each channel.
struct GlobalAveragePoolStep: PlanStep {
    let input: Int
    let output: Int
    let pixels: Int
    let channels: Int

    var kind: StepKind { .reduction }
    var inputs: [Int] { [input] }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let images = share(of: workspace.batch, member: member, among: size)
        csss_global_average_pool(Int32(images.lowerBound), Int32(images.upperBound), Int32(pixels),
                                 Int32(channels), workspace[input], workspace[output])
    }
}

/// A softmax over the last axis.
struct SoftmaxStep: PlanStep {
    let input: Int
    let output: Int
    let countPerImage: Int
    /// The length of the last axis.
    let classes: Int

    var kind: StepKind { .reduction }
    var inputs: [Int] { [input] }

    func run(in workspace: Workspace, member: Int, of size: Int) {
        let rows = share(of: workspace.batch * countPerImage / classes, member: member, among: size)
        csss_softmax(Int32(rows.lowerBound), Int32(rows.upperBound), Int32(classes), workspace[input],
                     workspace[output])
    }
}
