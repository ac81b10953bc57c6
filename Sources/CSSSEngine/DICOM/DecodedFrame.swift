/// A frame as a codec (or the native reader) delivers it, before its samples take the dataset's type.
struct DecodedFrame {
    /// The samples in the codec's own type; values wider than Bits Allocated are truncated to it.
    enum Storage {
        case uint8([UInt8])
        case uint16([UInt16])
        case uint32([UInt32])
        case int32([Int32])
    }

    var storage: Storage
    /// Whether the samples are planar (every first sample, then every second…) rather than interleaved.
    var isPlanar = false
    /// What the samples mean, when the codec knows better than the dataset (JPEG component ids, JPEG 2000's
    /// colour transforms).
    var photometricInterpretation: DICOMPhotometricInterpretation
    /// How far to shift each sample left and back right (arithmetically when signed), to clear or
    /// sign-extend the bits above its precision: pydicom's `correct_unused_bits` and sign corrections.
    var shift = 0

    var count: Int {
        switch storage {
        case .uint8(let values): values.count
        case .uint16(let values): values.count
        case .uint32(let values): values.count
        case .int32(let values): values.count
        }
    }
}

extension DICOMSamples {
    /// The frame's samples in the type of `bitsAllocated` and `signed`, interleaved, shift applied.
    init(_ frame: DecodedFrame, samplesPerPixel: Int, bitsAllocated: Int, signed: Bool) {
        let planes = frame.isPlanar ? samplesPerPixel : 1
        switch frame.storage {
        case .uint8(let values): self.init(values, planes: planes, bitsAllocated, signed, frame.shift)
        case .uint16(let values): self.init(values, planes: planes, bitsAllocated, signed, frame.shift)
        case .uint32(let values): self.init(values, planes: planes, bitsAllocated, signed, frame.shift)
        case .int32(let values): self.init(values, planes: planes, bitsAllocated, signed, frame.shift)
        }
    }

    private init<Source: FixedWidthInteger>(_ source: [Source], planes: Int, _ bitsAllocated: Int,
                                            _ signed: Bool, _ shift: Int) {
        switch (bitsAllocated, signed) {
        case (8, true): self = .int8(Self.converted(source, planes: planes, shift: shift))
        case (16, false): self = .uint16(Self.converted(source, planes: planes, shift: shift))
        case (16, true): self = .int16(Self.converted(source, planes: planes, shift: shift))
        case (32, false): self = .uint32(Self.converted(source, planes: planes, shift: shift))
        case (32, true): self = .int32(Self.converted(source, planes: planes, shift: shift))
        default: self = .uint8(Self.converted(source, planes: planes, shift: shift))  // 8 unsigned, and 1
        }
    }

    /// `source` truncated to `Target`, planes interleaved, each value shifted left by `shift` and back.
    ///
    /// - Complexity: O(n), written so the optimiser can vectorise the common interleaved case.
    private static func converted<Source: FixedWidthInteger, Target: FixedWidthInteger>(
        _ source: [Source], planes: Int, shift: Int
    ) -> [Target] {
        let count = source.count
        var output = [Target](repeating: 0, count: count)
        source.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                let pixels = count / planes
                if planes == 1 {
                    for index in 0..<count { output[index] = Target(truncatingIfNeeded: input[index]) }
                } else {
                    for plane in 0..<planes {
                        for pixel in 0..<pixels {
                            output[pixel &* planes &+ plane] = Target(truncatingIfNeeded: input[plane &* pixels &+ pixel])
                        }
                    }
                }
                if shift > 0 {
                    for index in 0..<count { output[index] = (output[index] << shift) >> shift }
                }
            }
        }
        return output
    }
}
