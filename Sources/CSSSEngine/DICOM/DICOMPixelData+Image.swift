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
        let values = frame.samples.integers
        let bytes: [UInt8]
        let model: Image.ColorModel
        switch frame.photometricInterpretation {
        case .monochrome1, .monochrome2:
            let low = values.min() ?? 0, span = (values.max() ?? 0) - low
            let inverted = frame.photometricInterpretation == .monochrome1
            bytes = values.map { value in
                let scaled = span == 0 ? 0 : ((value - low) * 255 + span / 2) / span
                return UInt8(inverted ? 255 - scaled : scaled)
            }
            model = .gray
        case .paletteColor:
            let palette = try DICOMPalette(dataset, signedInput: isSigned, file: file)
            var rgb = [UInt8](repeating: 0, count: values.count * 3)
            for (channel, table) in [palette.red, palette.green, palette.blue].enumerated() {
                let shift = max(0, table.bitsPerEntry - 8)
                let levels = table.entries.map { UInt8(clamping: $0 >> shift) }
                for (pixel, value) in values.enumerated() {
                    rgb[3 * pixel + channel] = levels[min(max(value - table.firstMappedValue, 0), levels.count - 1)]
                }
            }
            bytes = rgb
            model = .rgb
        default:
            let shift = max(0, bitsStored - 8)
            bytes = values.map { UInt8(clamping: $0 >> shift) }
            model = .rgb
        }
        return Image(width: columns, height: rows, colorModel: model, samples: .uint8(bytes))
    }
}
