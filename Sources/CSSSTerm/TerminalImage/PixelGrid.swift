import CSSSClinic

/// An 8-bit RGB colour.
struct RGB: Hashable, Sendable {
    var r: UInt8
    var g: UInt8
    var b: UInt8

    /// The squared distance to `other` in RGB space: what "nearest colour" means here.
    func distanceSquared(to other: RGB) -> Int {
        let dr = Int(r) - Int(other.r), dg = Int(g) - Int(other.g), db = Int(b) - Int(other.b)
        return dr * dr + dg * dg + db * db
    }
}

/// An image resampled to exactly the pixels a terminal will show: 8-bit RGB, row-major, top row first.
struct PixelGrid: Sendable {
    let width: Int
    let height: Int
    /// `width × height` pixels, `R, G, B` interleaved.
    let rgb: [UInt8]
    /// Whether every pixel is grey (R = G = B), as for a gray scan.
    let isGray: Bool

    /// The pixel at column `x`, row `y`.
    subscript(x: Int, y: Int) -> RGB {
        self[pixel: y * width + x]
    }

    /// The pixel at a row-major position.
    subscript(pixel index: Int) -> RGB {
        RGB(r: rgb[3 * index], g: rgb[3 * index + 1], b: rgb[3 * index + 2])
    }
}

extension PixelGrid {
    /// `image` resampled to `width × height` by area averaging (a box filter): each output pixel is the
    /// mean of the source pixels it covers, each weighted by how much of it is covered.
    ///
    /// Nearest-neighbour sampling would drop a thin line or a small nodule altogether; averaging only fades
    /// it. Scaling up, each source pixel becomes a block. 16-bit samples are reduced to their high byte first.
    ///
    /// - Complexity: O(source pixels + output pixels × source rows per output row).
    init(resampling image: ScanImage, width: Int, height: Int) {
        let channels = image.colorModel.channelCount
        let source = image.bytes()
        let columns = BoxFilterAxis(input: image.width, output: width)
        let rows = BoxFilterAxis(input: image.height, output: height)
        let rowLength = width * channels

        // Horizontal pass over every source row, then a vertical pass that blends whole rows, so that the
        // inner loops run over contiguous memory.
        var narrowed = [Float](repeating: 0, count: image.height * rowLength)
        source.withUnsafeBufferPointer { source in
            narrowed.withUnsafeMutableBufferPointer { narrowed in
                for y in 0..<image.height {
                    let sourceRow = y &* image.width &* channels
                    let targetRow = y &* rowLength
                    for x in 0..<width {
                        let taps = columns.taps(for: x)
                        for channel in 0..<channels {
                            var sum: Float = 0
                            for (offset, weight) in taps.weights.enumerated() {
                                sum += Float(source[sourceRow &+ (taps.first &+ offset) &* channels &+ channel]) * weight
                            }
                            narrowed[targetRow &+ x &* channels &+ channel] = sum
                        }
                    }
                }
            }
        }

        var samples = [UInt8](repeating: 0, count: height * rowLength)
        var accumulator = [Float](repeating: 0, count: rowLength)
        narrowed.withUnsafeBufferPointer { narrowed in
            for y in 0..<height {
                for index in 0..<rowLength { accumulator[index] = 0 }
                let taps = rows.taps(for: y)
                for (offset, weight) in taps.weights.enumerated() {
                    let sourceRow = (taps.first &+ offset) &* rowLength
                    for index in 0..<rowLength {
                        accumulator[index] += narrowed[sourceRow &+ index] * weight
                    }
                }
                for index in 0..<rowLength {
                    samples[y &* rowLength &+ index] = UInt8(min(255, max(0, accumulator[index].rounded())))
                }
            }
        }

        self.width = width
        self.height = height
        if channels == 3 {
            rgb = samples
            isGray = Self.allGrey(samples)
        } else {
            var expanded = [UInt8](repeating: 0, count: samples.count * 3)
            for (index, value) in samples.enumerated() {
                expanded[3 &* index] = value
                expanded[3 &* index &+ 1] = value
                expanded[3 &* index &+ 2] = value
            }
            rgb = expanded
            isGray = true
        }
    }

    /// Whether every RGB triple has R = G = B.
    private static func allGrey(_ rgb: [UInt8]) -> Bool {
        for index in stride(from: 0, to: rgb.count, by: 3) where rgb[index] != rgb[index + 1] || rgb[index] != rgb[index + 2] {
            return false
        }
        return true
    }
}

/// For each output coordinate along one axis, the run of source coordinates it covers and their weights,
/// which sum to 1.
struct BoxFilterAxis: Sendable {
    private var firsts: [Int] = []
    private var ends: [Int] = []
    private var weights: [Float] = []

    init(input: Int, output: Int) {
        let scale = Double(input) / Double(output)
        for index in 0..<output {
            let start = Double(index) * scale, end = start + scale
            var source = min(input - 1, Int(start))
            firsts.append(source)
            // Rounding can leave a sliver of the next source pixel; it is kept, with its tiny weight.
            while source < input, Double(source) < end {
                let covered = min(end, Double(source + 1)) - max(start, Double(source))
                weights.append(Float(covered / scale))
                source += 1
            }
            ends.append(weights.count)
        }
    }

    /// The first source coordinate output `index` covers, and the weights of it and those after it.
    func taps(for index: Int) -> (first: Int, weights: ArraySlice<Float>) {
        (firsts[index], weights[(index == 0 ? 0 : ends[index - 1])..<ends[index]])
    }
}
