/// Keras `ZeroPadding2D`: zeros around height and width; the gradient is the centre crop.
final class TrainingZeroPaddingStep: TrainingStep {
    private let name: String
    private let top: Int, bottom: Int, left: Int, right: Int
    private var inputShape: [Int]?

    init(name: String, top: Int, bottom: Int, left: Int, right: Int) {
        self.name = name
        (self.top, self.bottom, self.left, self.right) = (top, bottom, left, right)
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0]
        guard x.shape.count == 4 else { throw .shapeMismatch(layer: name, expected: [-1, -1, -1, -1], actual: x.shape) }
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let paddedHeight = h + top + bottom, paddedWidth = w + left + right
        var y = Tensor(zeros: [n, paddedHeight, paddedWidth, c])
        for image in 0..<n {
            for row in 0..<h {
                let source = ((image * h + row) * w) * c
                let target = ((image * paddedHeight + row + top) * paddedWidth + left) * c
                y.values.replaceSubrange(target..<target + w * c, with: x.values[source..<source + w * c])
            }
        }
        if context.training { inputShape = x.shape }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let shape = inputShape else { throw .noForwardPass }
        let (n, h, w, c) = (shape[0], shape[1], shape[2], shape[3])
        let paddedHeight = h + top + bottom, paddedWidth = w + left + right
        var dx = Tensor(zeros: shape)
        for image in 0..<n {
            for row in 0..<h {
                let target = ((image * h + row) * w) * c
                let source = ((image * paddedHeight + row + top) * paddedWidth + left) * c
                dx.values.replaceSubrange(target..<target + w * c, with: gradient.values[source..<source + w * c])
            }
        }
        return [dx]
    }
}

/// Keras `GlobalAveragePooling2D`: the mean over height and width, `[N, C]` or `[N, 1, 1, C]`.
final class TrainingGlobalAveragePoolingStep: TrainingStep {
    private let name: String
    private let keepDims: Bool
    private var inputShape: [Int]?

    init(name: String, keepDims: Bool) {
        self.name = name
        self.keepDims = keepDims
    }

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0]
        guard x.shape.count == 4 else { throw .shapeMismatch(layer: name, expected: [-1, -1, -1, -1], actual: x.shape) }
        let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        var y = Tensor(zeros: keepDims ? [n, 1, 1, c] : [n, c])
        withPointers(x.values, x.values) { xs, _ in
            y.values.withPointer { ys in
                for image in 0..<n {
                    for pixel in 0..<pixels {
                        TrainingKernels.axpy(1 / Float(pixels), xs + (image * pixels + pixel) * c, ys + image * c, c)
                    }
                }
            }
        }
        if context.training { inputShape = x.shape }
        return y
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let shape = inputShape else { throw .noForwardPass }
        let (n, pixels, c) = (shape[0], shape[1] * shape[2], shape[3])
        var dx = Tensor(zeros: shape)
        for image in 0..<n {
            for pixel in 0..<pixels {
                for channel in 0..<c {
                    dx.values[(image * pixels + pixel) * c + channel] = gradient.values[image * c + channel] / Float(pixels)
                }
            }
        }
        return [dx]
    }
}

/// Keras `Flatten`: every axis after the batch collapsed into one.
final class TrainingFlattenStep: TrainingStep {
    private var inputShape: [Int]?

    func forward(_ inputs: [Tensor], context: ForwardContext) throws(TrainingError) -> Tensor {
        let x = inputs[0]
        if context.training { inputShape = x.shape }
        return Tensor(shape: [x.shape.first ?? 1, x.count / max(x.shape.first ?? 1, 1)], values: x.values)
    }

    func backward(_ gradient: Tensor) throws(TrainingError) -> [Tensor] {
        guard let shape = inputShape else { throw .noForwardPass }
        return [Tensor(shape: shape, values: gradient.values)]
    }
}
