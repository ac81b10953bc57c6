import CSSSEngine
import Crypto
import Foundation

/// Shape, type and statistics of a file's decoded pixels, computed as the DICOM fixtures' reference
/// defines them (`shared/fixtures/dicom/README.md`): all frames, C order, samples last, numpy's dtype
/// name, SHA-256 of the values as little-endian bytes, `mean` in float64.
public struct PixelStatistics: Sendable, Equatable {
    /// numpy's shape: `[rows, columns]`, then `frames` first when there are several, `samples` last for
    /// colour.
    public let shape: [Int]
    /// numpy's `dtype.str` in little-endian: `|u1`, `<i2`, `<u4`…
    public let dtype: String
    /// SHA-256 of the values as little-endian bytes, lower-case hexadecimal.
    public let sha256: String
    /// The smallest value.
    public let minimum: Int
    /// The largest value.
    public let maximum: Int
    /// The mean of all values, summed in float64.
    public let mean: Double

    /// The statistics of every frame of a DICOM file, stored values before any LUT.
    init(frames: [DICOMFrame]) {
        let first = frames[0]
        shape = (frames.count > 1 ? [frames.count] : []) + [first.rows, first.columns]
            + (first.samplesPerPixel > 1 ? [first.samplesPerPixel] : [])
        dtype = Self.dtype(of: first.samples)
        var hash = SHA256()
        for frame in frames { hash.update(data: frame.samples.littleEndianBytes()) }
        sha256 = Self.hex(hash.finalize())
        (minimum, maximum, mean) = Self.summary(frames.map(\.samples.integers))
    }

    /// The statistics of a decoded PNG or JPEG: `[height, width]` or `[height, width, 3]`.
    init(image: Image) {
        shape = [image.height, image.width] + (image.colorModel == .gray ? [] : [3])
        let values: [Int]
        var hash = SHA256()
        switch image.samples {
        case .uint8(let samples):
            dtype = "|u1"
            values = samples.map(Int.init)
            hash.update(data: samples)
        case .uint16(let samples):
            dtype = "<u2"
            values = samples.map(Int.init)
            hash.update(data: samples.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8($0 >> 8)] })
        }
        sha256 = Self.hex(hash.finalize())
        (minimum, maximum, mean) = Self.summary([values])
    }

    /// The statistics as the `"pixels"` object of `csss inspect --json`.
    var json: JSONValue {
        .object([
            ("shape", .array(shape.map(JSONValue.integer))), ("dtype", .string(dtype)), ("sha256", .string(sha256)),
            ("min", .integer(minimum)), ("max", .integer(maximum)), ("mean", .number(mean)),
        ])
    }

    private static func summary(_ parts: [[Int]]) -> (Int, Int, Double) {
        var minimum = Int.max, maximum = Int.min, sum = 0.0, count = 0
        for part in parts {
            for value in part {
                minimum = min(minimum, value)
                maximum = max(maximum, value)
                sum += Double(value)
            }
            count += part.count
        }
        return (minimum, maximum, count == 0 ? 0 : sum / Double(count))
    }

    private static func dtype(of samples: DICOMSamples) -> String {
        switch samples {
        case .uint8: "|u1"
        case .int8: "|i1"
        case .uint16: "<u2"
        case .int16: "<i2"
        case .uint32: "<u4"
        case .int32: "<i4"
        }
    }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
