/// The range a kernel's epilogue clamps its results to: how ReLU and ReLU6 ride along with the
/// convolution before them instead of taking a pass over memory of their own.
struct Clamp: Equatable, Sendable {
    var lower: Float
    var upper: Float

    /// No clamping.
    static let identity = Clamp(lower: -.infinity, upper: .infinity)

    /// The clamp an activation amounts to, or `nil` for one that is not a clamp (sigmoid, softmax).
    init?(_ activation: Activation) {
        switch activation {
        case .linear: self = .identity
        case .relu: self.init(lower: 0, upper: .infinity)
        case .relu6: self.init(lower: 0, upper: 6)
        case .softmax, .sigmoid: return nil
        }
    }

    /// The clamp a Keras `ReLU` layer amounts to, or `nil` when it has a slope or threshold.
    init?(maxValue: Float?, negativeSlope: Float, threshold: Float) {
        guard negativeSlope == 0, threshold == 0 else { return nil }
        self.init(lower: 0, upper: maxValue ?? .infinity)
    }

    init(lower: Float, upper: Float) {
        self.lower = lower
        self.upper = upper
    }
}
