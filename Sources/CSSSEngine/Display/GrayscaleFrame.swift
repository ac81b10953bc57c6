/// One grayscale frame as a DICOM file stores it, with the attributes that say how to display it: the
/// input of ``DisplayPipeline``.
///
/// A DICOM reader fills it from the Image Pixel Module (Rows, Columns, Bits Stored, Pixel Representation,
/// Photometric Interpretation), the Modality LUT Module and the VOI LUT Module of the file, one frame at a
/// time. Stored values are the decoded samples with unused high bits already cleared or sign-extended
/// (pydicom's default decode), row-major from the top left.
///
/// ```swift
/// let frame = try GrayscaleFrame(width: 512, height: 512, storedValues: pixels,   // [Int16] from the file
///                                bitsStored: 12, isSigned: true, photometric: .monochrome2,
///                                modality: .rescale(slope: 1, intercept: -1024),
///                                windows: [try VOIWindow(center: 40, width: 400)])
/// ```
public struct GrayscaleFrame: Sendable, Equatable {
    /// Photometric Interpretation (0028,0004) of a grayscale image.
    public enum Photometric: Sendable, Equatable {
        /// `MONOCHROME1`: the lowest value is white (PS3.3 C.7.6.3.1.2); display inverts it after VOI.
        case monochrome1
        /// `MONOCHROME2`: the lowest value is black.
        case monochrome2
    }

    /// Columns (0028,0011).
    public let width: Int
    /// Rows (0028,0010).
    public let height: Int
    /// The stored pixel values, `width × height` of them, row-major.
    public let storedValues: [Int64]
    /// Bits Stored (0028,0101): 1…32.
    public let bitsStored: Int
    /// Pixel Representation (0028,0103) is 1: values are two's complement.
    public let isSigned: Bool
    /// Whether low values are white or black.
    public let photometric: Photometric
    /// How stored values become modality values.
    public let modality: ModalityLUT
    /// The file's windows, in the order of Window Center/Width's values; empty when it has none.
    public let windows: [VOIWindow]

    /// A frame of stored values.
    ///
    /// - Throws: ``DisplayError/frameSizeMismatch(width:height:valueCount:)`` when the size is not positive
    ///   or the values do not fill it; ``DisplayError/unsupportedBitsStored(_:)`` outside 1…32;
    ///   ``DisplayError/invalidRescale(slope:intercept:)`` for a slope or intercept that is not finite.
    public init(width: Int, height: Int, storedValues: [Int64], bitsStored: Int, isSigned: Bool,
                photometric: Photometric, modality: ModalityLUT = .identity,
                windows: [VOIWindow] = []) throws(DisplayError) {
        let area = width.multipliedReportingOverflow(by: height)
        guard width > 0, height > 0, !area.overflow, storedValues.count == area.partialValue else {
            throw .frameSizeMismatch(width: width, height: height, valueCount: storedValues.count)
        }
        guard (1...32).contains(bitsStored) else { throw .unsupportedBitsStored(bitsStored) }
        if case .rescale(let slope, let intercept) = modality, !slope.isFinite || !intercept.isFinite {
            throw .invalidRescale(slope: slope, intercept: intercept)
        }
        self.width = width
        self.height = height
        self.storedValues = storedValues
        self.bitsStored = bitsStored
        self.isSigned = isSigned
        self.photometric = photometric
        self.modality = modality
        self.windows = windows
    }

    /// A frame from samples of any integer type, as a decoder returns them (`[UInt16]`, `[Int16]`, …);
    /// inlinable so that the conversion is specialised for the caller's type.
    @inlinable
    public init<Samples: Collection>(width: Int, height: Int, storedValues: Samples, bitsStored: Int,
                                     isSigned: Bool, photometric: Photometric, modality: ModalityLUT = .identity,
                                     windows: [VOIWindow] = []) throws(DisplayError)
    where Samples.Element: BinaryInteger {
        try self.init(width: width, height: height, storedValues: storedValues.map { Int64(clamping: $0) },
                      bitsStored: bitsStored, isSigned: isSigned, photometric: photometric,
                      modality: modality, windows: windows)
    }

    /// The values Bits Stored and Pixel Representation allow: 0…2^bits − 1, or −2^(bits−1)…2^(bits−1) − 1.
    public var storedRange: ClosedRange<Int64> {
        isSigned ? -(1 << (bitsStored - 1))...(1 << (bitsStored - 1)) - 1 : 0...(1 << bitsStored) - 1
    }

    /// What pydicom's `apply_voi_lut` maps a window onto for this frame: the stored range through the
    /// rescale, or 0…2^depth − 1 after a Modality LUT table. For comparing with pydicom only; display
    /// uses ``VOIOutputRange/eightBit``.
    public var voiOutputRange: VOIOutputRange { modality.outputRange(ofStored: storedRange) }

    /// The modality value of every pixel: pydicom's `apply_modality_lut`, in float64.
    public func modalityValues() -> [Double] {
        storedValues.map(modality.modalityValue(of:))
    }

    /// The smallest and largest modality value in the frame.
    func modalityExtremes() -> (minimum: Double, maximum: Double) {
        switch modality {
        case .identity, .rescale:
            // Both are monotonic in float64 too (each rounding step is), so the extremes are those of the
            // stored extremes; a negative slope swaps them.
            let stored = storedExtremes()
            let ends = (modality.modalityValue(of: stored.lowest), modality.modalityValue(of: stored.highest))
            return (min(ends.0, ends.1), max(ends.0, ends.1))
        case .table(let table):
            return storedValues.reduce(into: (minimum: Double.infinity, maximum: -Double.infinity)) { extremes, stored in
                let value = table.modalityValue(of: stored)
                extremes = (min(extremes.minimum, value), max(extremes.maximum, value))
            }
        }
    }

    /// The smallest and largest stored value.
    func storedExtremes() -> (lowest: Int64, highest: Int64) {
        storedValues.withUnsafeBufferPointer { stored in
            var lowest = stored[0], highest = stored[0]
            for value in stored {
                lowest = min(lowest, value)
                highest = max(highest, value)
            }
            return (lowest, highest)
        }
    }

    /// `transform` of every stored value, row-major.
    ///
    /// Stored values are integers whose span is usually far smaller than the frame (4096 values for 12-bit
    /// CT or CR against millions of pixels), so `transform` is evaluated once per value of the span into a
    /// table and the pixels are looked up; a frame whose span is larger than itself is transformed pixel by
    /// pixel. Either way each pixel gets exactly `transform(value)`.
    func mapStoredValues(_ transform: (Int64) -> UInt8) -> [UInt8] {
        let (lowest, highest) = storedExtremes()
        return storedValues.withUnsafeBufferPointer { stored in
            let span = highest.subtractingReportingOverflow(lowest)
            guard !span.overflow, span.partialValue < Int64(stored.count) else { return stored.map(transform) }
            let table = (lowest...highest).map(transform)
            return table.withUnsafeBufferPointer { table in
                [UInt8](unsafeUninitializedCapacity: stored.count) { output, count in
                    for index in 0..<stored.count {
                        output[index] = table[Int(truncatingIfNeeded: stored[index] &- lowest)]
                    }
                    count = stored.count
                }
            }
        }
    }
}
