/// Grey DICOM frames as the input of the display pipeline: the stored values with the Modality LUT and VOI
/// LUT modules of the file that say how to show them.
extension DICOMPixelData {
    /// Frame `index` (by default ``defaultFrameIndex``) as a ``GrayscaleFrame``: its stored values, Bits
    /// Stored, signedness and MONOCHROME1/2, the Modality LUT Sequence's table or else Rescale Slope and
    /// Intercept (when both are present, as pydicom requires), and the file's windows with its VOI LUT
    /// Function.
    ///
    /// Windows that are not valid for their function (a LINEAR width below 1, say) are left out, so that
    /// one bad preset falls back to another or to the automatic window rather than hiding the image.
    ///
    /// - Throws: ``DICOMError/invalidImageAttributes(file:reason:)`` for a frame that is not grey or whose
    ///   attributes the pipeline rejects; otherwise as ``frame(_:)``.
    public func grayscaleFrame(_ index: Int? = nil) throws(DICOMError) -> GrayscaleFrame {
        let frame = try self.frame(index ?? defaultFrameIndex)
        let photometric: GrayscaleFrame.Photometric
        switch frame.photometricInterpretation {
        case .monochrome1: photometric = .monochrome1
        case .monochrome2: photometric = .monochrome2
        default:
            throw .invalidImageAttributes(file: file, reason: "Photometric Interpretation "
                                          + "\(frame.photometricInterpretation) is not grey")
        }
        let attributes = DICOMScanAttributes(dataset)
        let function = attributes.voiLUTFunction.flatMap(VOIFunction.init(dicomName:)) ?? .linear
        let windows = attributes.windows.compactMap { window in
            try? VOIWindow(center: window.center, width: window.width, function: function)
        }
        do throws(DisplayError) {
            return try GrayscaleFrame(width: columns, height: rows, storedValues: frame.samples.integers,
                                      bitsStored: bitsStored, isSigned: isSigned, photometric: photometric,
                                      modality: try modalityLUT(attributes), windows: windows)
        } catch {
            throw .invalidImageAttributes(file: file, reason: error.description)
        }
    }

    /// pydicom's choice in `apply_modality_lut`: the sequence's table wins over rescale values.
    private func modalityLUT(_ attributes: DICOMScanAttributes) throws(DisplayError) -> ModalityLUT {
        if let table = attributes.modalityLUT {
            return .table(try ModalityTable(firstMappedValue: Int64(table.firstMappedValue),
                                            entries: table.entries.map { UInt16(truncatingIfNeeded: $0) },
                                            bitsPerEntry: table.bitsPerEntry))
        }
        if let rescale = attributes.rescale { return .rescale(slope: rescale.slope, intercept: rescale.intercept) }
        return .identity
    }
}
