/// Decoding: from the Pixel Data element to stored values, identical to pydicom's `pixel_array`.
extension DICOMPixelData {
    /// The stored values of frame `index` (0-based): C order, samples last, before any LUT; colour in
    /// YBR_FULL or YBR_FULL_422 converted to RGB and palette images as their indices, as pydicom gives them.
    ///
    /// - Throws: ``DICOMError/unsupportedTransferSyntax(file:uid:name:)`` naming a syntax the reader does
    ///   not decode, ``DICOMError/codec(file:syntax:reason:)`` with the codec's message for damaged data.
    public func frame(_ index: Int) throws(DICOMError) -> DICOMFrame {
        guard (0..<numberOfFrames).contains(index) else {
            throw .frameOutOfRange(file: file, index: index, count: numberOfFrames)
        }
        let decoded = try decodedFrame(index)
        guard decoded.count == samplesPerFrame else {
            throw .codec(file: file, syntax: syntaxName, reason: "frame \(index) decodes to \(decoded.count) "
                         + "samples, not the \(columns)×\(rows)×\(samplesPerPixel) the dataset declares")
        }
        var samples = DICOMSamples(decoded, samplesPerPixel: samplesPerPixel, bitsAllocated: bitsAllocated,
                                   signed: isSigned)
        var photometric = decoded.photometricInterpretation
        if photometric == .ybrFull || photometric == .ybrFull422, case .uint8(let ybr) = samples {
            samples = .uint8(YBRConversion.rgb(fromYBR: ybr))
            photometric = .rgb
        }
        return DICOMFrame(rows: rows, columns: columns, samplesPerPixel: samplesPerPixel,
                          photometricInterpretation: photometric, samples: samples)
    }

    /// Every frame, in order.
    ///
    /// - Throws: ``DICOMError/limitExceeded(file:what:)`` when all frames together hold more than
    ///   ``DICOMLimits/maximumTotalSamples`` samples; otherwise as ``frame(_:)``.
    public func allFrames() throws(DICOMError) -> [DICOMFrame] {
        guard numberOfFrames * samplesPerFrame <= limits.maximumTotalSamples else {
            throw .limitExceeded(file: file, what: "\(numberOfFrames) frames of \(samplesPerFrame) samples")
        }
        var frames: [DICOMFrame] = []
        for index in 0..<numberOfFrames { frames.append(try frame(index)) }
        return frames
    }

    var syntaxName: String { transferSyntax.name ?? transferSyntax.uid }

    private func decodedFrame(_ index: Int) throws(DICOMError) -> DecodedFrame {
        let codestream: [UInt8]
        switch source {
        case .native(let bytes, let vr, let byteOrder):
            return try NativeFrameReader.frame(index, of: bytes, vr: vr, byteOrder: byteOrder, pixels: self)
        case .encapsulated(let fragments, let frames):
            codestream = Array(fragments[frames[index]].joined())
        }
        switch transferSyntax.pixelEncoding {
        case .rle: return try RLEDecoder.decode(codestream, for: self)
        case .jpeg: return try JPEGFrameDecoder.decode(codestream, for: self)
        case .jpegLS: return try JPEGLSDecoder.decode(codestream, for: self)
        case .jpeg2000: return try JPEG2000Decoder.decode(codestream, for: self)
        case .encapsulatedNative:
            // Each fragment is one frame of little-endian native data.
            return try NativeFrameReader.frame(0, of: codestream[...], vr: .OB, byteOrder: .littleEndian,
                                               pixels: singleFrame)
        case .native, .unsupported:  // refused when the pixel data was opened
            throw .unsupportedTransferSyntax(file: file, uid: transferSyntax.uid, name: transferSyntax.name)
        }
    }

    /// This image with one frame, for reading one encapsulated native frame on its own.
    private var singleFrame: DICOMPixelData {
        var copy = self
        copy.numberOfFrames = 1
        return copy
    }
}
