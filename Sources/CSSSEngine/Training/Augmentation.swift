import Foundation

/// Random changes to a training image, so that the network learns the finding and not the framing:
/// the seed's recipe, as Keras's `ImageDataGenerator` applies it (rotation ±15°, shifts of 10 %,
/// horizontal and vertical flips, zoom 0.9–1.1, brightness 0.8–1.2), with the edges filled from the
/// nearest pixel as Keras's default `fill_mode="nearest"` does.
///
/// It works on the model's input tensor (`[height, width, 3]`, values in `valueRange`, which is
/// `-1...1` for MobileNetV2's scaling); brightness scales the underlying 0…255 intensities.
public struct Augmentation: Sendable, Equatable {
    public var rotationDegrees: Float = 15
    public var shift: Float = 0.1
    public var zoom: ClosedRange<Float> = 0.9...1.1
    public var horizontalFlip = true
    public var verticalFlip = true
    public var brightness: ClosedRange<Float> = 0.8...1.2

    /// The seed's augmentation.
    public init() {}

    /// `image` changed by one random draw from `generator`.
    ///
    /// - Complexity: O(height × width × channels), one bilinear sample per output value.
    public func apply(to image: Tensor, valueRange: ClosedRange<Float> = -1...1, using generator: inout SplitMix64) -> Tensor {
        precondition(image.shape.count == 3, "an augmented image is [height, width, channels]")
        let (height, width, channels) = (image.shape[0], image.shape[1], image.shape[2])
        let angle = generator.uniform(-rotationDegrees...rotationDegrees) * .pi / 180
        let shiftX = generator.uniform(-shift...shift) * Float(width)
        let shiftY = generator.uniform(-shift...shift) * Float(height)
        let scale = generator.uniform(zoom)
        let flipX = horizontalFlip && generator.next() & 1 == 1
        let flipY = verticalFlip && generator.next() & 1 == 1
        let gain = generator.uniform(brightness)

        // Each output pixel reads the source at the inverse transform of its position about the centre.
        let (cx, cy) = (Float(width - 1) / 2, Float(height - 1) / 2)
        let (cosA, sinA) = (cos(angle), sin(angle))
        let span = valueRange.upperBound - valueRange.lowerBound
        var output = [Float](repeating: 0, count: image.values.count)
        image.values.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                for y in 0..<height {
                    for x in 0..<width {
                        let dx = (flipX ? Float(width - 1 - x) : Float(x)) - cx - shiftX
                        let dy = (flipY ? Float(height - 1 - y) : Float(y)) - cy - shiftY
                        let sx = min(max((cosA * dx + sinA * dy) * scale + cx, 0), Float(width - 1))
                        let sy = min(max((-sinA * dx + cosA * dy) * scale + cy, 0), Float(height - 1))
                        let (x0, y0) = (Int(sx), Int(sy))
                        let (x1, y1) = (min(x0 + 1, width - 1), min(y0 + 1, height - 1))
                        let (fx, fy) = (sx - Float(x0), sy - Float(y0))
                        for c in 0..<channels {
                            let top = source[(y0 &* width &+ x0) &* channels &+ c] * (1 - fx) + source[(y0 &* width &+ x1) &* channels &+ c] * fx
                            let bottom = source[(y1 &* width &+ x0) &* channels &+ c] * (1 - fx) + source[(y1 &* width &+ x1) &* channels &+ c] * fx
                            let value = top * (1 - fy) + bottom * fy
                            // Brightness multiplies intensity, which starts at the range's low end.
                            let brightened = (value - valueRange.lowerBound) * gain + valueRange.lowerBound
                            target[(y &* width &+ x) &* channels &+ c] = min(max(brightened, valueRange.lowerBound),
                                                                              valueRange.lowerBound + span)
                        }
                    }
                }
            }
        }
        return Tensor(shape: image.shape, values: output)
    }
}
