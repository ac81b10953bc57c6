extension ModelGraph {
    /// The graph up to and including `layer`, with a new classification head as Keras builds one for
    /// transfer learning: `GlobalAveragePooling2D → Dense(hidden, relu) → Dropout(dropout) →
    /// Dense(classes, softmax)`, named `global_average_pooling2d`, `dense`, `dropout` and `dense_1`.
    ///
    /// The Dense kernels are Glorot-uniform from `seed` (the same seed gives the same weights), the biases
    /// zero. Layers after `layer` are dropped.
    ///
    /// - Throws: ``TrainingError/unknownLayer(_:)`` when the graph has no `layer`, or when its channel count
    ///   cannot be worked out from the layers before it.
    public func replacingHead(after layer: String, hidden: Int = 256, classes: Int, dropout: Float = 0.5,
                              seed: UInt64) throws(TrainingError) -> ModelGraph {
        guard let end = layers.firstIndex(where: { $0.name == layer }) else { throw .unknownLayer(layer) }
        guard let features = channels(of: layer) else { throw .unknownLayer(layer) }
        var random = SplitMix64(seed: seed)
        func glorot(_ fanIn: Int, _ fanOut: Int) -> Tensor {
            let limit = (6 / Float(fanIn + fanOut)).squareRoot()
            return Tensor(shape: [fanIn, fanOut],
                          values: (0..<fanIn * fanOut).map { _ in (random.unit() * 2 - 1) * limit })
        }
        var head = Array(layers[...end])
        head.append(Layer(name: "global_average_pooling2d", operation: .globalAveragePooling(keepDims: false),
                          inputs: [layer]))
        head.append(Layer(name: "dense", operation: .dense(DenseLayer(
            kernel: glorot(features, hidden), bias: Tensor(zeros: [hidden]), activation: .relu)),
                          inputs: ["global_average_pooling2d"]))
        head.append(Layer(name: "dropout", operation: .dropout(rate: dropout), inputs: ["dense"]))
        head.append(Layer(name: "dense_1", operation: .dense(DenseLayer(
            kernel: glorot(hidden, classes), bias: Tensor(zeros: [classes]), activation: .softmax)),
                          inputs: ["dropout"]))
        return ModelGraph(name: name, layers: head, outputName: "dense_1")
    }

    /// The channel count of `name`'s output, from the nearest layer before it that sets one.
    func channels(of name: String) -> Int? {
        guard let layer = self.layer(named: name) else { return nil }
        switch layer.operation {
        case .input(_, _, let channels):
            return channels
        case .conv2D(let convolution):
            return convolution.kernel.shape[3]
        case .depthwiseConv2D(let convolution):
            return convolution.kernel.shape[2] * convolution.kernel.shape[3]
        case .batchNormalization(let normalization):
            return normalization.gamma.count
        case .dense(let dense):
            return dense.kernel.shape[1]
        case .flatten:
            return nil
        default:
            return layer.inputs.first.flatMap { channels(of: $0) }
        }
    }
}
