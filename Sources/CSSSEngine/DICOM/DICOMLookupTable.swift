/// A lookup table as DICOM describes one: a descriptor (number of entries, first value mapped, bits per
/// entry) and the entries. Palette colour tables, and the LUTs of Modality and VOI LUT Sequences.
public struct DICOMLookupTable: Sendable, Equatable {
    /// The stored value that maps to the first entry.
    public let firstMappedValue: Int
    /// Bits per entry, from the descriptor: 8 or 16 (up to 16 for modality LUTs).
    public let bitsPerEntry: Int
    /// The entries, as stored.
    public let entries: [Int]
    /// LUT Explanation (0028,3003), for LUTs of a Modality or VOI LUT Sequence.
    public let explanation: String?

    /// The entry for a stored value: values before the first mapped one take the first entry, values
    /// after the last take the last (PS3.3 C.11.1.1, and pydicom's `apply_color_lut`).
    public func entry(for value: Int) -> Int {
        entries[min(max(value - firstMappedValue, 0), entries.count - 1)]
    }

    /// The table a descriptor and data element give; `nil` when either is missing or they disagree.
    ///
    /// - Parameter signedInput: whether the values looked up are signed, which makes the descriptor's
    ///   first mapped value signed too (the descriptor is "US or SS").
    init?(descriptor: DICOMElement?, data: DICOMElement?, signedInput: Bool, explanation: String? = nil) {
        guard let values = descriptor?.integers, values.count == 3, let data, case .bytes(let bytes) = data.value
        else { return nil }
        let count = values[0] == 0 ? 65536 : values[0]  // 0 means 2^16 entries
        firstMappedValue = signedInput ? Int(Int16(truncatingIfNeeded: values[1])) : values[1]
        bitsPerEntry = values[2]
        if bytes.count == count, bitsPerEntry <= 8 {
            entries = bytes.map(Int.init)  // 8-bit entries packed in bytes
        } else {
            guard bytes.count >= 2 * count else { return nil }
            let words = DICOMElement(tag: data.tag, vr: .OW, value: .bytes(bytes.prefix(2 * count)),
                                     offset: data.offset, hasUndefinedLength: false, byteOrder: data.byteOrder,
                                     characterSet: data.characterSet)
            guard let integers = words.integers else { return nil }
            entries = integers
        }
        self.explanation = explanation
    }
}

/// The Red, Green and Blue Palette Color Lookup Tables of a PALETTE COLOR image.
struct DICOMPalette {
    let red: DICOMLookupTable
    let green: DICOMLookupTable
    let blue: DICOMLookupTable

    init(_ dataset: DICOMDataset, signedInput: Bool, file: String) throws(DICOMError) {
        guard !dataset.contains(.segmentedRedPaletteColorLookupTableData) else {
            throw .invalidImageAttributes(file: file, reason: "segmented palette lookup tables are not supported")
        }
        func table(_ descriptor: DICOMTag, _ data: DICOMTag, _ color: String) throws(DICOMError) -> DICOMLookupTable {
            guard let table = DICOMLookupTable(descriptor: dataset[descriptor], data: dataset[data],
                                               signedInput: signedInput) else {
                throw .invalidImageAttributes(file: file, reason: "the \(color) palette lookup table is missing or invalid")
            }
            return table
        }
        red = try table(.redPaletteColorLookupTableDescriptor, .redPaletteColorLookupTableData, "red")
        green = try table(.greenPaletteColorLookupTableDescriptor, .greenPaletteColorLookupTableData, "green")
        blue = try table(.bluePaletteColorLookupTableDescriptor, .bluePaletteColorLookupTableData, "blue")
    }
}
