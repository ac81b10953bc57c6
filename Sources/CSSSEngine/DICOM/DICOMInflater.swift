import CSSSZlib

/// Inflates the dataset of a Deflated Explicit VR Little Endian file: everything after the file meta
/// information is one raw deflate stream (RFC 1951, no zlib header).
enum DICOMInflater {
    static func inflate(_ input: ArraySlice<UInt8>, limit: Int, file: String) throws(DICOMError) -> [UInt8] {
        let syntax = DICOMTransferSyntax.deflatedExplicitVRLittleEndian.name ?? "Deflate"
        guard input.count <= Int(UInt32.max) else {
            throw .limitExceeded(file: file, what: "a deflated dataset of \(input.count) bytes")
        }
        var stream = z_stream()
        // A negative window size selects raw deflate.
        guard inflateInit2_(&stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .codec(file: file, syntax: syntax, reason: "zlib could not start")
        }
        defer { inflateEnd(&stream) }

        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var status = Z_OK
        input.withUnsafeBufferPointer { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
            stream.avail_in = UInt32(source.count)
            while status == Z_OK, output.count <= limit {
                let produced = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = UInt32(buffer.count)
                    status = CSSSZlib.inflate(&stream, Z_NO_FLUSH)
                    return buffer.count - Int(stream.avail_out)
                }
                output.append(contentsOf: chunk[..<produced])
                // Z_OK with nothing produced and nothing left to read: the stream stops before its end.
                if status == Z_OK, produced == 0, stream.avail_in == 0 { status = Z_BUF_ERROR }
            }
        }
        guard output.count <= limit else {
            throw .limitExceeded(file: file, what: "a deflated dataset inflating to more than \(limit) bytes")
        }
        switch status {
        case Z_STREAM_END:
            return output
        case Z_BUF_ERROR:
            throw .truncated(file: file, tag: nil, offset: input.startIndex)
        default:
            let message = stream.msg.map { String(cString: $0) } ?? "zlib error \(status)"
            throw .codec(file: file, syntax: syntax, reason: message)
        }
    }
}
