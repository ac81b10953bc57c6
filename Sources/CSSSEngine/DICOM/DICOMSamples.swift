/// Stored pixel values, in the type Bits Allocated and Pixel Representation give them (pydicom's dtype):
/// C order, samples of a pixel interleaved last. Bits Allocated 1 unpacks to `uint8` 0 and 1.
public enum DICOMSamples: Sendable, Equatable {
    case uint8([UInt8])
    case int8([Int8])
    case uint16([UInt16])
    case int16([Int16])
    case uint32([UInt32])
    case int32([Int32])

    /// The number of samples.
    public var count: Int {
        switch self {
        case .uint8(let values): values.count
        case .int8(let values): values.count
        case .uint16(let values): values.count
        case .int16(let values): values.count
        case .uint32(let values): values.count
        case .int32(let values): values.count
        }
    }

    /// Every sample widened to `Int`, in C order.
    public var integers: [Int] {
        switch self {
        case .uint8(let values): values.map(Int.init)
        case .int8(let values): values.map(Int.init)
        case .uint16(let values): values.map(Int.init)
        case .int16(let values): values.map(Int.init)
        case .uint32(let values): values.map(Int.init)
        case .int32(let values): values.map(Int.init)
        }
    }

    /// The sample at `index` (C order), widened to `Int`.
    public func value(at index: Int) -> Int {
        switch self {
        case .uint8(let values): Int(values[index])
        case .int8(let values): Int(values[index])
        case .uint16(let values): Int(values[index])
        case .int16(let values): Int(values[index])
        case .uint32(let values): Int(values[index])
        case .int32(let values): Int(values[index])
        }
    }

    /// The samples as little-endian bytes, each as wide as its type: numpy's
    /// `arr.astype(arr.dtype.newbyteorder('<')).tobytes()`, the bytes pydicom references are hashed over.
    public func littleEndianBytes() -> [UInt8] {
        switch self {
        case .uint8(let values): values
        case .int8(let values): values.map { UInt8(bitPattern: $0) }
        case .uint16(let values): Self.bytes(of: values)
        case .int16(let values): Self.bytes(of: values)
        case .uint32(let values): Self.bytes(of: values)
        case .int32(let values): Self.bytes(of: values)
        }
    }

    /// The smallest and largest sample, `nil` when there are none.
    public var range: ClosedRange<Int>? {
        switch self {
        case .uint8(let values): Self.range(of: values)
        case .int8(let values): Self.range(of: values)
        case .uint16(let values): Self.range(of: values)
        case .int16(let values): Self.range(of: values)
        case .uint32(let values): Self.range(of: values)
        case .int32(let values): Self.range(of: values)
        }
    }

    private static func bytes<T: FixedWidthInteger>(of values: [T]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    private static func range<T: FixedWidthInteger>(of values: [T]) -> ClosedRange<Int>? {
        guard let low = values.min(), let high = values.max() else { return nil }
        return Int(low)...Int(high)
    }
}

/// One decoded frame: its stored values and what they mean.
public struct DICOMFrame: Sendable, Equatable {
    /// The height in pixels.
    public let rows: Int
    /// The width in pixels.
    public let columns: Int
    /// 1 for gray and palette indices, 3 for colour.
    public let samplesPerPixel: Int
    /// What the samples mean: `RGB` for colour converted from YBR_FULL or YBR_FULL_422 (as pydicom does),
    /// and for JPEG 2000's YBR_ICT and YBR_RCT (undone by the codec); otherwise as stored.
    public let photometricInterpretation: DICOMPhotometricInterpretation
    /// The values, `rows × columns × samplesPerPixel` of them.
    public let samples: DICOMSamples
}
