/// A Grad-CAM explanation of one class for one image (Selvaraju et al. 2017), at one layer's resolution,
/// with the prediction of the same forward pass.
///
/// Maps are `height × width`, row-major, top row first, at the explained layer's resolution; they are
/// not upsampled to the image.
public struct GradCAMResult: Sendable {
    /// The explained layer.
    public var layer: String
    /// The explained class.
    public var classIndex: Int
    /// That class's score: the pre-softmax logit, or the output where the model has no softmax.
    public var score: Float
    /// `αₖ`: the spatial mean of the score's gradient with respect to channel `k` of the layer's output.
    public var channelWeights: [Float]
    /// `Σₖ αₖ·Aₖ` before the ReLU: the quantity to compare engines on, since ``map`` divides by a maximum
    /// that can be tiny.
    public var linear: [Float]
    /// `ReLU(linear)`.
    public var raw: [Float]
    /// ``raw`` divided by its maximum, in [0, 1]; all zeros when ``isEmpty``.
    public var map: [Float]
    /// Whether no position speaks for the class (``raw`` is all zero), so ``map`` is all zeros rather
    /// than a division by zero.
    public var isEmpty: Bool
    /// The map's height: the layer's output height.
    public var height: Int
    /// The map's width.
    public var width: Int
    /// The forward pass: probabilities, logits, and among ``NetworkOutput/activations`` the explained
    /// layer's output.
    public var prediction: NetworkOutput

    /// Weighs `feature` (`[height, width, channels]`) by the spatial means of `gradient`, its score's
    /// gradient, and normalises the result.
    ///
    /// Both sums run in double precision, as the reference does, so the map's rounding is the float32
    /// inputs' alone.
    init(layer: String, classIndex: Int, score: Float, feature: [Float],
         gradient: UnsafeBufferPointer<Float>, shape: [Int], prediction: NetworkOutput) {
        let (height, width, channels) = (shape[0], shape[1], shape[2])
        let pixels = height * width
        var sums = [Double](repeating: 0, count: channels)
        for pixel in 0..<pixels {
            for k in 0..<channels {
                sums[k] += Double(gradient[pixel * channels + k])
            }
        }
        let weights = sums.map { Float($0 / Double(pixels)) }
        let linear = (0..<pixels).map { pixel in
            Float((0..<channels).reduce(0.0) { $0 + Double(weights[$1]) * Double(feature[pixel * channels + $1]) })
        }
        let raw = linear.map { max($0, 0) }
        let largest = raw.max() ?? 0

        self.layer = layer
        self.classIndex = classIndex
        self.score = score
        channelWeights = weights
        self.linear = linear
        self.raw = raw
        isEmpty = !(largest > 0)
        map = isEmpty ? [Float](repeating: 0, count: pixels) : raw.map { $0 / largest }
        self.height = height
        self.width = width
        self.prediction = prediction
    }
}
