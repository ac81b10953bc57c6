/// Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit images, bit for bit.
///
/// Models trained on Pillow-resized scans react to single grey-level differences, so this follows
/// Pillow's `Resample.c` exactly rather than textbook bicubic interpolation: an antialiased separable
/// convolution (see ``BicubicWeights``) in 22-bit fixed point, the horizontal pass first into an 8-bit
/// intermediate image, then the vertical pass; a pass is skipped when its axis keeps its size. Each
/// output sample is `clamp((2^21 + Σ input × weight) >> 22, 0, 255)`. Channels are independent, so a
/// gray image resized and then replicated to RGB equals the RGB image resized.
///
/// Pillow 13 sometimes runs the vertical pass first for images scaled down much more in height than in
/// width (python-pillow/Pillow#9549), which moves some pixels by a few levels; this always matches
/// Pillow ≤ 12 and matches Pillow 13 on landscape images such as the reference X-rays.
///
/// The weights are computed once, at initialisation; hold a resizer to resize many images of one size.
public struct BicubicResizer: Sendable {
    /// The input width and height in pixels.
    public let inputSize: (width: Int, height: Int)
    /// The output width and height in pixels.
    public let outputSize: (width: Int, height: Int)
    private let horizontal: BicubicWeights
    private let vertical: BicubicWeights

    /// Prepares the resize of `width × height` images to `outputWidth × outputHeight`.
    ///
    /// - Precondition: all sizes are positive.
    public init(width: Int, height: Int, outputWidth: Int, outputHeight: Int) {
        inputSize = (width, height)
        outputSize = (outputWidth, outputHeight)
        horizontal = BicubicWeights(inputSize: width, outputSize: outputWidth)
        vertical = BicubicWeights(inputSize: height, outputSize: outputHeight)
    }

    /// Resizes an 8-bit image with `channels` interleaved samples a pixel into `output`.
    ///
    /// - Precondition: `input` holds `width × height × channels` samples and `output` room for
    ///   `outputWidth × outputHeight × channels`.
    /// - Complexity: O(height × outputWidth × horizontal taps + outputHeight × outputWidth × vertical taps)
    ///   per channel, where taps ≈ 4 × max(1, input / output) along that axis.
    public func resize(_ input: UnsafeBufferPointer<UInt8>, channels: Int, into output: UnsafeMutableBufferPointer<UInt8>) {
        precondition(channels > 0)
        precondition(input.count == inputSize.width * inputSize.height * channels, "input does not hold \(inputSize) pixels")
        precondition(output.count == outputSize.width * outputSize.height * channels, "output does not hold \(outputSize) pixels")
        guard channels > 1 else {
            resizePlane(input, into: output)
            return
        }
        // Each channel is resized as a plane of its own, so that both passes read contiguous samples; the
        // values are the same, since channels are independent.
        let plane = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: inputSize.width * inputSize.height)
        let resizedPlane = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: outputSize.width * outputSize.height)
        defer {
            plane.deallocate()
            resizedPlane.deallocate()
        }
        for channel in 0..<channels {
            for index in 0..<plane.count { plane[index] = input[index &* channels &+ channel] }
            resizePlane(UnsafeBufferPointer(plane), into: resizedPlane)
            for index in 0..<resizedPlane.count { output[index &* channels &+ channel] = resizedPlane[index] }
        }
    }

    /// Resizes one channel: the horizontal pass into an intermediate image, then the vertical pass.
    private func resizePlane(_ input: UnsafeBufferPointer<UInt8>, into output: UnsafeMutableBufferPointer<UInt8>) {
        switch (outputSize.width != inputSize.width, outputSize.height != inputSize.height) {
        case (false, false):
            _ = output.initialize(from: input)
        case (false, true):
            Self.resizeColumns(input, weights: vertical, into: output)
        case (true, false):
            Self.resizeRows(input, weights: horizontal, into: output)
        case (true, true):
            let intermediate = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: inputSize.height * outputSize.width)
            defer { intermediate.deallocate() }
            Self.resizeRows(input, weights: horizontal, into: intermediate)
            Self.resizeColumns(UnsafeBufferPointer(intermediate), weights: vertical, into: output)
        }
    }

    /// The resized 8-bit image, in `image`'s colour model (16-bit samples first reduced to their high byte).
    ///
    /// - Precondition: `image` is `inputSize`.
    public func resize(_ image: Image) -> Image {
        precondition(image.width == inputSize.width && image.height == inputSize.height,
                     "a \(image.width)×\(image.height) image given to a resizer for \(inputSize)")
        let channels = image.colorModel.channelCount
        let samples = image.bytes()
        let resized = [UInt8](unsafeUninitializedCapacity: outputSize.width * outputSize.height * channels) { buffer, count in
            samples.withUnsafeBufferPointer { resize($0, channels: channels, into: buffer) }
            count = buffer.count
        }
        return Image(width: outputSize.width, height: outputSize.height, colorModel: image.colorModel, samples: .uint8(resized))
    }

    private static let half: Int32 = 1 << (BicubicWeights.precisionBits - 1)

    @inline(__always)
    private static func clip(_ sum: Int32) -> UInt8 {
        UInt8(clamping: sum >> Int32(BicubicWeights.precisionBits))
    }

    /// The horizontal pass: every row of `input` to `weights.outputSize` samples.
    private static func resizeRows(_ input: UnsafeBufferPointer<UInt8>, weights: BicubicWeights,
                                   into output: UnsafeMutableBufferPointer<UInt8>) {
        let rows = input.count / weights.inputSize
        weights.weights.withUnsafeBufferPointer { kernel in
            for row in 0..<rows {
                let source = input.baseAddress! + row &* weights.inputSize
                let target = output.baseAddress! + row &* weights.outputSize
                for column in 0..<weights.outputSize {
                    let taps = kernel.baseAddress! + column &* weights.stride
                    let first = source + weights.firstInput[column]
                    var sum = half
                    for tap in 0..<weights.inputCount[column] {
                        sum &+= Int32(first[tap]) &* taps[tap]
                    }
                    target[column] = clip(sum)
                }
            }
        }
    }

    /// The vertical pass: `weights.outputSize` rows, each a weighted sum of whole input rows, accumulated
    /// a row at a time so that the inner loop runs along contiguous memory and vectorises.
    private static func resizeColumns(_ input: UnsafeBufferPointer<UInt8>, weights: BicubicWeights,
                                      into output: UnsafeMutableBufferPointer<UInt8>) {
        let rowLength = input.count / weights.inputSize
        let sums = UnsafeMutableBufferPointer<Int32>.allocate(capacity: rowLength)
        defer { sums.deallocate() }
        weights.weights.withUnsafeBufferPointer { kernel in
            for row in 0..<weights.outputSize {
                sums.update(repeating: half)
                let first = weights.firstInput[row]
                for tap in 0..<weights.inputCount[row] {
                    let weight = kernel[row &* weights.stride &+ tap]
                    let source = input.baseAddress! + (first &+ tap) &* rowLength
                    for index in 0..<rowLength {
                        sums[index] &+= Int32(source[index]) &* weight
                    }
                }
                let target = output.baseAddress! + row &* rowLength
                for index in 0..<rowLength {
                    target[index] = clip(sums[index])
                }
            }
        }
    }
}

extension Image {
    /// This image resized to `width × height` with Pillow's BICUBIC filter (``BicubicResizer``): Pillow's
    /// `image.resize((width, height), Image.BICUBIC)`, 8 bits a sample, in the same colour model.
    public func resizedBicubic(width: Int, height: Int) -> Image {
        BicubicResizer(width: self.width, height: self.height, outputWidth: width, outputHeight: height).resize(self)
    }
}
