import Foundation

/// The inner loops of the training passes: a dot product and `y += a·x` over contiguous floats, eight
/// lanes at a time, so channel loops run at vector speed without relying on the optimiser to reassociate.
enum TrainingKernels {
    /// `Σ a[i]·b[i]` over `count` floats.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ count: Int) -> Float {
        var sum0 = SIMD8<Float>(), sum1 = SIMD8<Float>()
        var index = 0
        // Two accumulators hide the latency of the adds.
        while index &+ 16 <= count {
            sum0 += load(a + index) * load(b + index)
            sum1 += load(a + (index &+ 8)) * load(b + (index &+ 8))
            index &+= 16
        }
        if index &+ 8 <= count {
            sum0 += load(a + index) * load(b + index)
            index &+= 8
        }
        var sum = (sum0 + sum1).sum()
        while index < count {
            sum += a[index] * b[index]
            index &+= 1
        }
        return sum
    }

    /// `y[i] += alpha · x[i]` over `count` floats.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        let scale = SIMD8<Float>(repeating: alpha)
        var index = 0
        while index &+ 8 <= count {
            let sum = load(UnsafePointer(y + index)) + scale * load(x + index)
            UnsafeMutableRawPointer(y + index).storeBytes(of: sum, as: SIMD8<Float>.self)
            index &+= 8
        }
        while index < count {
            y[index] += alpha * x[index]
            index &+= 1
        }
    }

    @inline(__always)
    private static func load(_ pointer: UnsafePointer<Float>) -> SIMD8<Float> {
        UnsafeRawPointer(pointer).loadUnaligned(as: SIMD8<Float>.self)
    }
}

/// Where a convolution window of an NHWC input lands: TensorFlow's SAME or VALID arithmetic, with strides
/// and dilation.
struct WindowGeometry {
    let batch: Int, inputHeight: Int, inputWidth: Int
    let outputHeight: Int, outputWidth: Int
    let kernelHeight: Int, kernelWidth: Int
    let strides: (Int, Int), dilation: (Int, Int)
    let padTop: Int, padLeft: Int

    init(layer: String, input shape: [Int], kernel: (Int, Int), strides: (Int, Int), dilation: (Int, Int),
         padding: Padding) throws(TrainingError) {
        guard shape.count == 4 else {
            throw .shapeMismatch(layer: layer, expected: [-1, -1, -1, -1], actual: shape)
        }
        batch = shape[0]
        inputHeight = shape[1]
        inputWidth = shape[2]
        (kernelHeight, kernelWidth) = kernel
        self.strides = strides
        self.dilation = dilation
        let extentY = (kernel.0 - 1) * dilation.0 + 1, extentX = (kernel.1 - 1) * dilation.1 + 1
        switch padding {
        case .same:
            outputHeight = (inputHeight + strides.0 - 1) / strides.0
            outputWidth = (inputWidth + strides.1 - 1) / strides.1
            // TensorFlow puts the odd pixel of padding at the bottom and right.
            padTop = max((outputHeight - 1) * strides.0 + extentY - inputHeight, 0) / 2
            padLeft = max((outputWidth - 1) * strides.1 + extentX - inputWidth, 0) / 2
        case .valid:
            guard inputHeight >= extentY, inputWidth >= extentX else {
                throw .shapeMismatch(layer: layer, expected: [batch, extentY, extentX, shape[3]], actual: shape)
            }
            outputHeight = (inputHeight - extentY) / strides.0 + 1
            outputWidth = (inputWidth - extentX) / strides.1 + 1
            padTop = 0
            padLeft = 0
        }
    }

    /// Calls `body` for every (output pixel, input pixel, kernel tap) the window covers inside the input;
    /// pixels are indices into N·H·W, taps into kh·kw.
    @inline(__always)
    func forEachTap(_ body: (_ outputPixel: Int, _ inputPixel: Int, _ tap: Int) -> Void) {
        for image in 0..<batch {
            for outY in 0..<outputHeight {
                for outX in 0..<outputWidth {
                    let outputPixel = (image &* outputHeight &+ outY) &* outputWidth &+ outX
                    for tapY in 0..<kernelHeight {
                        let inY = outY &* strides.0 &- padTop &+ tapY &* dilation.0
                        guard inY >= 0, inY < inputHeight else { continue }
                        for tapX in 0..<kernelWidth {
                            let inX = outX &* strides.1 &- padLeft &+ tapX &* dilation.1
                            guard inX >= 0, inX < inputWidth else { continue }
                            body(outputPixel, (image &* inputHeight &+ inY) &* inputWidth &+ inX,
                                 tapY &* kernelWidth &+ tapX)
                        }
                    }
                }
            }
        }
    }
}

/// The activations layers fuse, forward and backward over rows of `channels` values.
enum ActivationMath {
    static func apply(_ activation: Activation, to values: inout [Float], channels: Int) {
        switch activation {
        case .linear:
            break
        case .relu:
            for index in values.indices { values[index] = max(values[index], 0) }
        case .relu6:
            for index in values.indices { values[index] = min(max(values[index], 0), 6) }
        case .sigmoid:
            for index in values.indices { values[index] = 1 / (1 + exp(-values[index])) }
        case .softmax:
            for row in stride(from: 0, to: values.count, by: max(channels, 1)) {
                let range = row..<(row + channels)
                let peak = values[range].max() ?? 0
                var total: Float = 0
                for index in range {
                    values[index] = exp(values[index] - peak)
                    total += values[index]
                }
                for index in range { values[index] /= total }
            }
        }
    }

    /// Turns the gradient at the activation's output into the gradient at its input, from the output.
    static func backpropagate(_ activation: Activation, output: [Float], gradient: inout [Float], channels: Int) {
        switch activation {
        case .linear:
            break
        case .relu:
            for index in gradient.indices where output[index] <= 0 { gradient[index] = 0 }
        case .relu6:
            for index in gradient.indices where output[index] <= 0 || output[index] >= 6 { gradient[index] = 0 }
        case .sigmoid:
            for index in gradient.indices { gradient[index] *= output[index] * (1 - output[index]) }
        case .softmax:
            for row in stride(from: 0, to: output.count, by: max(channels, 1)) {
                let range = row..<(row + channels)
                var inner: Float = 0
                for index in range { inner += gradient[index] * output[index] }
                for index in range { gradient[index] = output[index] * (gradient[index] - inner) }
            }
        }
    }
}
