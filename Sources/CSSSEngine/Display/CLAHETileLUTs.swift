/// The look-up tables of all CLAHE tiles, 256 bytes per tile, tiles row-major: OpenCV's
/// `CLAHE_CalcLut_Body` (clahe.cpp), then its `CLAHE_Interpolation_Body` in ``interpolate(_:)``.
///
/// The rounding helper at the end of this file sits beside the loops that call it, so that it is inlined
/// in debug builds too, which compile each file on its own.
struct TileLUTs {
    static let binCount = 256

    let geometry: TileGeometry
    /// `tables[tile * 256 + level]`.
    let tables: [UInt8]

    init(_ source: EightBitGray, geometry: TileGeometry, clipLimit: Double) {
        self.geometry = geometry
        let histograms = Self.histograms(of: Self.padded(source, to: geometry), geometry: geometry)
        let tileArea = geometry.tileArea
        // `static_cast<int>(clipLimit_ * tileSizeTotal / histSize)`: double arithmetic, truncated. No bin can
        // exceed the tile area, so capping there changes nothing and keeps a huge limit from trapping.
        let exactLimit = clipLimit * Double(tileArea) / Double(Self.binCount)
        let binLimit = clipLimit > 0 ? max(Int(min(exactLimit, Double(tileArea))), 1) : 0
        // `static_cast<float>(histSize - 1) / tileSizeTotal`, a float32 division.
        let lutScale = Float(Self.binCount - 1) / Float(tileArea)
        var tables = [UInt8](repeating: 0, count: histograms.count)
        tables.withUnsafeMutableBufferPointer { tables in
            histograms.withUnsafeBufferPointer { histograms in
                for start in stride(from: 0, to: histograms.count, by: Self.binCount) {
                    var histogram = Array(histograms[start..<start + Self.binCount])
                    if binLimit > 0 { Self.clip(&histogram, at: binLimit) }
                    var sum: Int32 = 0
                    for bin in 0..<Self.binCount {
                        sum &+= histogram[bin]
                        tables[start &+ bin] = roundedHalfToEvenByte(Float(sum) * lutScale)
                    }
                }
            }
        }
        self.tables = tables
    }

    /// Caps every bin at `limit` and hands the excess back: an equal share to every bin, then one more to
    /// every `256 / residual`-th bin from 0 until the remainder is used up (clahe.cpp, "redistribute
    /// clipped pixels": `redistBatch`, `residual`, `residualStep`).
    static func clip(_ histogram: inout [Int32], at limit: Int) {
        let limit = Int32(limit)
        var clipped: Int32 = 0
        for bin in 0..<binCount where histogram[bin] > limit {
            clipped &+= histogram[bin] &- limit
            histogram[bin] = limit
        }
        let batch = clipped / Int32(binCount)
        var residual = Int(clipped) - Int(batch) * binCount
        for bin in 0..<binCount { histogram[bin] &+= batch }
        guard residual > 0 else { return }
        let step = max(binCount / residual, 1)
        var bin = 0
        while bin < binCount && residual > 0 {
            histogram[bin] &+= 1
            bin += step
            residual -= 1
        }
    }

    /// One 256-bin histogram per tile, counted over the padded image row by row.
    private static func histograms(of padded: EightBitGray, geometry: TileGeometry) -> [Int32] {
        var histograms = [Int32](repeating: 0, count: geometry.columns * geometry.rows * binCount)
        histograms.withUnsafeMutableBufferPointer { histograms in
            padded.pixels.withUnsafeBufferPointer { pixels in
                for y in 0..<padded.height {
                    let row = y &* padded.width
                    let tileRowStart = (y / geometry.tileHeight) &* geometry.columns
                    for tileColumn in 0..<geometry.columns {
                        let histogram = (tileRowStart &+ tileColumn) &* binCount
                        let start = row &+ tileColumn &* geometry.tileWidth
                        for x in start..<start &+ geometry.tileWidth {
                            histograms[histogram &+ Int(pixels[x])] &+= 1
                        }
                    }
                }
            }
        }
        return histograms
    }

    /// The image extended at the right and bottom to the padded size by `BORDER_REFLECT_101`
    /// (… c d | c b …, the edge pixel not repeated); the image itself when no padding is needed.
    private static func padded(_ source: EightBitGray, to geometry: TileGeometry) -> EightBitGray {
        guard geometry.paddedWidth != source.width || geometry.paddedHeight != source.height else { return source }
        let columns = (0..<geometry.paddedWidth).map { reflect101($0, length: source.width) }
        let rows = (0..<geometry.paddedHeight).map { reflect101($0, length: source.height) }
        let sourceWidth = source.width
        var pixels = [UInt8](repeating: 0, count: geometry.paddedWidth * geometry.paddedHeight)
        pixels.withUnsafeMutableBufferPointer { pixels in
            source.pixels.withUnsafeBufferPointer { source in
                var index = 0
                for row in rows {
                    let sourceRow = row &* sourceWidth
                    for column in columns {
                        pixels[index] = source[sourceRow &+ column]
                        index &+= 1
                    }
                }
            }
        }
        return EightBitGray(width: geometry.paddedWidth, height: geometry.paddedHeight, pixels: pixels)
    }

    /// OpenCV's `borderInterpolate(p, length, BORDER_REFLECT_101)`: mirrors about the edge pixel, again and
    /// again when the padding is longer than the image.
    static func reflect101(_ position: Int, length: Int) -> Int {
        guard length > 1 else { return 0 }
        var position = position
        while position < 0 || position >= length {
            position = position < 0 ? -position : 2 * length - 2 - position
        }
        return position
    }
}

extension TileLUTs {
    /// Maps every pixel through the tables of the four tiles whose centres surround it, weighted bilinearly:
    /// OpenCV's `CLAHE_Interpolation_Body` (clahe.cpp) in its float32 operation order. Pixels outside the
    /// outermost centres use the nearest tiles' tables, with their weights unchanged.
    func interpolate(_ source: EightBitGray) -> EightBitGray {
        let columns = ColumnBlend.taps(width: source.width, geometry: geometry)
        let inverseTileHeight = 1 / Float(geometry.tileHeight)
        let tableRowStride = geometry.columns &* Self.binCount
        var output = [UInt8](repeating: 0, count: source.pixels.count)
        output.withUnsafeMutableBufferPointer { output in
            source.pixels.withUnsafeBufferPointer { pixels in
                tables.withUnsafeBufferPointer { tables in
                    columns.withUnsafeBufferPointer { columns in
                        for y in 0..<source.height {
                            // `tyf = y * inv_th - 0.5f`; the weights come from the unclamped tile index.
                            let tyf = Float(y) * inverseTileHeight - 0.5
                            let above = Int(tyf.rounded(.down))
                            let ya = tyf - Float(above), ya1 = 1 - ya
                            let upper = max(above, 0) &* tableRowStride
                            let lower = min(above &+ 1, geometry.rows &- 1) &* tableRowStride
                            let row = y &* source.width
                            for x in 0..<source.width {
                                let level = Int(pixels[row &+ x]), column = columns[x]
                                let left = Int(column.leftTable) &+ level, right = Int(column.rightTable) &+ level
                                // `(lut1[ind1] * xa1 + lut1[ind2] * xa) * ya1 + (lut2[ind1] * xa1 + lut2[ind2] * xa) * ya`
                                let top = Float(tables[upper &+ left]) * column.leftWeight
                                    + Float(tables[upper &+ right]) * column.rightWeight
                                let bottom = Float(tables[lower &+ left]) * column.leftWeight
                                    + Float(tables[lower &+ right]) * column.rightWeight
                                output[row &+ x] = roundedHalfToEvenByte(top * ya1 + bottom * ya)
                            }
                        }
                    }
                }
            }
        }
        return EightBitGray(width: source.width, height: source.height, pixels: output)
    }
}

/// One column's share of the blend: where the left and right tiles' tables start within a row of tiles,
/// and their weights, computed once per image as OpenCV does in the `CLAHE_Interpolation_Body` constructor.
private struct ColumnBlend {
    let leftTable: Int32
    let rightTable: Int32
    /// `xa1 = 1 − xa`.
    let leftWeight: Float
    /// `xa = txf − floor(txf)`.
    let rightWeight: Float

    static func taps(width: Int, geometry: TileGeometry) -> [ColumnBlend] {
        let inverseTileWidth = 1 / Float(geometry.tileWidth)
        return (0..<width).map { x in
            // `txf = x * inv_tw - 0.5f` with `inv_tw = 1.0f / tileSize.width`: a float32 reciprocal, not a division.
            let txf = Float(x) * inverseTileWidth - 0.5
            let left = Int(txf.rounded(.down))
            let xa = txf - Float(left)
            return ColumnBlend(leftTable: Int32(max(left, 0) &* TileLUTs.binCount),
                               rightTable: Int32(min(left &+ 1, geometry.columns &- 1) &* TileLUTs.binCount),
                               leftWeight: 1 - xa, rightWeight: xa)
        }
    }
}

/// OpenCV's `saturate_cast<uchar>(float)` for the non-negative values CLAHE produces: `cvRound`, which is
/// `cvtss2si` under the default rounding mode (half to even), then clamped to 255.
///
/// Adding 2²³ makes the float unit round to an integer, half to even, and leaves that integer in the low
/// mantissa bits; reading it from there takes two integer instructions, where `rounded(.toNearestOrEven)`
/// would be a call to `rintf` per pixel (baseline x86-64 has no rounding instruction) followed by a
/// range-checked conversion.
@inline(__always)
private func roundedHalfToEvenByte(_ value: Float) -> UInt8 {
    let integer = (value + 0x1p23).bitPattern & 0x7F_FFFF
    return UInt8(truncatingIfNeeded: min(integer, 255))
}
