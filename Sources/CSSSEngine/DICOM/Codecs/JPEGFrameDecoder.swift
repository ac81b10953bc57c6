import CSSSJPEGShim

/// Decodes a frame of the JPEG transfer syntaxes: lossy 8-bit (baseline, extended, progressive) with
/// libjpeg-turbo, lossy 12-bit with GDCM's IJG build, lossless (process 14) with ``JPEGLosslessDecoder``.
///
/// The codec never converts colour: the components come out as coded and, as in pydicom, the frame's
/// Photometric Interpretation (conformed to the codestream's component ids and JFIF marker) decides
/// whether they are converted from YBR to RGB afterwards.
enum JPEGFrameDecoder {
    static func decode(_ data: [UInt8], for pixels: DICOMPixelData) throws(DICOMError) -> DecodedFrame {
        func failure(_ reason: String) -> DICOMError {
            .codec(file: pixels.file, syntax: pixels.syntaxName, reason: reason)
        }
        guard let codestream = JPEGCodestream(data) else {
            throw failure("no JPEG frame header before the first scan")
        }
        let (width, height, components) = (pixels.columns, pixels.rows, pixels.samplesPerPixel)
        let storage: DecodedFrame.Storage
        switch (codestream.frameMarker, codestream.precision) {
        case (0xC3, _):
            do {
                storage = .uint16(try JPEGLosslessDecoder.decode(data, width: width, height: height,
                                                                 components: components))
            } catch {
                throw failure(error.reason)
            }
        case (0xC0...0xC2, 8):
            var output = [UInt8](repeating: 0, count: pixels.samplesPerFrame)
            try run(failure) { csss_jpeg8_decode(data, data.count, &output, Int32(width), Int32(height),
                                                 Int32(components), $0, $1) }
            storage = .uint8(output)
        case (0xC1...0xC2, 12):
            var output = [UInt16](repeating: 0, count: pixels.samplesPerFrame)
            try run(failure) { csss_jpeg12_decode(data, data.count, &output, Int32(width), Int32(height),
                                                  Int32(components), $0, $1) }
            storage = .uint16(output)
        case (let marker, let precision):
            let process = String(marker, radix: 16, uppercase: true)
            throw failure("JPEG process SOF FF\(process) at \(precision) bits is not supported")
        }
        return DecodedFrame(
            storage: storage,
            photometricInterpretation: codestream.conformed(pixels.photometricInterpretation,
                                                            samplesPerPixel: components),
            shift: pixels.bitsAllocated - pixels.bitsStored)
    }

    /// Calls a shim decoder with a message buffer and turns its failure into an error.
    private static func run(_ failure: (String) -> DICOMError,
                            _ decode: (UnsafeMutablePointer<CChar>, Int) -> Int32) throws(DICOMError) {
        var message = [CChar](repeating: 0, count: 256)
        let status = message.withUnsafeMutableBufferPointer { buffer in
            buffer.baseAddress.map { decode($0, buffer.count) } ?? -1
        }
        guard status == 0 else {
            throw failure("libjpeg: " + String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) },
                                                as: UTF8.self))
        }
    }
}
