extension TileLUTs {
    /// Maps every pixel through the tables of the four tiles whose centres surround it, weighted bilinearly:
    /// OpenCV's `CLAHE_Interpolation_Body` (clahe.cpp) in its float32 operation order. Pixels outside the
    /// outermost centres use the nearest tiles' tables, with their weights unchanged.
    func interpolate(_ source: EightBitGray) -> EightBitGray {
        let columns = ColumnBlend(width: source.width, geometry: geometry)
        let inverseTileHeight = 1 / Float(geometry.tileHeight)
        let tableRowStride = geometry.columns &* Self.binCount
        var output = [UInt8](repeating: 0, count: source.pixels.count)
        output.withUnsafeMutableBufferPointer { output in
            source.pixels.withUnsafeBufferPointer { pixels in
                tables.withUnsafeBufferPointer { tables in
                    for y in 0..<source.height {
                        // `tyf = y * inv_th - 0.5f`; the weights come from the unclamped tile index.
                        let tyf = Float(y) * inverseTileHeight - 0.5
                        let below = Int(tyf.rounded(.down))
                        let ya = tyf - Float(below), ya1 = 1 - ya
                        let upperPlane = max(below, 0) &* tableRowStride
                        let lowerPlane = min(below &+ 1, geometry.rows &- 1) &* tableRowStride
                        let row = y &* source.width
                        for x in 0..<source.width {
                            let level = Int(pixels[row &+ x])
                            let left = columns.leftTable[x] &+ level, right = columns.rightTable[x] &+ level
                            let xa = columns.rightWeight[x], xa1 = columns.leftWeight[x]
                            // `(lut1[ind1] * xa1 + lut1[ind2] * xa) * ya1 + (lut2[ind1] * xa1 + lut2[ind2] * xa) * ya`
                            let upper = Float(tables[upperPlane &+ left]) * xa1 + Float(tables[upperPlane &+ right]) * xa
                            let lower = Float(tables[lowerPlane &+ left]) * xa1 + Float(tables[lowerPlane &+ right]) * xa
                            output[row &+ x] = roundedHalfToEvenByte(upper * ya1 + lower * ya)
                        }
                    }
                }
            }
        }
        return EightBitGray(width: source.width, height: source.height, pixels: output)
    }
}

/// Per column: the offsets of the left and right tiles' tables within a row of tiles, and their weights,
/// computed once per image as OpenCV does in the `CLAHE_Interpolation_Body` constructor.
private struct ColumnBlend {
    let leftTable: [Int]
    let rightTable: [Int]
    /// `xa1 = 1 − xa`.
    let leftWeight: [Float]
    /// `xa = txf − floor(txf)`.
    let rightWeight: [Float]

    init(width: Int, geometry: TileGeometry) {
        let inverseTileWidth = 1 / Float(geometry.tileWidth)
        let positions = (0..<width).map { x in
            // `txf = x * inv_tw - 0.5f` with `inv_tw = 1.0f / tileSize.width`: a float32 reciprocal, not a division.
            let txf = Float(x) * inverseTileWidth - 0.5
            let left = Int(txf.rounded(.down))
            return (left: left, weight: txf - Float(left))
        }
        leftTable = positions.map { max($0.left, 0) &* TileLUTs.binCount }
        rightTable = positions.map { min($0.left &+ 1, geometry.columns &- 1) &* TileLUTs.binCount }
        rightWeight = positions.map(\.weight)
        leftWeight = positions.map { 1 - $0.weight }
    }
}
