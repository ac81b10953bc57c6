import COpenJPEG
import Foundation

/// Decodes JPEG 2000 frames (Part 1 and High-Throughput) with OpenJPEG, from a bare codestream or from
/// one wrapped in a JP2 file header, which some writers put into DICOM although the standard forbids it.
///
/// YBR_ICT and YBR_RCT are undone inside OpenJPEG (the codestream signals the inverse component
/// transform); the frame is then RGB, as pydicom relabels it. For gray images the codestream's
/// signedness is reconciled with Pixel Representation as pydicom does (`apply_j2k_sign_correction`).
enum JPEG2000Decoder {
    static func decode(_ data: [UInt8], for pixels: DICOMPixelData) throws(DICOMError) -> DecodedFrame {
        func failure(_ reason: String) -> DICOMError {
            .codec(file: pixels.file, syntax: pixels.syntaxName, reason: reason)
        }
        let isJP2 = data.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20])
        try checkHeader(data, isJP2: isJP2, pixels: pixels, failure: failure)

        guard let codec = opj_create_decompress(isJP2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K) else {
            throw failure("OpenJPEG could not start")
        }
        defer { opj_destroy_codec(codec) }
        let messages = MessageLog()
        opj_set_error_handler(codec, { message, log in
            guard let message, let log else { return }
            Unmanaged<MessageLog>.fromOpaque(log).takeUnretainedValue().append(String(cString: message))
        }, Unmanaged.passUnretained(messages).toOpaque())
        var parameters = opj_dparameters_t()
        opj_set_default_decoder_parameters(&parameters)
        guard opj_setup_decoder(codec, &parameters) != 0 else { throw failure("OpenJPEG refused its parameters") }

        let input = MemoryInput(data)
        guard let stream = input.makeStream() else { throw failure("OpenJPEG could not open a stream") }
        defer { opj_stream_destroy(stream) }

        var image: UnsafeMutablePointer<opj_image_t>?
        defer { if let image { opj_image_destroy(image) } }
        let decoded = withExtendedLifetime((input, messages)) {
            opj_read_header(stream, codec, &image) != 0 && image.map { opj_decode(codec, stream, $0) != 0 } == true
                && opj_end_decompress(codec, stream) != 0
        }
        guard decoded, let image else {
            throw failure("OpenJPEG: " + (messages.text.isEmpty ? "the codestream cannot be decoded" : messages.text))
        }
        return try frame(from: image.pointee, pixels: pixels, failure: failure)
    }

    /// Gathers OpenJPEG's component planes (one `Int32` per sample) as a planar frame.
    private static func frame(from image: opj_image_t, pixels: DICOMPixelData,
                              failure: (String) -> DICOMError) throws(DICOMError) -> DecodedFrame {
        let pixelCount = pixels.rows * pixels.columns
        guard Int(image.numcomps) == pixels.samplesPerPixel, let components = image.comps else {
            throw failure("the image decodes to \(image.numcomps) components, not \(pixels.samplesPerPixel)")
        }
        var samples: [Int32] = []
        samples.reserveCapacity(pixelCount * pixels.samplesPerPixel)
        for index in 0..<pixels.samplesPerPixel {
            let component = components[index]
            guard Int(component.w) == pixels.columns, Int(component.h) == pixels.rows, let plane = component.data else {
                throw failure("component \(index) decodes to \(component.w)×\(component.h), "
                              + "not \(pixels.columns)×\(pixels.rows)")
            }
            samples.append(contentsOf: UnsafeBufferPointer(start: plane, count: pixelCount))
        }
        let precision = Int(components[0].prec), isSigned = components[0].sgnd != 0
        let photometric = pixels.photometricInterpretation
        var shift = 0
        if photometric.isMonochrome, isSigned != pixels.isSigned {
            shift = max(0, pixels.bitsAllocated - precision)
        }
        return DecodedFrame(storage: .int32(samples), isPlanar: pixels.samplesPerPixel > 1,
                            photometricInterpretation: photometric == .ybrICT || photometric == .ybrRCT ? .rgb : photometric,
                            shift: shift)
    }

    /// Checks the image and tile size (SIZ) before OpenJPEG allocates for them, so that a damaged header
    /// cannot make it reserve memory for millions of tiles or components.
    private static func checkHeader(_ data: [UInt8], isJP2: Bool, pixels: DICOMPixelData,
                                    failure: (String) -> DICOMError) throws(DICOMError) {
        guard let start = isJP2 ? codestreamBox(in: data) : 0,
              start + 42 <= data.count, data[start] == 0xFF, data[start + 1] == 0x4F,
              data[start + 2] == 0xFF, data[start + 3] == 0x51 else {
            throw failure("no JPEG 2000 codestream (SOC and SIZ markers)")
        }
        let header = ByteReader(data, byteOrder: .bigEndian, file: pixels.file)
        let siz = start + 8  // Xsiz, after SOC, the SIZ marker, its length and Rsiz
        let field = { (index: Int) in Int(header.peekUInt32(at: siz + 4 * index)) }
        let (width, height) = (field(0) - field(2), field(1) - field(3))
        let components = Int(header.peekUInt16(at: siz + 32))
        guard width == pixels.columns, height == pixels.rows, components == pixels.samplesPerPixel else {
            throw failure("the codestream holds \(width)×\(height)×\(components), not the "
                          + "\(pixels.columns)×\(pixels.rows)×\(pixels.samplesPerPixel) the dataset declares")
        }
        let (tileWidth, tileHeight) = (field(4), field(5))
        let across = tileWidth > 0 ? (field(0) - field(6) + tileWidth - 1) / tileWidth : 0
        let down = tileHeight > 0 ? (field(1) - field(7) + tileHeight - 1) / tileHeight : 0
        // Real images have one tile or tiles of 256 pixels and more a side.
        guard (1...65535).contains(across), (1...65535).contains(down),
              across * down <= max(16, pixels.rows * pixels.columns / 4096) else {
            throw failure("\(across)×\(down) tiles of \(tileWidth)×\(tileHeight) pixels")
        }
    }

    /// Where the contiguous codestream box ("jp2c") of a JP2 file starts its contents.
    private static func codestreamBox(in data: [UInt8]) -> Int? {
        let reader = ByteReader(data, byteOrder: .bigEndian, file: "")
        var position = 0
        while position + 8 <= data.count {
            var length = Int(reader.peekUInt32(at: position))
            var headerLength = 8
            if length == 1, position + 16 <= data.count {  // a 64-bit length follows the type
                length = Int(reader.peekUInt32(at: position + 12))
                headerLength = 16
            }
            if data[(position + 4)..<(position + 8)].elementsEqual("jp2c".utf8) { return position + headerLength }
            guard length >= headerLength else { return nil }  // 0: the box runs to the end
            position += length
        }
        return nil
    }
}

/// OpenJPEG's error messages for one decode.
private final class MessageLog {
    private(set) var text = ""

    func append(_ message: String) {
        text += (text.isEmpty ? "" : "; ") + message.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A codestream in memory, read by OpenJPEG through C callbacks.
private final class MemoryInput {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// A stream reading this input; the input must outlive it.
    func makeStream() -> UnsafeMutablePointer<opj_stream_t?>? {
        guard let stream = opj_stream_create(1 << 16, 1) else { return nil }
        opj_stream_set_user_data(stream, Unmanaged.passUnretained(self).toOpaque(), nil)
        opj_stream_set_user_data_length(stream, UInt64(bytes.count))
        opj_stream_set_read_function(stream) { buffer, count, input in
            // OPJ_SIZE_T imports as Int, so (OPJ_SIZE_T)-1, OpenJPEG's "end of stream", is -1 here.
            guard let buffer, let input else { return -1 }
            let source = Unmanaged<MemoryInput>.fromOpaque(input).takeUnretainedValue()
            let length = min(Int(count), source.bytes.count - source.position)
            guard length > 0 else { return -1 }
            source.bytes.withUnsafeBytes { bytes in
                guard let base = bytes.baseAddress else { return }
                buffer.copyMemory(from: base + source.position, byteCount: length)
            }
            source.position += length
            return OPJ_SIZE_T(length)
        }
        opj_stream_set_skip_function(stream) { count, input in
            guard let input else { return -1 }
            let source = Unmanaged<MemoryInput>.fromOpaque(input).takeUnretainedValue()
            let target = min(max(0, source.position + Int(count)), source.bytes.count)
            defer { source.position = target }
            return OPJ_OFF_T(target - source.position)
        }
        opj_stream_set_seek_function(stream) { offset, input in
            guard let input else { return 0 }
            let source = Unmanaged<MemoryInput>.fromOpaque(input).takeUnretainedValue()
            guard offset >= 0, Int(offset) <= source.bytes.count else { return 0 }
            source.position = Int(offset)
            return 1
        }
        return stream
    }
}
