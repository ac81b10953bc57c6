/// A frame as the engine's 8-bit ``Image``, for showing a DICOM file and feeding it to a model.
extension DICOMPixelData {
    /// The window a grey frame of this file is shown with unless one is chosen: the file's first; for a
    /// CT without one, the mediastinum preset (a window over all of −1024…3000 HU flattens soft tissue to
    /// one grey); otherwise one spanning the frame's values.
    public func defaultWindow(for gray: GrayscaleFrame) -> DisplayPipeline.WindowChoice {
        gray.windows.isEmpty && modality == "CT" ? .window(.ctMediastinum) : .file()
    }

    /// Frame `index` (by default ``defaultFrameIndex``) as an 8-bit gray or RGB ``Image``.
    ///
    /// Gray images go through ``DisplayPipeline``: the Modality LUT, the VOI window `window` picks (by
    /// default ``defaultWindow(for:)``), MONOCHROME1 inverted. PALETTE
    /// COLOR images take their palette's colours (the high byte of 16-bit entries); colour images are RGB,
    /// samples wider than 8 bits keep the top 8 of their Bits Stored.
    ///
    /// - Throws: as ``frame(_:)``, and ``DICOMError/invalidImageAttributes(file:reason:)`` for a window
    ///   the file does not have or grey attributes the display pipeline rejects.
    public func image(frame index: Int? = nil,
                      window: DisplayPipeline.WindowChoice = .file()) throws(DICOMError) -> Image {
        if photometricInterpretation == .monochrome1 || photometricInterpretation == .monochrome2 {
            let gray = try grayscaleFrame(index)
            let choice = window == .file() ? defaultWindow(for: gray) : window
            do throws(DisplayError) {
                return try DisplayPipeline(window: choice).render(gray)
            } catch {
                throw .invalidImageAttributes(file: file, reason: error.description)
            }
        }
        let frame = try self.frame(index ?? defaultFrameIndex)
        let values = frame.samples.integers
        let bytes: [UInt8]
        switch frame.photometricInterpretation {
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
        default:
            let shift = max(0, bitsStored - 8)
            bytes = values.map { UInt8(clamping: $0 >> shift) }
        }
        return Image(width: columns, height: rows, colorModel: .rgb, samples: .uint8(bytes))
    }
}
