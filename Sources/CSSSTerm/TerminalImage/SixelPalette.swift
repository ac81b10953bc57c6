/// The colour registers of a sixel image (at most 256) and the register each pixel is drawn with.
///
/// A gray grid gets one register per grey that a register can hold (101). A colour grid is reduced by median cut
/// over a 5-bit-a-channel histogram: the box of colours whose longest side × pixel count is largest is
/// split at its median until there are 256 boxes, and each box is drawn in the mean colour of its pixels,
/// so a grid with few colours keeps them exactly.
struct SixelPalette: Sendable {
    /// The most registers used; xterm, mlterm, foot and WezTerm offer at least this many.
    static let maximumColours = 256

    /// The register colours.
    let colours: [RGB]
    /// The register of each pixel of the grid, row-major.
    let indices: [UInt8]

    init(_ grid: PixelGrid) {
        self = grid.isGray ? Self.greys(of: grid) : Self.medianCut(of: grid)
    }

    private init(colours: [RGB], indices: [UInt8]) {
        self.colours = colours
        self.indices = indices
    }

    /// One register per grey a sixel terminal can tell apart: register colours are given in whole
    /// percent, so the 256 levels of a scan make only 101 distinct greys, and registers for the other
    /// levels would only cut the image into more pieces.
    private static func greys(of grid: PixelGrid) -> SixelPalette {
        let pixelCount = grid.width * grid.height
        var present = [Bool](repeating: false, count: 101)
        for pixel in 0..<pixelCount { present[percent(grid.rgb[3 * pixel])] = true }
        var register = [UInt8](repeating: 0, count: 101)
        var colours: [RGB] = []
        for level in 0...100 where present[level] {
            register[level] = UInt8(colours.count)
            let grey = UInt8((level * 255 + 50) / 100)
            colours.append(RGB(r: grey, g: grey, b: grey))
        }
        let indices = (0..<pixelCount).map { register[percent(grid.rgb[3 * $0])] }
        return SixelPalette(colours: colours, indices: indices)
    }

    /// A sample as a register gives it: in whole percent, rounded.
    static func percent(_ sample: UInt8) -> Int {
        (Int(sample) * 100 + 127) / 255
    }

    private static func medianCut(of grid: PixelGrid) -> SixelPalette {
        let pixelCount = grid.width * grid.height
        var histogram = ColourHistogram()
        var bins = [Int](repeating: 0, count: pixelCount)
        for pixel in 0..<pixelCount {
            bins[pixel] = histogram.add(grid[pixel: pixel])
        }

        var occupied = (0..<ColourHistogram.binCount).filter { histogram.counts[$0] > 0 }
        var boxes = [ColourBox(occupied.indices, of: occupied, in: histogram)]
        while boxes.count < maximumColours,
              let widest = boxes.indices.max(by: { boxes[$0].priority < boxes[$1].priority }),
              boxes[widest].priority > 0 {
            let box = boxes[widest]
            let channel = box.longestChannel
            occupied[box.bins].sort { ColourHistogram.level(of: $0, channel: channel) < ColourHistogram.level(of: $1, channel: channel) }
            let split = box.medianSplit(of: occupied, in: histogram)
            boxes[widest] = ColourBox(box.bins.lowerBound..<split, of: occupied, in: histogram)
            boxes.append(ColourBox(split..<box.bins.upperBound, of: occupied, in: histogram))
        }

        var register = [UInt8](repeating: 0, count: ColourHistogram.binCount)
        var colours: [RGB] = []
        for (index, box) in boxes.enumerated() {
            for bin in occupied[box.bins] { register[bin] = UInt8(index) }
            colours.append(histogram.meanColour(of: occupied[box.bins]))
        }
        return SixelPalette(colours: colours, indices: bins.map { register[$0] })
    }
}

/// How many pixels fall in each cell of a 32×32×32 RGB grid, and their colour sums.
private struct ColourHistogram {
    static let binCount = 1 << 15

    private(set) var counts = [Int](repeating: 0, count: binCount)
    private var sums = [Int](repeating: 0, count: 3 * binCount)

    /// Counts a pixel; returns its bin.
    mutating func add(_ colour: RGB) -> Int {
        let bin = Int(colour.r >> 3) << 10 | Int(colour.g >> 3) << 5 | Int(colour.b >> 3)
        counts[bin] += 1
        sums[3 * bin] += Int(colour.r)
        sums[3 * bin + 1] += Int(colour.g)
        sums[3 * bin + 2] += Int(colour.b)
        return bin
    }

    /// The 5-bit level of `bin` in a channel (0 red, 1 green, 2 blue).
    static func level(of bin: Int, channel: Int) -> Int {
        bin >> (10 - 5 * channel) & 31
    }

    /// The mean colour of the pixels in `bins`.
    func meanColour(of bins: ArraySlice<Int>) -> RGB {
        var total = 0, r = 0, g = 0, b = 0
        for bin in bins {
            total += counts[bin]
            r += sums[3 * bin]
            g += sums[3 * bin + 1]
            b += sums[3 * bin + 2]
        }
        func mean(_ sum: Int) -> UInt8 { UInt8((sum + total / 2) / total) }
        return RGB(r: mean(r), g: mean(g), b: mean(b))
    }
}

/// A run of occupied histogram bins that one register will stand for.
private struct ColourBox {
    let bins: Range<Int>
    let longestChannel: Int
    /// How much splitting this box helps: its longest side times its pixels; zero for a single bin.
    let priority: Int
    private let pixels: Int

    init(_ bins: Range<Int>, of occupied: [Int], in histogram: ColourHistogram) {
        var low = [31, 31, 31], high = [0, 0, 0], pixels = 0
        for bin in occupied[bins] {
            pixels += histogram.counts[bin]
            for channel in 0..<3 {
                let level = ColourHistogram.level(of: bin, channel: channel)
                low[channel] = min(low[channel], level)
                high[channel] = max(high[channel], level)
            }
        }
        let longest = [0, 1, 2].max { high[$0] - low[$0] < high[$1] - low[$1] } ?? 0
        self.bins = bins
        self.longestChannel = longest
        self.pixels = pixels
        self.priority = (high[longest] - low[longest]) * pixels
    }

    /// Where to cut the box, once its bins are sorted along the longest channel: the first bin past half
    /// of its pixels, keeping both halves non-empty.
    func medianSplit(of occupied: [Int], in histogram: ColourHistogram) -> Int {
        var seen = 0
        for index in bins.dropLast() {
            seen += histogram.counts[occupied[index]]
            if 2 * seen >= pixels { return index + 1 }
        }
        return bins.upperBound - 1
    }
}
