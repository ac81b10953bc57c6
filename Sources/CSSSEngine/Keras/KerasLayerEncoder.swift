import Foundation

/// One ``Layer`` as a Keras 2 legacy `.h5` file holds it: its entry in the model config's `layers` and
/// its weights, named and ordered as Keras lists them in `weight_names`.
struct KerasLayerRecord {
    /// `{"class_name", "config", "name", "inbound_nodes", …}`, ready for `JSONSerialization`.
    let entry: [String: Any]
    /// `(name, tensor)` in Keras's variable order (trainable first), the name as in `weight_names`:
    /// `Conv1/kernel:0`.
    let weights: [(name: String, tensor: Tensor)]
}

/// Turns layers into what `tf.keras` 2.x writes for them, with the config keys its `get_config()`
/// produces, so that Keras 2 (and CSSS's own loader) rebuild the same layer.
///
/// What a ``ModelGraph`` does not keep is written as Keras's default: trainable, float32, Glorot/zero
/// initialisers, BatchNormalization momentum 0.99 with `center` and `scale` on (a layer built without
/// them has gamma all ones or beta all zeros, which is what is stored).
struct KerasLayerEncoder {
    let layer: Layer

    func encode() throws(KerasModelWriteError) -> KerasLayerRecord {
        let (className, settings, weights) = try describe()
        var config: [String: Any] = ["name": layer.name, "dtype": "float32"]
        // Keras 2's InputLayer rejects the arguments other layers take, `trainable` among them.
        if className != "InputLayer" { config["trainable"] = true }
        config.merge(settings) { _, new in new }
        let inbound: [Any] = layer.inputs.isEmpty ? [] : [layer.inputs.map { [$0, 0, 0, [String: Any]()] as [Any] }]
        let entry: [String: Any] = ["module": "keras.layers", "class_name": className, "config": config,
                                    "registered_name": NSNull(), "name": layer.name, "inbound_nodes": inbound]
        return KerasLayerRecord(entry: entry, weights: weights.map { ("\(layer.name)/\($0.name):0", $0.tensor) })
    }

    private typealias Description = (className: String, config: [String: Any], weights: [(name: String, tensor: Tensor)])

    private func describe() throws(KerasModelWriteError) -> Description {
        switch layer.operation {
        case .input(let height, let width, let channels):
            let shape: [Any] = [NSNull()] + [height, width, channels].map { value -> Any in value.map { $0 as Any } ?? NSNull() }
            return ("InputLayer", ["batch_input_shape": shape, "sparse": false, "ragged": false], [])
        case .rescaling(let scale, let offset):
            return ("Rescaling", ["scale": try number(scale), "offset": try number(offset)], [])
        case .normalization(let mean, let variance):
            // Given in the config, Keras 2 builds no weights for it and uses these values as they are.
            let config: [String: Any] = ["axis": [-1], "invert": false,
                                         "mean": try mean.map(number), "variance": try variance.map(number)]
            return ("Normalization", config, [])
        case .conv2D(let convolution):
            return convolutionDescription(convolution)
        case .depthwiseConv2D(let convolution):
            return depthwiseDescription(convolution)
        case .batchNormalization(let normalization):
            return try batchNormalizationDescription(normalization)
        case .relu(let maxValue, let negativeSlope, let threshold):
            let config: [String: Any] = ["max_value": try maxValue.map(number) ?? NSNull(),
                                         "negative_slope": try number(negativeSlope), "threshold": try number(threshold)]
            return ("ReLU", config, [])
        case .activation(let activation):
            return ("Activation", ["activation": activation.rawValue], [])
        case .zeroPadding(let top, let bottom, let left, let right):
            return ("ZeroPadding2D", ["padding": [[top, bottom], [left, right]], "data_format": "channels_last"], [])
        case .add:
            return ("Add", [:], [])
        case .globalAveragePooling(let keepDims):
            return ("GlobalAveragePooling2D", ["data_format": "channels_last", "keepdims": keepDims], [])
        case .dense(let dense):
            let config: [String: Any] = ["units": dense.kernel.shape.last ?? 0, "activation": dense.activation.rawValue,
                                         "use_bias": dense.bias != nil]
                .merging(Self.initializers(kernel: "kernel")) { old, _ in old }
            return ("Dense", config, [("kernel", dense.kernel)] + (dense.bias.map { [("bias", $0)] } ?? []))
        case .dropout(let rate):
            return ("Dropout", ["rate": try number(rate), "noise_shape": NSNull(), "seed": NSNull()], [])
        case .flatten:
            return ("Flatten", ["data_format": "channels_last"], [])
        }
    }

    private func convolutionDescription(_ convolution: Convolution) -> Description {
        let kernel = convolution.kernel
        var config = Self.window(kernel: kernel, strides: convolution.strides, padding: convolution.padding,
                                 dilation: convolution.dilation, activation: convolution.activation, useBias: convolution.bias != nil)
        config["filters"] = kernel.shape.last ?? 0
        config["groups"] = 1
        config.merge(Self.initializers(kernel: "kernel")) { old, _ in old }
        return ("Conv2D", config, [("kernel", kernel)] + (convolution.bias.map { [("bias", $0)] } ?? []))
    }

    private func depthwiseDescription(_ convolution: DepthwiseConvolution) -> Description {
        let kernel = convolution.kernel
        var config = Self.window(kernel: kernel, strides: convolution.strides, padding: convolution.padding,
                                 dilation: convolution.dilation, activation: convolution.activation, useBias: convolution.bias != nil)
        config["depth_multiplier"] = kernel.shape.last ?? 1
        config.merge(Self.initializers(kernel: "depthwise")) { old, _ in old }
        // Keras 2 names a depthwise kernel `depthwise_kernel`.
        return ("DepthwiseConv2D", config, [("depthwise_kernel", kernel)] + (convolution.bias.map { [("bias", $0)] } ?? []))
    }

    private func batchNormalizationDescription(_ normalization: BatchNormalization) throws(KerasModelWriteError) -> Description {
        let channels = normalization.movingMean.count
        guard [normalization.gamma, normalization.beta, normalization.movingVariance].allSatisfy({ $0.count == channels }) else {
            throw .unsupportedGraph(layer: layer.name, reason: "its gamma, beta, mean and variance differ in length")
        }
        // `-1` rather than Keras 2's `[3]`: both Keras 2 and Keras 3 read it, and it holds for any input rank.
        var config: [String: Any] = ["axis": -1, "momentum": 0.99, "epsilon": try number(normalization.epsilon),
                                     "center": true, "scale": true]
        for (key, initializer) in [("beta", "Zeros"), ("gamma", "Ones"), ("moving_mean", "Zeros"), ("moving_variance", "Ones")] {
            config["\(key)_initializer"] = Self.initializer(initializer)
        }
        for key in ["beta_regularizer", "gamma_regularizer", "beta_constraint", "gamma_constraint"] {
            config[key] = NSNull()
        }
        let vector = { (values: [Float]) in Tensor(shape: [channels], values: values) }
        return ("BatchNormalization", config, [("gamma", vector(normalization.gamma)), ("beta", vector(normalization.beta)),
                                               ("moving_mean", vector(normalization.movingMean)),
                                               ("moving_variance", vector(normalization.movingVariance))])
    }

    /// The settings Conv2D and DepthwiseConv2D share. (Only Conv2D gets `groups`: Keras 3 rejects it for
    /// DepthwiseConv2D, and Keras 2 does not need it.)
    private static func window(kernel: Tensor, strides: (Int, Int), padding: Padding, dilation: (Int, Int),
                               activation: Activation, useBias: Bool) -> [String: Any] {
        ["kernel_size": Array(kernel.shape.prefix(2)), "strides": [strides.0, strides.1], "padding": padding.rawValue,
         "data_format": "channels_last", "dilation_rate": [dilation.0, dilation.1],
         "activation": activation.rawValue, "use_bias": useBias, "activity_regularizer": NSNull()]
    }

    /// Keras's default initialisers, regularisers and constraints for a kernel called `kernel` (or
    /// `depthwise`) and its bias.
    private static func initializers(kernel: String) -> [String: Any] {
        ["\(kernel)_initializer": initializer("GlorotUniform", config: ["seed": NSNull()]),
         "bias_initializer": initializer("Zeros"),
         "\(kernel)_regularizer": NSNull(), "bias_regularizer": NSNull(),
         "\(kernel)_constraint": NSNull(), "bias_constraint": NSNull()]
    }

    private static func initializer(_ className: String, config: [String: Any] = [:]) -> [String: Any] {
        ["module": "keras.initializers", "class_name": className, "config": config, "registered_name": NSNull()]
    }

    /// A float as JSON: the shortest decimal that reads back as the same float (`0.001`, not
    /// `0.0010000000474974513`).
    private func number(_ value: Float) throws(KerasModelWriteError) -> Double {
        guard value.isFinite, let decimal = Double(value.description) else {
            throw .unsupportedGraph(layer: layer.name, reason: "it holds the setting \(value), which JSON cannot express")
        }
        return decimal
    }
}
