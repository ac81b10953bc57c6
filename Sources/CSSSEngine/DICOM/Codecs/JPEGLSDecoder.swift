import CCharLS

/// Decodes JPEG-LS frames (lossless and near-lossless) with CharLS.
enum JPEGLSDecoder {
    static func decode(_ data: [UInt8], for pixels: DICOMPixelData) throws(DICOMError) -> DecodedFrame {
        func failure(_ reason: String) -> DICOMError {
            .codec(file: pixels.file, syntax: pixels.syntaxName, reason: reason)
        }
        func check(_ status: charls_jpegls_errc) throws(DICOMError) {
            guard status != CHARLS_JPEGLS_ERRC_SUCCESS else { return }
            throw failure("CharLS: " + String(cString: charls_get_error_message(status)))
        }
        guard let decoder = charls_jpegls_decoder_create() else { throw failure("CharLS could not start") }
        defer { charls_jpegls_decoder_destroy(decoder) }

        try check(charls_jpegls_decoder_set_source_buffer(decoder, data, data.count))
        try check(charls_jpegls_decoder_read_header(decoder))
        var info = charls_frame_info()
        try check(charls_jpegls_decoder_get_frame_info(decoder, &info))
        var interleave = CHARLS_INTERLEAVE_MODE_NONE
        try check(charls_jpegls_decoder_get_interleave_mode(decoder, &interleave))
        guard Int(info.width) == pixels.columns, Int(info.height) == pixels.rows,
              Int(info.component_count) == pixels.samplesPerPixel else {
            throw failure("the codestream holds \(info.width)×\(info.height)×\(info.component_count), not the "
                          + "\(pixels.columns)×\(pixels.rows)×\(pixels.samplesPerPixel) the dataset declares")
        }
        let precision = Int(info.bits_per_sample)
        guard (2...16).contains(precision) else { throw failure("\(precision) bits per sample") }

        let storage: DecodedFrame.Storage
        if precision <= 8 {
            var output = [UInt8](repeating: 0, count: pixels.samplesPerFrame)
            try check(charls_jpegls_decoder_decode_to_buffer(decoder, &output, output.count, 0))
            storage = .uint8(output)
        } else {
            var output = [UInt16](repeating: 0, count: pixels.samplesPerFrame)
            try check(charls_jpegls_decoder_decode_to_buffer(decoder, &output, output.count * 2, 0))
            storage = .uint16(output)
        }
        // JPEG-LS has no notion of sign: pydicom sign-extends from the codestream's precision when the
        // dataset says signed (apply_jls_sign_correction), and leaves unsigned data as decoded.
        let shift = pixels.isSigned ? max(0, pixels.bitsAllocated - precision) : 0
        let photometric = JPEGCodestream(data)?.conformed(pixels.photometricInterpretation,
                                                          samplesPerPixel: pixels.samplesPerPixel)
        return DecodedFrame(storage: storage,
                            isPlanar: interleave == CHARLS_INTERLEAVE_MODE_NONE && pixels.samplesPerPixel > 1,
                            photometricInterpretation: photometric ?? pixels.photometricInterpretation,
                            shift: shift)
    }
}
