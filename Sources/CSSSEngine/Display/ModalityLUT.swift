/// The DICOM Modality LUT (PS3.3 C.11.1): turns stored pixel values into modality values, such as
/// Hounsfield units for CT or optical density for film scans.
///
/// Every case computes exactly what pydicom 3's `apply_modality_lut` does, in float64 and in the same
/// operation order, so outputs compare bit for bit with the fixtures' `modality_lut` statistics.
public enum ModalityLUT: Sendable, Equatable {
    /// No Modality LUT Module in the file: the modality values are the stored values.
    case identity
    /// Rescale Slope (0028,1053) and Rescale Intercept (0028,1052): `stored × slope + intercept`.
    case rescale(slope: Double, intercept: Double)
    /// A Modality LUT Sequence (0028,3000) item.
    case table(ModalityTable)

    /// The modality value of one stored value.
    @inline(__always)
    public func modalityValue(of stored: Int64) -> Double {
        switch self {
        case .identity:
            Double(stored)
        case .rescale(let slope, let intercept):
            // pydicom multiplies, then adds in place: two roundings, never a fused multiply-add.
            Double(stored) * slope + intercept
        case .table(let table):
            table.modalityValue(of: stored)
        }
    }

    /// The modality values that the ends of the stored range map to: pydicom's `y_min` and `y_max` for
    /// windowing (see ``VOIOutputRange``).
    func outputRange(ofStored stored: ClosedRange<Int64>) -> VOIOutputRange {
        switch self {
        case .identity:
            VOIOutputRange(yMin: Double(stored.lowerBound), yMax: Double(stored.upperBound))
        case .rescale:
            // Not sorted: a negative slope gives yMin > yMax, and pydicom keeps that sign in its y range.
            VOIOutputRange(yMin: modalityValue(of: stored.lowerBound), yMax: modalityValue(of: stored.upperBound))
        case .table(let table):
            // A LUT's output is unsigned, 0…2^depth − 1 (PS3.3 C.11.1.1.1), whatever the stored range.
            VOIOutputRange(yMin: 0, yMax: Double((1 << table.bitsPerEntry) - 1))
        }
    }
}

/// One Modality LUT Sequence item: LUT Descriptor (0028,3002) and LUT Data (0028,3006).
public struct ModalityTable: Sendable, Equatable {
    /// The stored value that maps to the first entry (the descriptor's second value; may be negative).
    public let firstMappedValue: Int64
    /// The entries, as unsigned integers of ``bitsPerEntry`` bits.
    public let entries: [UInt16]
    /// The descriptor's third value: 8 to 16.
    public let bitsPerEntry: Int

    /// A table from its descriptor and data; the descriptor's first value (the entry count, with 0
    /// meaning 65536) is `entries.count`.
    public init(firstMappedValue: Int64, entries: [UInt16], bitsPerEntry: Int) throws(DisplayError) {
        guard !entries.isEmpty, (8...16).contains(bitsPerEntry) else {
            throw .invalidModalityTable(entryCount: entries.count, bitsPerEntry: bitsPerEntry)
        }
        self.firstMappedValue = firstMappedValue
        self.entries = entries
        self.bitsPerEntry = bitsPerEntry
    }

    /// Stored values below the first mapped one take the first entry, those past the end the last
    /// (PS3.3 C.11.1.1.1, and pydicom's `np.clip` of the index).
    @inline(__always)
    func modalityValue(of stored: Int64) -> Double {
        let index = min(max(stored &- firstMappedValue, 0), Int64(entries.count &- 1))
        return Double(entries[Int(index)])
    }
}
