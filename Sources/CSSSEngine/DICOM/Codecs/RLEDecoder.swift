/// Decodes RLE Lossless frames (PS3.5 Annex G): a 64-byte header of up to 15 segment offsets, then one
/// PackBits segment per byte of each sample, most significant byte first.
enum RLEDecoder {
    static func decode(_ data: [UInt8], for pixels: DICOMPixelData) throws(DICOMError) -> DecodedFrame {
        func failure(_ reason: String) -> DICOMError {
            .codec(file: pixels.file, syntax: pixels.syntaxName, reason: reason)
        }
        guard pixels.bitsAllocated % 8 == 0 else { throw failure("Bits Allocated \(pixels.bitsAllocated)") }
        guard data.count >= 64 else { throw failure("a frame of \(data.count) bytes has no RLE header") }
        let header = ByteReader(data, byteOrder: .littleEndian, file: pixels.file)
        let bytesPerSample = pixels.bitsAllocated / 8
        let segmentCount = Int(header.peekUInt32(at: 0))
        guard segmentCount == pixels.samplesPerPixel * bytesPerSample else {
            throw failure("\(segmentCount) segments, expected \(pixels.samplesPerPixel * bytesPerSample)")
        }
        var offsets = (0..<segmentCount).map { Int(header.peekUInt32(at: 4 + 4 * $0)) }
        offsets.append(data.count)
        guard offsets[0] == 64, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }) else {
            throw failure("segment offsets \(offsets.dropLast()) are out of order or outside the frame")
        }

        // Segment s holds byte (s % bytesPerSample) of sample (s / bytesPerSample), most significant first.
        let pixelCount = pixels.rows * pixels.columns
        var segments = [UInt8](repeating: 0, count: segmentCount * pixelCount)
        for segment in 0..<segmentCount {
            let decoded = unpackBits(data[offsets[segment]..<offsets[segment + 1]],
                                     into: &segments, at: segment * pixelCount, count: pixelCount)
            guard decoded == pixelCount else {
                throw failure("segment \(segment + 1) decodes to \(decoded) bytes, not \(pixelCount)")
            }
        }
        let planeLength = pixelCount * bytesPerSample
        func word(_ index: Int) -> UInt32 {  // the sample at `index` of the planar output
            let plane = index / pixelCount, pixel = index % pixelCount
            var value: UInt32 = 0
            for byte in 0..<bytesPerSample {
                value = value << 8 | UInt32(segments[plane * planeLength + byte * pixelCount + pixel])
            }
            return value
        }
        let count = pixelCount * pixels.samplesPerPixel
        let storage: DecodedFrame.Storage = switch bytesPerSample {
        case 1: .uint8(segments)
        case 2: .uint16((0..<count).map { UInt16(truncatingIfNeeded: word($0)) })
        default: .uint32((0..<count).map(word))
        }
        return DecodedFrame(storage: storage, isPlanar: true,
                            photometricInterpretation: pixels.photometricInterpretation,
                            shift: pixels.bitsAllocated - pixels.bitsStored)
    }

    /// PackBits: a header byte n ≥ 0 copies the next n + 1 bytes, −127…−1 repeats the next byte 1 − n
    /// times, −128 does nothing. Writes at most `count` bytes (encoders may pad a segment with one more)
    /// and returns how many it wrote.
    private static func unpackBits(_ segment: ArraySlice<UInt8>, into output: inout [UInt8], at start: Int,
                                   count: Int) -> Int {
        var input = segment.startIndex
        var written = 0
        while written < count, input < segment.endIndex {
            let header = Int(Int8(bitPattern: segment[input]))
            input += 1
            if header >= 0 {
                let run = min(header + 1, segment.endIndex - input, count - written)
                for offset in 0..<run { output[start + written + offset] = segment[input + offset] }
                input += header + 1
                written += run
            } else if header != -128, input < segment.endIndex {
                let run = min(1 - header, count - written)
                for offset in 0..<run { output[start + written + offset] = segment[input] }
                input += 1
                written += run
            }
        }
        return written
    }
}
