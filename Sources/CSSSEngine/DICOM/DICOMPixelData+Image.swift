/// A frame as the engine's 8-bit ``Image``, for showing a DICOM file and feeding it to a model.
extension DICOMPixelData {
    /// Frame `index` (by default ``defaultFrameIndex``) as an 8-bit gray or RGB ``Image``.
    ///
    /// Gray images get a plain stand-in for the display pipeline, which replaces it with the Modality and
    /// VOI LUTs and window presets: the frame's stored values scaled linearly from their minimum (black)
    /// to their maximum (white), inverted for MONOCHROME1. PALETTE COLOR images take their palette's
    /// colours (the high byte of 16-bit entries); colour images are RGB, samples wider than 8 bits keep
    /// the top 8 of their Bits Stored.
    public func image(frame index: Int? = nil) throws(DICOMError) -> Image {
        let frame = try self.frame(index ?? defaultFrameIndex)
        let samples = frame.samples
        let bytes: [UInt8]
        let model: Image.ColorModel
        switch frame.photometricInterpretation {
        case .monochrome1, .monochrome2:
            let range = samples.range ?? 0...0
            let span = range.upperBound - range.lowerBound
            let inverted = frame.photometricInterpretation == .monochrome1
            bytes = (0..<samples.count).map { index in
                let scaled = span == 0 ? 0 : ((samples.value(at: index) - range.lowerBound) * 255 + span / 2) / span
                return UInt8(inverted ? 255 - scaled : scaled)
            }
            model = .gray
        case .paletteColor:
            let palette = try DICOMPalette(dataset, signedInput: isSigned, file: file)
            let tables = [palette.red, palette.green, palette.blue]
            bytes = (0..<samples.count * 3).map { index in
                let table = tables[index % 3]
                let entry = table.entry(for: samples.value(at: index / 3))
                return UInt8(clamping: entry >> max(0, table.bitsPerEntry - 8))
            }
            model = .rgb
        default:
            let shift = max(0, bitsStored - 8)
            bytes = (0..<samples.count).map { UInt8(clamping: samples.value(at: $0) >> shift) }
            model = .rgb
        }
        return Image(width: columns, height: rows, colorModel: model, samples: .uint8(bytes))
    }
}
