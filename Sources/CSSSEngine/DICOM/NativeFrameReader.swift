/// Reads one frame of native (uncompressed) pixel data the way pydicom does: frames back to back,
/// bit-packed frames for Bits Allocated 1 (least significant bit first, frames not byte-aligned), two
/// bytes swapped for 8-bit OW in Explicit VR Big Endian, YBR_FULL_422's shared chroma expanded.
enum NativeFrameReader {
    static func frame(_ index: Int, of bytes: ArraySlice<UInt8>, vr: DICOMVR, byteOrder: DICOMByteOrder,
                      pixels: DICOMPixelData) throws(DICOMError) -> DecodedFrame {
        let isSubsampled = pixels.photometricInterpretation == .ybrFull422
        // YBR_FULL_422 stores 2 values a pixel (Y1 Y2 Cb Cr for each pair), not 3.
        let valuesPerFrame = isSubsampled ? pixels.rows * pixels.columns * 2 : pixels.samplesPerFrame
        let bitsPerFrame = valuesPerFrame * pixels.bitsAllocated
        let needed = (bitsPerFrame * pixels.numberOfFrames + 7) / 8
        guard bytes.count >= needed else {
            throw .invalidImageAttributes(file: pixels.file, reason: "Pixel Data holds \(bytes.count) bytes, "
                + "\(needed) needed for \(pixels.numberOfFrames) frame(s) of \(pixels.columns)×\(pixels.rows)"
                + "×\(pixels.samplesPerPixel) at \(pixels.bitsAllocated) bits")
        }
        var frame = DecodedFrame(storage: .uint8([]), isPlanar: pixels.planarConfiguration == 1,
                                 photometricInterpretation: pixels.photometricInterpretation,
                                 shift: pixels.bitsAllocated - pixels.bitsStored)
        let firstBit = index * bitsPerFrame
        let start = bytes.startIndex + firstBit / 8
        switch pixels.bitsAllocated {
        case 1:
            frame.storage = .uint8(unpackedBits(bytes, from: firstBit, count: valuesPerFrame))
            frame.shift = 0
        case 8:
            let swapsPairs = byteOrder == .bigEndian && vr == .OW
            frame.storage = .uint8((0..<valuesPerFrame).map { offset in
                let position = start + offset
                // Big-endian OW holds 8-bit values in swapped pairs, counted from the element's start.
                let swapped = bytes.startIndex + ((position - bytes.startIndex) ^ 1)
                return swapsPairs && swapped < bytes.endIndex ? bytes[swapped] : bytes[position]
            })
        case 16:
            frame.storage = .uint16((0..<valuesPerFrame).map { offset in
                let position = start + 2 * offset
                let value = UInt16(bytes[position]) | UInt16(bytes[position + 1]) << 8
                return byteOrder == .littleEndian ? value : value.byteSwapped
            })
        default:
            frame.storage = .uint32((0..<valuesPerFrame).map { offset in
                let position = start + 4 * offset
                let value = UInt32(bytes[position]) | UInt32(bytes[position + 1]) << 8
                    | UInt32(bytes[position + 2]) << 16 | UInt32(bytes[position + 3]) << 24
                return byteOrder == .littleEndian ? value : value.byteSwapped
            })
        }
        if isSubsampled {
            frame.storage = expanded422(frame.storage)
            frame.isPlanar = false
            frame.photometricInterpretation = .ybrFull
        }
        return frame
    }

    /// `count` bits from `firstBit` on, each as a 0 or 1 byte.
    private static func unpackedBits(_ bytes: ArraySlice<UInt8>, from firstBit: Int, count: Int) -> [UInt8] {
        (0..<count).map { offset in
            let bit = firstBit + offset
            return (bytes[bytes.startIndex + bit / 8] >> (bit % 8)) & 1
        }
    }

    /// YBR_FULL_422 (`Y1 Y2 Cb Cr` for each pair of pixels) to YBR_FULL, each pair's Cb and Cr used twice.
    private static func expanded422(_ storage: DecodedFrame.Storage) -> DecodedFrame.Storage {
        func expand<T>(_ values: [T]) -> [T] {
            var output: [T] = []
            output.reserveCapacity(values.count / 2 * 3)
            for group in stride(from: 0, to: values.count - 3, by: 4) {
                let (cb, cr) = (values[group + 2], values[group + 3])
                output.append(contentsOf: [values[group], cb, cr, values[group + 1], cb, cr])
            }
            return output
        }
        switch storage {
        case .uint8(let values): return .uint8(expand(values))
        case .uint16(let values): return .uint16(expand(values))
        case .uint32(let values): return .uint32(expand(values))
        case .int32(let values): return .int32(expand(values))
        }
    }
}
