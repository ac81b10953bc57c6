import CSSSKernels

/// `y = x · scale[c] + shift[c]` over the last axis: a BatchNormalization at inference, a Rescaling or a
/// Normalization. Its Jacobian is diagonal: `dx = dy · scale[c]`.
struct ChannelAffineTailStep: TailStep {
    let input: Int
    let output: Int
    let count: Int
    let scale: [Float]
    let shift: [Float]

    var inputs: [Int] { [input] }

    /// Multiply, then add, each rounded, as TensorFlow's `batch_normalization` computes
    /// `x * inv + (offset - mean * inv)`.
    func forward(_ memory: TailMemory) {
        let (x, y, channels) = (memory[input], memory[output], scale.count)
        scale.withUnsafeBufferPointer { scale in
            shift.withUnsafeBufferPointer { shift in
                for base in stride(from: 0, to: count, by: channels) {
                    for c in 0..<channels {
                        y[base &+ c] = x[base &+ c] * scale[c] + shift[c]
                    }
                }
            }
        }
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (dy, dx, channels) = (memory.gradient(output), memory.gradient(input), scale.count)
        scale.withUnsafeBufferPointer { scale in
            for base in stride(from: 0, to: count, by: channels) {
                use.deliver(channels, to: dx + base) { dy[base &+ $0] * scale[$0] }
            }
        }
    }
}

/// Keras's `ReLU` layer and the `relu`/`relu6` activations, with the gradient TensorFlow gives them.
struct ReLUTailStep: TailStep {
    let input: Int
    let output: Int
    let count: Int
    let maxValue: Float
    let negativeSlope: Float
    let threshold: Float

    var inputs: [Int] { [input] }

    func forward(_ memory: TailMemory) {
        csss_relu(0, count, memory[input], maxValue, negativeSlope, threshold, memory[output])
    }

    /// Keras 3 builds the ReLU from TensorFlow ops whose gradients decide what happens at the kinks:
    /// `leaky_relu` (a slope alone) gives 1 where `x > 0` and the slope elsewhere. Otherwise the positive
    /// part is a mask `x > threshold` (with a threshold), `relu6` (maximum 6: passes where `0 < x < 6`) or
    /// `relu` (passes where `x > 0`), then a clip to `[0, max]` that passes its ends; the negative part
    /// `-slope · relu(threshold - x)` adds the slope where `x < threshold`.
    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (x, dy, dx) = (memory[input], memory.gradient(output), memory.gradient(input))
        let (maxValue, slope, threshold) = (maxValue, negativeSlope, threshold)
        switch (slope == 0, threshold == 0, maxValue) {
        case (true, true, 6):
            use.deliver(count, to: dx) { x[$0] > 0 && x[$0] < 6 ? dy[$0] : 0 }
        case (true, true, .infinity):
            use.deliver(count, to: dx) { x[$0] > 0 ? dy[$0] : 0 }
        case (false, true, .infinity):
            use.deliver(count, to: dx) { x[$0] > 0 ? dy[$0] : dy[$0] * slope }
        default:
            use.deliver(count, to: dx) { i in
                let passes: Bool
                if threshold != 0 {
                    passes = x[i] > threshold && (maxValue == .infinity || (x[i] >= 0 && x[i] <= maxValue))
                } else if maxValue == 6 {
                    passes = x[i] > 0 && x[i] < 6
                } else {
                    passes = x[i] > 0 && x[i] <= maxValue
                }
                return (passes ? dy[i] : 0) + (x[i] < threshold ? dy[i] * slope : 0)
            }
        }
    }
}

/// The logistic sigmoid: `dx = dy · y · (1 - y)`.
struct SigmoidTailStep: TailStep {
    let input: Int
    let output: Int
    let count: Int

    var inputs: [Int] { [input] }

    func forward(_ memory: TailMemory) {
        csss_sigmoid(0, count, memory[input], memory[output])
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        let (y, dy, dx) = (memory[output], memory.gradient(output), memory.gradient(input))
        use.deliver(count, to: dx) { dy[$0] * y[$0] * (1 - y[$0]) }
    }
}

/// A softmax over the last axis that is not the model's last (that one is left out of the score):
/// `dx = y · (dy - Σ dy·y)` row by row.
struct SoftmaxTailStep: TailStep {
    let input: Int
    let output: Int
    let rows: Int
    let classes: Int

    var inputs: [Int] { [input] }

    func forward(_ memory: TailMemory) {
        csss_softmax(0, Int32(rows), Int32(classes), memory[input], memory[output])
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        guard let use = uses[0] else { return }
        for row in 0..<rows {
            let offset = row * classes
            let (y, dy) = (memory[output] + offset, memory.gradient(output) + offset)
            var projection: Float = 0
            for i in 0..<classes {
                projection += dy[i] * y[i]
            }
            use.deliver(classes, to: memory.gradient(input) + offset) { y[$0] * (dy[$0] - projection) }
        }
    }
}

/// The elementwise sum of the inputs; each input gets the output's gradient whole.
struct AddTailStep: TailStep {
    let inputs: [Int]
    let output: Int
    let count: Int

    func forward(_ memory: TailMemory) {
        let y = memory[output]
        csss_add(0, count, memory[inputs[0]], memory[inputs[1]], y)
        for operand in inputs.dropFirst(2) {
            csss_add(0, count, y, memory[operand], y)
        }
    }

    func backward(_ memory: TailMemory, uses: [GradientUse?]) {
        let dy = memory.gradient(output)
        for (input, use) in zip(inputs, uses) {
            use?.deliver(count, to: memory.gradient(input)) { dy[$0] }
        }
    }
}
