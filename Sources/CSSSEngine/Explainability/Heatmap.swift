/// A class-activation map ready to be drawn: `width × height` intensities in 0…1, row-major, top row first,
/// as Grad-CAM gives them (`raw / max(raw)`, often 5 × 5 or 7 × 7, and all zeros when nothing activates).
///
/// Finite values outside 0…1 are clamped into it, since the colour map and the zone finder read 0 as
/// "no activation" and 1 as "the strongest"; a value 1 ulp above 1 from normalisation is common. A NaN or an
/// infinity is refused rather than silently drawn: it means the map was computed wrongly, and an explanation
/// shown to a clinician must not hide that.
public struct Heatmap: Sendable, Equatable {
    /// The number of columns.
    public let width: Int
    /// The number of rows.
    public let height: Int
    /// The intensities, row-major, top row first, each in 0…1.
    public let values: [Float]

    /// Checks and clamps a map.
    ///
    /// - Throws: ``HeatmapError/sizeMismatch(width:height:valueCount:)`` when the values do not fill
    ///   `width × height` (or a side is not positive), ``HeatmapError/nonFinite(row:column:)`` at the first
    ///   NaN or infinity.
    public init(width: Int, height: Int, values: [Float]) throws(HeatmapError) {
        guard width > 0, height > 0, values.count == width * height else {
            throw .sizeMismatch(width: width, height: height, valueCount: values.count)
        }
        if let index = values.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(row: index / width, column: index % width)
        }
        self.width = width
        self.height = height
        self.values = values.map { min(max($0, 0), 1) }
    }

    /// The largest intensity, 0 for an all-zero map.
    public var maximum: Float { values.max() ?? 0 }
}

/// Why a heatmap or a heatmap option was refused.
public enum HeatmapError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The values do not fill a `width × height` map, or a side is not positive.
    case sizeMismatch(width: Int, height: Int, valueCount: Int)
    /// The map holds a NaN or an infinity at this cell (the first one met, row-major).
    case nonFinite(row: Int, column: Int)
    /// An option is outside its range, for example an overlay alpha of 1.5; `allowed` is that range, as
    /// `"[0, 1]"`.
    case optionOutOfRange(name: String, value: Double, allowed: String)

    /// One line saying what is wrong.
    public var description: String {
        switch self {
        case .sizeMismatch(let width, let height, let valueCount):
            "a \(width)×\(height) heatmap needs \(max(width, 0) * max(height, 0)) values, not \(valueCount)"
        case .nonFinite(let row, let column):
            "the heatmap holds a NaN or infinity at row \(row), column \(column)"
        case .optionOutOfRange(let name, let value, let allowed):
            "\(name) \(value) is not in \(allowed)"
        }
    }
}
