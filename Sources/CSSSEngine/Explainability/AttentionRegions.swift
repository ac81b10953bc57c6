/// How strongly a heatmap activates one ``LungZone``.
public struct LungZoneActivation: Sendable, Equatable {
    /// The zone.
    public let zone: LungZone
    /// The largest value of the upsampled map inside the zone, 0…1.
    public let peak: Float
    /// The mean value of the upsampled map over the zone, 0…1.
    public let mean: Float
}

/// Names the lung zones where a chest X-ray's heatmap is strongest: the seed's `attention_regions`.
///
/// ```swift
/// let regions = AttentionRegionFinder().regions(in: map)   // e.g. [.rightLower, .rightMiddle]
/// let names = regions.map(\.rawValue)                        // ["right_lower_zone", "right_middle_zone"]
/// ```
///
/// The zones are geometry, not segmentation:
/// 1. The map is stretched over the whole image (as the overlay draws it, with ``BilinearResizer``) and read
///    on a ``gridSize`` × ``gridSize`` grid of the image. The map covers the whole image whatever its size or
///    aspect, so the image's pixel size does not change which zone a point falls in.
/// 2. The lung field is taken to be the image less a ``margin`` on each side (10% by default), which leaves
///    out most of the neck, the shoulders, the abdomen and the film's labels on a typical PA film; nothing
///    finds the lungs themselves.
/// 3. The field is halved left and right, the image's left being the patient's right under
///    ``ImageOrientation/radiological``, and cut into thirds top to bottom.
/// 4. A zone is reported when its peak reaches ``threshold`` (half by default) of the map's maximum, which
///    may lie outside the field: a map whose strongest activation is on a label in the corner names no zone.
///    Zones come strongest peak first, ties broken by the higher mean, then in ``LungZone`` order.
///
/// An all-zero map names no zone. A zone named says where the model's class score was most sensitive on a
/// coarse 5 × 5 or 7 × 7 grid (each cell a fifth or a seventh of the image); it is not a finding, and does
/// not say that the model saw disease there or that a lobe is affected.
public struct AttentionRegionFinder: Sendable {
    /// The side of the image that shows the patient's right.
    public let orientation: ImageOrientation
    /// The fraction of the map's maximum a zone's peak must reach, in (0, 1].
    public let threshold: Float
    /// The fraction of the image's width and height left out on each side, in [0, 0.5).
    public let margin: Double

    /// The grid the map is read on: fine enough that every zone holds many points of a 7 × 7 map's cells.
    public static let gridSize = 120

    /// Zones at half the maximum, a 10% margin, radiological orientation.
    public init() {
        orientation = .radiological
        threshold = 0.5
        margin = 0.1
    }

    /// A finder with its own settings.
    ///
    /// - Throws: ``HeatmapError/optionOutOfRange(name:value:allowed:)`` when `threshold` is not in (0, 1] or
    ///   `margin` not in [0, 0.5).
    public init(orientation: ImageOrientation = .radiological, threshold: Float = 0.5, margin: Double = 0.1) throws(HeatmapError) {
        guard threshold > 0, threshold <= 1 else {
            throw .optionOutOfRange(name: "threshold", value: Double(threshold), allowed: "(0, 1]")
        }
        guard margin >= 0, margin < 0.5 else {
            throw .optionOutOfRange(name: "margin", value: margin, allowed: "[0, 0.5)")
        }
        self.orientation = orientation
        self.threshold = threshold
        self.margin = margin
    }

    /// The zones whose peak reaches ``threshold`` of the map's maximum, strongest first; none for an all-zero map.
    public func regions(in map: Heatmap) -> [LungZone] {
        let maximum = map.maximum
        guard maximum > 0 else { return [] }
        return activations(in: map).filter { $0.peak >= threshold * maximum }.map(\.zone)
    }

    /// All six zones' activations, strongest peak first (ties: higher mean, then ``LungZone`` order).
    ///
    /// - Complexity: O(``gridSize``²).
    public func activations(in map: Heatmap) -> [LungZoneActivation] {
        let size = Self.gridSize
        let grid = BilinearResizer(width: map.width, height: map.height, outputWidth: size, outputHeight: size)
            .resize(map.values)
        let thirds = (0..<size).map { third(ofRow: $0) }, sides = (0..<size).map { isPatientRight(column: $0) }
        var peaks = [Float](repeating: 0, count: LungZone.allCases.count)
        var sums = [Double](repeating: 0, count: peaks.count), counts = [Int](repeating: 0, count: peaks.count)
        for row in 0..<size {
            guard let third = thirds[row] else { continue }
            for column in 0..<size {
                guard let patientRight = sides[column] else { continue }
                // LungZone lists the patient's right side's three thirds, then the left side's.
                let zone = (patientRight ? 0 : 3) + third, value = grid[row * size + column]
                peaks[zone] = max(peaks[zone], value)
                sums[zone] += Double(value)
                counts[zone] += 1
            }
        }
        let activations = LungZone.allCases.enumerated().map { index, zone in
            LungZoneActivation(zone: zone, peak: peaks[index], mean: Float(sums[index] / Double(max(counts[index], 1))))
        }
        // `sorted` is stable, so full ties stay in LungZone order.
        return activations.sorted { ($0.peak, $0.mean) > ($1.peak, $1.mean) }
    }

    /// Where grid line `index` falls across the lung field, 0..<1, or nil in the margin.
    private func fieldPosition(_ index: Int) -> Double? {
        let position = (Double(index) + 0.5) / Double(Self.gridSize)
        guard position >= margin, position < 1 - margin else { return nil }
        return (position - margin) / (1 - 2 * margin)
    }

    /// The third a grid row falls in (0 upper, 1 middle, 2 lower), or nil in the margin.
    private func third(ofRow row: Int) -> Int? {
        fieldPosition(row).map { min(Int($0 * 3), 2) }
    }

    /// Whether a grid column shows the patient's right, or nil in the margin.
    private func isPatientRight(column: Int) -> Bool? {
        fieldPosition(column).map { ($0 < 0.5) == (orientation == .radiological) }
    }
}
