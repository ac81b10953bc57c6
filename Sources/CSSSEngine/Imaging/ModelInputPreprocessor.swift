/// How 8-bit samples become a model's input floats.
public enum InputScaling: Sendable, Equatable {
    /// `v / 127.5 − 1` in float32, division first, into [−1, 1]: Keras's
    /// `mobilenet_v2.preprocess_input`, bit-identical to it (and to numpy float32).
    case mobileNet
    /// The sample values 0…255 as floats, for models whose first layer rescales (`Rescaling`, `Normalization`).
    case raw

    /// The float for every sample value; a table both because it is faster than arithmetic per sample and
    /// because it fixes the float32 operation order once.
    fileprivate var table: [Float] {
        switch self {
        case .mobileNet: Self.mobileNetTable
        case .raw: Self.rawTable
        }
    }

    private static let mobileNetTable: [Float] = (0...255).map { Float($0) / Float(127.5) - Float(1) }
    private static let rawTable: [Float] = (0...255).map { Float($0) }
}

/// Turns an ``Image`` into the NHWC float32 input of a Keras image model of input shape (height, width, 3),
/// exactly as the Python pipeline the models were trained with:
///
/// 1. `image.convert("RGB")`: 8 bits, gray replicated to R = G = B.
/// 2. `image.resize((width, height), Image.BICUBIC)`: the whole image stretched, aspect ratio not kept,
///    no crop or padding (``BicubicResizer``).
/// 3. Scaled by ``InputScaling``; channels R, G, B.
///
/// A gray image is resized as one channel and then replicated, which gives the same values (channels are
/// resized independently) for a third of the work.
///
/// ```swift
/// let preprocessor = ModelInputPreprocessor(width: 160, height: 160)
/// let input = preprocessor.tensor(for: try Image(contentsOf: scanURL))   // [1, 160, 160, 3]
/// ```
public struct ModelInputPreprocessor: Sendable {
    /// The model's input width in pixels.
    public let width: Int
    /// The model's input height in pixels.
    public let height: Int
    /// How samples become floats.
    public let scaling: InputScaling

    /// A preprocessor for a model whose input is `height × width × 3`.
    ///
    /// - Precondition: `width` and `height` are positive.
    public init(width: Int, height: Int, scaling: InputScaling = .mobileNet) {
        precondition(width > 0 && height > 0, "a model input needs a positive size, not \(width)×\(height)")
        self.width = width
        self.height = height
        self.scaling = scaling
    }

    /// The number of floats one image fills: `height × width × 3`.
    public var valueCount: Int { height * width * 3 }

    /// Writes the model input for `image` into `slot`, for example one image's slot of a batch.
    ///
    /// The resize weights are computed for the image's size on each call (tens of microseconds).
    ///
    /// - Precondition: `slot.count == valueCount`.
    public func write(_ image: Image, into slot: UnsafeMutableBufferPointer<Float>) {
        precondition(slot.count == valueCount, "a slot of \(slot.count) floats for a \(height)×\(width)×3 input")
        let resizer = BicubicResizer(width: image.width, height: image.height, outputWidth: width, outputHeight: height)
        let resized = resizer.resize(image).bytes()
        scaling.table.withUnsafeBufferPointer { table in
            resized.withUnsafeBufferPointer { resized in
                if image.colorModel == .gray {
                    for pixel in 0..<resized.count {
                        let value = table[Int(resized[pixel])]
                        slot[3 &* pixel] = value
                        slot[3 &* pixel &+ 1] = value
                        slot[3 &* pixel &+ 2] = value
                    }
                } else {
                    for index in 0..<resized.count {
                        slot[index] = table[Int(resized[index])]
                    }
                }
            }
        }
    }

    /// The model input for `image` as a tensor of shape `[1, height, width, 3]`.
    public func tensor(for image: Image) -> Tensor {
        let values = [Float](unsafeUninitializedCapacity: valueCount) { buffer, count in
            write(image, into: buffer)
            count = buffer.count
        }
        return Tensor(shape: [1, height, width, 3], values: values)
    }
}
