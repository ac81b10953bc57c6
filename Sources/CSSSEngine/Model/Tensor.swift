/// A dense float32 array with a shape, stored row-major (last axis fastest).
///
/// Activations are NHWC; convolution kernels keep Keras's layouts (`Conv2D` HWIO, `DepthwiseConv2D`
/// `(kh, kw, in, multiplier)`, `Dense` `(in, out)`), so weights read from a file need no reordering to be
/// compared with it.
public struct Tensor: Sendable, Equatable {
    /// The extent of each axis.
    public var shape: [Int]
    /// The values, row-major; `values.count == shape.reduce(1, *)`.
    public var values: [Float]

    /// Creates a tensor from values laid out row-major for `shape`.
    ///
    /// - Precondition: `values.count` equals the product of `shape`.
    public init(shape: [Int], values: [Float]) {
        precondition(values.count == shape.reduce(1, *), "\(values.count) values do not fill shape \(shape)")
        self.shape = shape
        self.values = values
    }

    /// Creates a zero-filled tensor.
    public init(zeros shape: [Int]) {
        self.init(shape: shape, values: [Float](repeating: 0, count: shape.reduce(1, *)))
    }

    /// The number of values.
    public var count: Int { values.count }
}
