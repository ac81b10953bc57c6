/// What the marker segments before the first scan of a JPEG or JPEG-LS codestream say: which process
/// (SOF marker) and precision, the frame's size and component ids, and whether a JFIF marker is there.
/// Enough to choose a decoder and to conform the colour space as pydicom does.
struct JPEGCodestream {
    /// The start-of-frame marker's second byte: `C0` baseline, `C1` extended, `C2` progressive,
    /// `C3` lossless, `F7` JPEG-LS…
    let frameMarker: UInt8
    let precision: Int
    let width: Int
    let height: Int
    let componentIDs: [UInt8]
    let hasJFIF: Bool

    /// Scans the codestream up to its first scan; `nil` when it does not start with SOI or has no frame
    /// header (SOF) before that scan.
    init?(_ data: [UInt8]) {
        guard data.count >= 4, data[0] == 0xFF, data[1] == 0xD8 else { return nil }
        var position = 2
        var frame: (marker: UInt8, segment: ArraySlice<UInt8>)?
        var hasJFIF = false
        while position + 4 <= data.count {
            guard data[position] == 0xFF else { return nil }
            let marker = data[position + 1]
            if marker == 0xFF { position += 1; continue }  // fill byte
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { position += 2; continue }  // no length
            let length = Int(data[position + 2]) << 8 | Int(data[position + 3])
            guard length >= 2, position + 2 + length <= data.count else { return nil }
            let segment = data[(position + 4)..<(position + 2 + length)]
            if marker == 0xDA || marker == 0xD9 { break }  // first scan or end of image
            if Self.isFrameMarker(marker), frame == nil { frame = (marker, segment) }
            if marker == 0xE0, segment.starts(with: Array("JFIF".utf8)) { hasJFIF = true }
            position += 2 + length
        }
        guard let (marker, segment) = frame, segment.count >= 6 else { return nil }
        let base = segment.startIndex
        let componentCount = Int(segment[base + 5])
        guard segment.count >= 6 + 3 * componentCount else { return nil }
        frameMarker = marker
        precision = Int(segment[base])
        height = Int(segment[base + 1]) << 8 | Int(segment[base + 2])
        width = Int(segment[base + 3]) << 8 | Int(segment[base + 4])
        componentIDs = (0..<componentCount).map { segment[base + 6 + 3 * $0] }
        self.hasJFIF = hasJFIF
    }

    /// SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC); and JPEG-LS's SOF55 (F7).
    static func isFrameMarker(_ marker: UInt8) -> Bool {
        ((0xC0...0xCF).contains(marker) && ![0xC4, 0xC8, 0xCC].contains(marker)) || marker == 0xF7
    }

    /// The Photometric Interpretation pydicom uses for this codestream (`_conform_jpg_colorspace`): for
    /// three components, component ids "RGB" mean RGB whatever the dataset says, and a JFIF marker means
    /// YCbCr unless the dataset already says YBR (pydicom's YBR_FULL_422 or YBR_FULL, which convert alike).
    func conformed(_ photometric: DICOMPhotometricInterpretation,
                   samplesPerPixel: Int) -> DICOMPhotometricInterpretation {
        guard samplesPerPixel == 3 else { return photometric }
        if componentIDs == Array("RGB".utf8) || componentIDs == Array("rgb".utf8) { return .rgb }
        if hasJFIF, !photometric.rawValue.contains("YBR") { return .ybrFull }
        return photometric
    }
}
