/// Contrast Limited Adaptive Histogram Equalization of an 8-bit gray image, equal to OpenCV's
/// `cv2.createCLAHE(clipLimit, tileGridSize).apply(image)`.
///
/// A port of `CLAHE_Impl` in OpenCV's `modules/imgproc/src/clahe.cpp` (4.x, unchanged in 5.0): the image is
/// cut into a grid of tiles; each tile's histogram is clipped at `clipLimit` times its mean bin height and
/// the excess spread over all bins; the cumulative histogram is the tile's look-up table; each pixel blends
/// the tables of the four nearest tile centres bilinearly. Every integer and float32 step follows OpenCV's,
/// so the output is the same byte for byte (see `bench/clahe_vs_opencv.py`).
///
/// ```swift
/// let enhanced = try CLAHE().apply(to: windowed)                                  // 2.0, 8×8
/// let stronger = try CLAHE(clipLimit: 4, tileColumns: 16, tileRows: 16).apply(to: windowed)
/// ```
///
/// - Complexity: O(pixels + tiles × 256).
public struct CLAHE: Sendable, Equatable {
    /// The contrast limit: a histogram bin may hold at most `clipLimit × tile area / 256` pixels
    /// (at least 1). Zero or less turns clipping off, which is plain adaptive equalization.
    public let clipLimit: Double
    /// Tiles across (`tileGridSize.width`).
    public let tileColumns: Int
    /// Tiles down (`tileGridSize.height`).
    public let tileRows: Int

    /// The parameters of `cv2.createCLAHE(clipLimit, (tileColumns, tileRows))`; the defaults, 2.0 and 8×8,
    /// are the usual setting for radiographs (OpenCV's own default clip limit is 40).
    ///
    /// - Throws: ``DisplayError/invalidTileGrid(columns:rows:)`` unless both counts are in 1…256.
    public init(clipLimit: Double = 2.0, tileColumns: Int = 8, tileRows: Int = 8) throws(DisplayError) {
        guard Self.tileCounts.contains(tileColumns), Self.tileCounts.contains(tileRows) else {
            throw .invalidTileGrid(columns: tileColumns, rows: tileRows)
        }
        self.clipLimit = clipLimit
        self.tileColumns = tileColumns
        self.tileRows = tileRows
    }

    /// The tile counts allowed per side. OpenCV sets no bound, but past a few dozen tiles of a few pixels
    /// each the result is noise, and the bound keeps the 256-entry table per tile within memory.
    public static let tileCounts = 1...256

    /// The equalized image.
    ///
    /// - Throws: ``DisplayError/notEightBitGray(colorModel:bitDepth:)`` for any other image.
    public func apply(to image: Image) throws(DisplayError) -> Image {
        let source = try EightBitGray(image)
        let geometry = TileGeometry(width: source.width, height: source.height, columns: tileColumns, rows: tileRows)
        let luts = TileLUTs(source, geometry: geometry, clipLimit: clipLimit)
        return luts.interpolate(source).image
    }
}

/// How OpenCV cuts an image into tiles (`CLAHE_Impl::apply`).
struct TileGeometry {
    let columns: Int
    let rows: Int
    /// Each tile's size: the padded size divided by the grid.
    let tileWidth: Int
    let tileHeight: Int
    /// The image size after OpenCV's padding.
    let paddedWidth: Int
    let paddedHeight: Int

    init(width: Int, height: Int, columns: Int, rows: Int) {
        self.columns = columns
        self.rows = rows
        // OpenCV pads only when a side is not divisible, but then pads *both* sides by `grid − size % grid`,
        // so a side that was divisible grows by a whole tile row or column (clahe.cpp, copyMakeBorder call).
        let divisible = width % columns == 0 && height % rows == 0
        paddedWidth = divisible ? width : width + columns - width % columns
        paddedHeight = divisible ? height : height + rows - height % rows
        tileWidth = paddedWidth / columns
        tileHeight = paddedHeight / rows
    }

    var tileArea: Int { tileWidth * tileHeight }
}
