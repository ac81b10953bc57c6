import CSSSEngine
import Foundation

/// The oracle for the engine's tests: evaluates a ``ModelGraph`` one layer at a time with direct loops,
/// nothing fused, folded or vectorised, each layer exactly as Keras defines it.
enum ReferenceEvaluator {
    /// The output of every layer for `input` (`[N, H, W, C]`), by layer name.
    static func evaluate(_ graph: ModelGraph, input: Tensor) -> [String: Tensor] {
        var outputs: [String: Tensor] = [:]
        for layer in graph.layers {
            let inputs = layer.inputs.map { outputs[$0]! }
            outputs[layer.name] = evaluate(layer.operation, inputs: inputs, graphInput: input)
        }
        return outputs
    }

    /// The values before the output layer's softmax: a Dense layer's softmax activation left out, or the
    /// input of a softmax Activation layer.
    static func logits(of graph: ModelGraph, input: Tensor) -> Tensor {
        var graph = graph
        let index = graph.layers.firstIndex { $0.name == graph.outputName }!
        switch graph.layers[index].operation {
        case .dense(var dense):
            dense.activation = .linear
            graph.layers[index].operation = .dense(dense)
            return evaluate(graph, input: input)[graph.outputName]!
        default:
            return evaluate(graph, input: input)[graph.layers[index].inputs[0]]!
        }
    }

    private static func evaluate(_ operation: LayerOperation, inputs: [Tensor], graphInput: Tensor) -> Tensor {
        switch operation {
        case .input:
            return graphInput
        case .rescaling(let scale, let offset):
            return map(inputs[0]) { x, _ in x * scale + offset }
        case .normalization(let mean, let variance):
            return map(inputs[0]) { x, c in
                let index = mean.count == 1 ? 0 : c
                return (x - mean[index]) / max(variance[index].squareRoot(), 1e-7)
            }
        case .conv2D(let convolution):
            let output = convolve(inputs[0], kernel: convolution.kernel, bias: convolution.bias,
                                  strides: convolution.strides, dilation: convolution.dilation,
                                  padding: convolution.padding, depthwise: false)
            return activate(output, convolution.activation)
        case .depthwiseConv2D(let convolution):
            let output = convolve(inputs[0], kernel: convolution.kernel, bias: convolution.bias,
                                  strides: convolution.strides, dilation: convolution.dilation,
                                  padding: convolution.padding, depthwise: true)
            return activate(output, convolution.activation)
        case .batchNormalization(let norm):
            return map(inputs[0]) { x, c in
                (x - norm.movingMean[c]) / (norm.movingVariance[c] + norm.epsilon).squareRoot() * norm.gamma[c]
                    + norm.beta[c]
            }
        case .relu(let maxValue, let negativeSlope, let threshold):
            return map(inputs[0]) { x, _ in
                x >= threshold ? min(x, maxValue ?? .infinity) : negativeSlope * (x - threshold)
            }
        case .activation(let activation):
            return activate(inputs[0], activation)
        case .zeroPadding(let top, let bottom, let left, let right):
            return pad(inputs[0], top: top, bottom: bottom, left: left, right: right)
        case .add:
            var sum = inputs[0]
            for operand in inputs.dropFirst() {
                for i in sum.values.indices {
                    sum.values[i] += operand.values[i]
                }
            }
            return sum
        case .globalAveragePooling(let keepDims):
            return averagePool(inputs[0], keepDims: keepDims)
        case .dense(let dense):
            return activate(multiply(inputs[0], dense.kernel, bias: dense.bias), dense.activation)
        case .dropout:
            return inputs[0]
        case .flatten:
            let x = inputs[0]
            return Tensor(shape: [x.shape[0], x.count / x.shape[0]], values: x.values)
        }
    }

    /// Applies `f(value, channel)` to every value, the channel being the index on the last axis.
    private static func map(_ x: Tensor, _ f: (Float, Int) -> Float) -> Tensor {
        let channels = x.shape.last!
        return Tensor(shape: x.shape, values: x.values.enumerated().map { f($1, $0 % channels) })
    }

    private static func activate(_ x: Tensor, _ activation: Activation) -> Tensor {
        switch activation {
        case .linear: return x
        case .relu: return map(x) { v, _ in max(v, 0) }
        case .relu6: return map(x) { v, _ in min(max(v, 0), 6) }
        case .sigmoid: return map(x) { v, _ in 1 / (1 + (-v).exp) }
        case .softmax:
            let classes = x.shape.last!
            var y = x
            for row in 0..<x.count / classes {
                let slice = x.values[row * classes..<(row + 1) * classes]
                let largest = slice.max()!
                let exponentials = slice.map { ($0 - largest).exp }
                let sum = exponentials.reduce(0, +)
                for (i, e) in exponentials.enumerated() {
                    y.values[row * classes + i] = e / sum
                }
            }
            return y
        }
    }

    /// TensorFlow's convolution arithmetic: output size and leading padding along one axis.
    private static func axis(_ size: Int, kernel: Int, stride: Int, dilation: Int, padding: Padding) -> (Int, Int) {
        let span = (kernel - 1) * dilation + 1
        switch padding {
        case .valid:
            return ((size - span) / stride + 1, 0)
        case .same:
            let output = (size + stride - 1) / stride
            return (output, max((output - 1) * stride + span - size, 0) / 2)
        }
    }

    /// A Conv2D (HWIO kernel) or DepthwiseConv2D (`(kh, kw, in, multiplier)` kernel).
    private static func convolve(_ x: Tensor, kernel: Tensor, bias: Tensor?, strides: (Int, Int),
                                 dilation: (Int, Int), padding: Padding, depthwise: Bool) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (kh, kw) = (kernel.shape[0], kernel.shape[1])
        let outChannels = depthwise ? c * kernel.shape[3] : kernel.shape[3]
        let (oh, top) = axis(h, kernel: kh, stride: strides.0, dilation: dilation.0, padding: padding)
        let (ow, left) = axis(w, kernel: kw, stride: strides.1, dilation: dilation.1, padding: padding)
        var y = Tensor(zeros: [n, oh, ow, outChannels])
        for image in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    for oc in 0..<outChannels {
                        var sum: Float = bias?.values[oc] ?? 0
                        for ky in 0..<kh {
                            for kx in 0..<kw {
                                let iy = oy * strides.0 - top + ky * dilation.0
                                let ix = ox * strides.1 - left + kx * dilation.1
                                guard iy >= 0, iy < h, ix >= 0, ix < w else { continue }
                                let pixel = ((image * h + iy) * w + ix) * c
                                if depthwise {
                                    let ic = oc / kernel.shape[3]
                                    sum += x.values[pixel + ic] * kernel.values[(ky * kw + kx) * outChannels + oc]
                                } else {
                                    for ic in 0..<c {
                                        sum += x.values[pixel + ic]
                                            * kernel.values[((ky * kw + kx) * c + ic) * outChannels + oc]
                                    }
                                }
                            }
                        }
                        y.values[((image * oh + oy) * ow + ox) * outChannels + oc] = sum
                    }
                }
            }
        }
        return y
    }

    private static func pad(_ x: Tensor, top: Int, bottom: Int, left: Int, right: Int) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (h + top + bottom, w + left + right)
        var y = Tensor(zeros: [n, oh, ow, c])
        for image in 0..<n {
            for iy in 0..<h {
                for ix in 0..<w {
                    for ch in 0..<c {
                        y.values[((image * oh + iy + top) * ow + ix + left) * c + ch] = x.values[((image * h + iy) * w + ix) * c + ch]
                    }
                }
            }
        }
        return y
    }

    private static func averagePool(_ x: Tensor, keepDims: Bool) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var y = Tensor(zeros: keepDims ? [n, 1, 1, c] : [n, c])
        for image in 0..<n {
            for ch in 0..<c {
                var sum: Float = 0
                for pixel in 0..<h * w {
                    sum += x.values[(image * h * w + pixel) * c + ch]
                }
                y.values[image * c + ch] = sum / Float(h * w)
            }
        }
        return y
    }

    /// A Dense layer: `x · kernel + bias` over the last axis.
    private static func multiply(_ x: Tensor, _ kernel: Tensor, bias: Tensor?) -> Tensor {
        let (inputs, units) = (kernel.shape[0], kernel.shape[1])
        let rows = x.count / inputs
        var y = Tensor(zeros: Array(x.shape.dropLast()) + [units])
        for row in 0..<rows {
            for unit in 0..<units {
                var sum: Float = bias?.values[unit] ?? 0
                for i in 0..<inputs {
                    sum += x.values[row * inputs + i] * kernel.values[i * units + unit]
                }
                y.values[row * units + unit] = sum
            }
        }
        return y
    }
}

private extension Float {
    var exp: Float { Float(Foundation.exp(Double(self))) }
}
