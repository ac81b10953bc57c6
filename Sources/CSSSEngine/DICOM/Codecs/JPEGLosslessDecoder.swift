/// Decodes JPEG lossless codestreams (process 14, SOF3; ITU T.81 Annex H): each sample is a prediction
/// from its decoded neighbours (selection values 1–7) plus a Huffman-coded difference, at 2 to 16 bits.
///
/// Written in Swift, bounds-checked, rather than through a C library: libjpeg-turbo 2.1 has no lossless
/// support, and the decoder is small. Supports interleaved and one-component scans, restart intervals
/// of whole rows and point transforms; not sub-sampled components or hierarchical (differential) frames.
struct JPEGLosslessDecoder {
    private struct Frame {
        let precision: Int
        let width: Int
        let height: Int
        let componentIDs: [UInt8]
    }

    private let data: [UInt8]
    private var tables = [JPEGHuffmanTable?](repeating: nil, count: 4)
    private var restartInterval = 0
    private var frame: Frame?
    private var samples: [UInt16] = []
    private var decodedComponents = Set<Int>()

    /// The samples of a `width` × `height` image of `components` interleaved components; the codestream
    /// must describe exactly that image.
    static func decode(_ data: [UInt8], width: Int, height: Int,
                       components: Int) throws(CodestreamFailure) -> [UInt16] {
        var decoder = JPEGLosslessDecoder(data: data)
        try decoder.readMarkers(width: width, height: height, components: components)
        return decoder.samples
    }

    private init(data: [UInt8]) {
        self.data = data
    }

    private mutating func readMarkers(width: Int, height: Int, components: Int) throws(CodestreamFailure) {
        guard data.count >= 2, data[0] == 0xFF, data[1] == 0xD8 else { throw fail("no start-of-image marker") }
        var position = 2
        while true {
            guard position + 1 < data.count else { throw fail("the codestream ends before its end-of-image marker") }
            guard data[position] == 0xFF else { throw fail("expected a marker at byte \(position)") }
            let marker = data[position + 1]
            if marker == 0xFF { position += 1; continue }
            position += 2
            if marker == 0xD9 { break }
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { continue }
            guard position + 2 <= data.count else { throw fail("a marker segment runs past the end") }
            let length = Int(data[position]) << 8 | Int(data[position + 1])
            guard length >= 2, position + length <= data.count else { throw fail("a marker segment runs past the end") }
            let segment = data[(position + 2)..<(position + length)]
            position += length
            switch marker {
            case 0xC3: try readFrame(segment, width: width, height: height, components: components)
            case 0xC4: try readHuffmanTables(segment)
            case 0xDD:
                guard segment.count >= 2 else { throw fail("a short DRI segment") }
                restartInterval = Int(segment[segment.startIndex]) << 8 | Int(segment[segment.startIndex + 1])
            case 0xDA: position = try decodeScan(header: segment, dataStart: position)
            case let other where JPEGCodestream.isFrameMarker(other):
                throw fail("frame marker FF\(String(other, radix: 16, uppercase: true)) in a lossless codestream")
            default: break  // APPn, COM, DQT, DNL: nothing the decoder needs
            }
        }
        guard frame != nil, decodedComponents.count == components else {
            throw fail("the codestream ends before every component has been coded")
        }
    }

    private mutating func readFrame(_ segment: ArraySlice<UInt8>, width: Int, height: Int,
                                    components: Int) throws(CodestreamFailure) {
        guard frame == nil else { throw fail("a second frame header") }
        let bytes = Array(segment)
        guard bytes.count >= 6, bytes.count >= 6 + 3 * Int(bytes[5]) else { throw fail("a short SOF3 segment") }
        let precision = Int(bytes[0])
        let frameHeight = Int(bytes[1]) << 8 | Int(bytes[2]), frameWidth = Int(bytes[3]) << 8 | Int(bytes[4])
        let count = Int(bytes[5])
        guard (2...16).contains(precision) else { throw fail("precision \(precision)") }
        guard frameWidth == width, frameHeight == height, count == components else {
            throw fail("the codestream holds \(frameWidth)×\(frameHeight)×\(count), "
                       + "not the \(width)×\(height)×\(components) the dataset declares")
        }
        guard (0..<count).allSatisfy({ bytes[7 + 3 * $0] == 0x11 }) else {
            throw fail("sub-sampled components are not supported")
        }
        frame = Frame(precision: precision, width: width, height: height,
                      componentIDs: (0..<count).map { bytes[6 + 3 * $0] })
        samples = [UInt16](repeating: 0, count: width * height * count)
    }

    private mutating func readHuffmanTables(_ segment: ArraySlice<UInt8>) throws(CodestreamFailure) {
        var position = segment.startIndex
        while position < segment.endIndex {
            guard position + 17 <= segment.endIndex else { throw fail("a short DHT segment") }
            let classAndIndex = segment[position]
            let counts = segment[(position + 1)..<(position + 17)]
            let total = counts.reduce(0) { $0 + Int($1) }
            guard classAndIndex & 0x0F < 4, position + 17 + total <= segment.endIndex else {
                throw fail("an invalid DHT segment")
            }
            let values = segment[(position + 17)..<(position + 17 + total)]
            tables[Int(classAndIndex & 0x0F)] = try JPEGHuffmanTable(counts: counts, values: values)
            position += 17 + total
        }
    }

    /// Decodes one scan whose entropy-coded data starts at `dataStart`; returns where the next marker is.
    private mutating func decodeScan(header: ArraySlice<UInt8>, dataStart: Int) throws(CodestreamFailure) -> Int {
        guard let frame else { throw fail("a scan before the frame header") }
        let bytes = Array(header)
        guard let count = bytes.first.map(Int.init), (1...4).contains(count), bytes.count >= 4 + 2 * count else {
            throw fail("a short SOS segment")
        }
        var components: [(index: Int, table: JPEGHuffmanTable)] = []
        for scanComponent in 0..<count {
            let id = bytes[1 + 2 * scanComponent], tableIndex = Int(bytes[2 + 2 * scanComponent] >> 4)
            guard let index = frame.componentIDs.firstIndex(of: id) else { throw fail("a scan of unknown component \(id)") }
            guard tableIndex < 4, let table = tables[tableIndex] else { throw fail("a scan uses an undefined Huffman table") }
            components.append((index, table))
        }
        let predictor = Int(bytes[1 + 2 * count]), pointTransform = Int(bytes[3 + 2 * count] & 0x0F)
        guard (1...7).contains(predictor) else { throw fail("predictor \(predictor)") }
        guard pointTransform < frame.precision else { throw fail("point transform \(pointTransform)") }
        let width = frame.width, stride = frame.componentIDs.count
        guard restartInterval % width == 0 else {
            throw fail("a restart interval of \(restartInterval) samples in rows of \(width)")
        }
        let rowsPerInterval = restartInterval / width  // 0: no restarts
        let initialPrediction = 1 << (frame.precision - pointTransform - 1)

        // The scan writes into a local array (put back on every exit): indexing `self.samples` in the loop
        // would make each access check exclusive access to `self`.
        var output = samples
        samples = []
        defer { samples = output }
        let indices = components.map(\.index), tables = components.map(\.table)
        var reader = JPEGBitReader(data, from: dataStart)
        var restarts = 0
        for row in 0..<frame.height {
            let startsInterval = rowsPerInterval > 0 ? row % rowsPerInterval == 0 : row == 0
            if startsInterval, row > 0 {
                try reader.restart(number: restarts)
                restarts += 1
            }
            for column in 0..<width {
                for scanComponent in 0..<indices.count {
                    let index = (row * width + column) * stride + indices[scanComponent]
                    let prediction: Int
                    if startsInterval {
                        prediction = column == 0 ? initialPrediction : Int(output[index - stride])
                    } else if column == 0 {
                        prediction = Int(output[index - width * stride])
                    } else {
                        let left = Int(output[index - stride]), above = Int(output[index - width * stride])
                        let diagonal = Int(output[index - width * stride - stride])
                        prediction = Self.predict(predictor, left: left, above: above, diagonal: diagonal)
                    }
                    let difference = try reader.difference(tables[scanComponent])
                    output[index] = UInt16(truncatingIfNeeded: prediction + difference)
                }
            }
        }
        let next = try reader.endOfSegment()
        for component in indices {
            decodedComponents.insert(component)
            if pointTransform > 0 {
                for index in Swift.stride(from: component, to: output.count, by: stride) {
                    output[index] <<= UInt16(pointTransform)
                }
            }
        }
        return next
    }

    /// The predictors of T.81 Table H.1 (Ra left, Rb above, Rc above-left).
    private static func predict(_ selection: Int, left: Int, above: Int, diagonal: Int) -> Int {
        switch selection {
        case 1: left
        case 2: above
        case 3: diagonal
        case 4: left + above - diagonal
        case 5: left + ((above - diagonal) >> 1)
        case 6: above + ((left - diagonal) >> 1)
        default: (left + above) >> 1
        }
    }

    private func fail(_ reason: String) -> CodestreamFailure { CodestreamFailure(reason: reason) }
}
