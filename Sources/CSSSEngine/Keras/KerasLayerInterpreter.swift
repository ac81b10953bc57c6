/// Turns one Keras layer of a config into a ``LayerOperation`` with its weights, and works out the
/// shape of its output so the next layer knows how many channels reach it.
///
/// Shapes leave out the batch axis: `[height, width, channels]` for images, `[features]` after
/// pooling; an extent is `nil` where the model leaves it open.
struct KerasLayerInterpreter {
    let spec: KerasLayerSpec
    /// The shapes of the layer's inputs, in order.
    let inputShapes: [[Int?]]
    /// Reads the layer's weights, given in its variable order, and checks their shapes.
    let loadWeights: ([KerasWeightRequest]) throws -> [Tensor]

    private var config: KerasLayerConfig { spec.config }

    func interpret() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        switch spec.className {
        case "Rescaling":
            let input = try singleInput()
            let scale = try config.float("scale"), offset = try config.float("offset", default: 0)
            return (.rescaling(scale: scale, offset: offset), input)
        case "Normalization":
            return try normalization()
        case "Conv2D":
            return try convolution()
        case "DepthwiseConv2D":
            return try depthwiseConvolution()
        case "BatchNormalization":
            return try batchNormalization()
        case "ReLU":
            let input = try singleInput()
            let relu = LayerOperation.relu(maxValue: try config.optionalFloat("max_value"),
                                           negativeSlope: try config.float("negative_slope", default: 0),
                                           threshold: try config.float("threshold", default: 0))
            return (relu, input)
        case "Activation":
            let input = try singleInput()
            return (.activation(try config.activation()), input)
        case "ZeroPadding2D":
            return try zeroPadding()
        case "Add":
            return try add()
        case "GlobalAveragePooling2D":
            let input = try imageInput()
            try config.requireChannelsLast()
            let keepDims = try config.bool("keepdims", default: false)
            return (.globalAveragePooling(keepDims: keepDims), keepDims ? [1, 1, input[2]] : [input[2]])
        case "Dense":
            return try dense()
        case "Dropout":
            return (.dropout(rate: try config.float("rate", default: 0.5)), try singleInput())
        case "Flatten":
            let input = try singleInput()
            try config.requireChannelsLast()
            return (.flatten, [try flattenedCount(input)])
        default:
            throw KerasModelError.unsupportedLayer(layer: spec.name, className: spec.className)
        }
    }

    // MARK: - Layers with weights

    private func convolution() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try imageInput()
        try config.requireChannelsLast()
        let groups = config.has("groups") ? try config.int("groups") : 1
        guard groups == 1 else { throw config.unsupported("groups is \(groups); only 1 is supported") }
        let filters = try config.int("filters")
        let window = try Window(config)
        let useBias = try config.bool("use_bias", default: true)
        var requests = [KerasWeightRequest(name: "kernel", shape: [window.kernel.0, window.kernel.1, input[2], filters])]
        if useBias { requests.append(KerasWeightRequest(name: "bias", shape: [filters])) }
        let weights = try loadWeights(requests)
        let convolution = Convolution(kernel: weights[0], bias: useBias ? weights[1] : nil, strides: window.strides,
                                      padding: window.padding, dilation: window.dilation, activation: try config.activation())
        return (.conv2D(convolution), try window.outputShape(of: input, channels: filters))
    }

    private func depthwiseConvolution() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try imageInput()
        try config.requireChannelsLast()
        let multiplier = config.has("depth_multiplier") ? try config.int("depth_multiplier") : 1
        let window = try Window(config)
        let useBias = try config.bool("use_bias", default: true)
        var requests = [KerasWeightRequest(name: "kernel", shape: [window.kernel.0, window.kernel.1, input[2], multiplier])]
        if useBias { requests.append(KerasWeightRequest(name: "bias", shape: [input[2].map { $0 * multiplier }])) }
        let weights = try loadWeights(requests)
        // The kernel fixes the channel count where the model leaves it open.
        let channels = weights[0].shape[2] * multiplier
        let bias = useBias ? weights[1] : nil
        let convolution = DepthwiseConvolution(kernel: weights[0], bias: bias, strides: window.strides, padding: window.padding,
                                               dilation: window.dilation, activation: try config.activation())
        return (.depthwiseConv2D(convolution), try window.outputShape(of: input, channels: channels))
    }

    private func batchNormalization() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try singleInput()
        let axis = try config.axis("axis", default: -1)
        // Keras counts axes with the batch axis, which `input` leaves out.
        guard axis == -1 || axis == input.count else {
            throw config.unsupported("axis is \(axis); only the last (channel) axis is supported")
        }
        let scale = try config.bool("scale", default: true), center = try config.bool("center", default: true)
        let channels = input.last ?? nil
        let names = (scale ? ["gamma"] : []) + (center ? ["beta"] : []) + ["moving_mean", "moving_variance"]
        var weights = try loadWeights(names.map { KerasWeightRequest(name: $0, shape: [channels]) })
        let count = weights[0].count
        let gamma = scale ? weights.removeFirst().values : [Float](repeating: 1, count: count)
        let beta = center ? weights.removeFirst().values : [Float](repeating: 0, count: count)
        let epsilon = try config.float("epsilon", default: 1e-3)
        let normalization = BatchNormalization(gamma: gamma, beta: beta, movingMean: weights[0].values,
                                               movingVariance: weights[1].values, epsilon: epsilon)
        return (.batchNormalization(normalization), input)
    }

    private func dense() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try singleInput()
        guard let features = input.last else { throw config.unsupported("it has no input features") }
        let units = try config.int("units")
        let useBias = try config.bool("use_bias", default: true)
        var requests = [KerasWeightRequest(name: "kernel", shape: [features, units])]
        if useBias { requests.append(KerasWeightRequest(name: "bias", shape: [units])) }
        let weights = try loadWeights(requests)
        let dense = DenseLayer(kernel: weights[0], bias: useBias ? weights[1] : nil, activation: try config.activation())
        return (.dense(dense), input.dropLast() + [units])
    }

    private func normalization() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try singleInput()
        let axis = try config.axis("axis", default: -1)
        guard axis == -1 || axis == input.count else {
            throw config.unsupported("axis is \(axis); only the last (channel) axis is supported")
        }
        guard try !config.bool("invert", default: false) else { throw config.unsupported("invert is true") }
        let channels = input.last ?? nil
        guard config.has("mean") || config.has("variance") else {
            let weights = try loadWeights([KerasWeightRequest(name: "mean", shape: [channels]),
                                           KerasWeightRequest(name: "variance", shape: [channels])])
            return (.normalization(mean: weights[0].values, variance: weights[1].values), input)
        }
        guard let channels else { throw config.unsupported("its input has no known channel count") }
        let mean = try statistic("mean", channels: channels), variance = try statistic("variance", channels: channels)
        return (.normalization(mean: mean, variance: variance), input)
    }

    /// A `Normalization` statistic given in the config: a number for all channels, or one per channel.
    private func statistic(_ key: String, channels: Int) throws -> [Float] {
        let value = config.values[key]
        let numbers = (value as? Double).map { [$0] } ?? flattenedNumbers(value)
        if numbers.count == 1 { return [Float](repeating: Float(numbers[0]), count: channels) }
        guard numbers.count == channels else {
            throw config.unsupported("'\(key)' has \(numbers.count) values for \(channels) channels")
        }
        return numbers.map(Float.init)
    }

    private func flattenedNumbers(_ value: Any?) -> [Double] {
        if let number = value as? Double { return [number] }
        return (value as? [Any] ?? []).flatMap(flattenedNumbers)
    }

    // MARK: - Layers without weights

    private func zeroPadding() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        let input = try imageInput()
        try config.requireChannelsLast()
        let padding: [Int]
        // Keras accepts 1, (1, 2) meaning symmetric per axis, or ((top, bottom), (left, right)).
        if let all = config.values["padding"] as? Int {
            padding = [all, all, all, all]
        } else if let pair = config.values["padding"] as? [Int], pair.count == 2 {
            padding = [pair[0], pair[0], pair[1], pair[1]]
        } else if let pairs = config.values["padding"] as? [[Int]], pairs.count == 2, pairs.allSatisfy({ $0.count == 2 }) {
            padding = pairs[0] + pairs[1]
        } else {
            padding = []
        }
        guard padding.count == 4, padding.allSatisfy(KerasLayerConfig.isExtent) else {
            throw config.unsupported("'padding' is not a size, a pair or a pair of pairs")
        }
        let shape = [input[0].map { $0 + padding[0] + padding[1] }, input[1].map { $0 + padding[2] + padding[3] }, input[2]]
        return (.zeroPadding(top: padding[0], bottom: padding[1], left: padding[2], right: padding[3]), shape)
    }

    private func add() throws -> (operation: LayerOperation, outputShape: [Int?]) {
        guard inputShapes.count >= 2 else { throw config.unsupported("it adds \(inputShapes.count) input; it needs two or more") }
        let shape = try inputShapes.dropFirst().reduce(inputShapes[0]) { merged, next in
            guard merged.count == next.count, zip(merged, next).allSatisfy({ $0 == nil || $1 == nil || $0 == $1 }) else {
                let shapes = "\(KerasModelError.format(merged)) and \(KerasModelError.format(next))"
                throw config.unsupported("its inputs have different shapes \(shapes)")
            }
            return zip(merged, next).map { $0 ?? $1 }
        }
        return (.add, shape)
    }

    /// The number of features `Flatten` makes of a shape; `nil` when an extent is open.
    private func flattenedCount(_ shape: [Int?]) throws -> Int? {
        try shape.reduce(Optional(1)) { product, extent in
            guard let product, let extent else { return nil }
            let (count, overflow) = product.multipliedReportingOverflow(by: extent)
            guard !overflow, count <= KerasLayerConfig.largestExtent else { throw config.unsupported("its output is too large") }
            return count
        }
    }

    // MARK: - Inputs

    private func singleInput() throws -> [Int?] {
        guard inputShapes.count == 1 else { throw config.unsupported("it reads \(inputShapes.count) inputs; it takes one") }
        return inputShapes[0]
    }

    /// The one input, which must be an image (height, width, channels).
    private func imageInput() throws -> [Int?] {
        let input = try singleInput()
        guard input.count == 3 else {
            throw config.unsupported("its input has shape \(KerasModelError.format(input)); it needs height, width and channels")
        }
        return input
    }
}

/// The sliding window of a convolution: kernel size, strides, dilation and padding.
private struct Window {
    let kernel: (Int, Int)
    let strides: (Int, Int)
    let dilation: (Int, Int)
    let padding: Padding
    private let config: KerasLayerConfig

    init(_ config: KerasLayerConfig) throws {
        self.config = config
        kernel = try config.pair("kernel_size")
        strides = try config.pair("strides", default: (1, 1))
        dilation = try config.pair("dilation_rate", default: (1, 1))
        let name = try config.string("padding", default: "valid")
        guard let padding = Padding(rawValue: name) else { throw config.unsupported("padding '\(name)'") }
        self.padding = padding
        guard [kernel.0, kernel.1, strides.0, strides.1, dilation.0, dilation.1].allSatisfy({ $0 > 0 }) else {
            throw config.unsupported("kernel size, strides and dilation must be positive")
        }
    }

    /// The output `[height, width, channels]` for an input image.
    func outputShape(of input: [Int?], channels: Int) throws -> [Int?] {
        let height = try extent(input[0], kernel: kernel.0, stride: strides.0, dilation: dilation.0)
        let width = try extent(input[1], kernel: kernel.1, stride: strides.1, dilation: dilation.1)
        return [height, width, channels]
    }

    private func extent(_ size: Int?, kernel: Int, stride: Int, dilation: Int) throws -> Int? {
        guard let size else { return nil }
        let span = dilation * (kernel - 1) + 1
        let extent = padding == .same ? (size + stride - 1) / stride : (size - span) / stride + 1
        guard size >= (padding == .same ? 1 : span) else {
            throw config.unsupported("a \(size)-pixel input is smaller than its \(span)-pixel window")
        }
        return extent
    }
}
