import Foundation

/// The VOI LUT Function (0028,1056): how a window maps modality values to output values.
public enum VOIFunction: Sendable, Equatable, CaseIterable {
    /// `LINEAR`, the default (PS3.3 C.11.2.1.2.1): the classic window with its half-pixel offsets.
    case linear
    /// `LINEAR_EXACT` (PS3.3 C.11.2.1.3.2): the same ramp without the offsets.
    case linearExact
    /// `SIGMOID` (PS3.3 C.11.2.1.3.1): a logistic curve through the centre.
    case sigmoid

    /// The function for a defined term as it appears in a file (case and padding ignored), or `nil` for
    /// a term DICOM does not define.
    public init?(dicomName: String) {
        let term = dicomName.trimmingCharacters(in: .whitespaces).uppercased()
        guard let function = Self.allCases.first(where: { $0.dicomName == term }) else { return nil }
        self = function
    }

    /// The defined term: `LINEAR`, `LINEAR_EXACT` or `SIGMOID`.
    public var dicomName: String {
        switch self {
        case .linear: "LINEAR"
        case .linearExact: "LINEAR_EXACT"
        case .sigmoid: "SIGMOID"
        }
    }
}

/// The two values a VOI function maps onto: `yMin` for everything below the window, `yMax` above it.
///
/// For display this is 0…255 (``eightBit``). pydicom's `apply_voi_lut` instead maps onto the range of the
/// input domain, which ``GrayscaleFrame/voiOutputRange`` gives; `yMin` may exceed `yMax` after a rescale
/// with a negative slope, and pydicom keeps that orientation.
public struct VOIOutputRange: Sendable, Equatable {
    /// The output for values at or below the window's lower edge.
    public let yMin: Double
    /// The output for values above the window's upper edge.
    public let yMax: Double

    /// A range from its two ends, in the orientation given.
    public init(yMin: Double, yMax: Double) {
        self.yMin = yMin
        self.yMax = yMax
    }

    /// 0…255: the 8-bit display levels.
    public static let eightBit = VOIOutputRange(yMin: 0, yMax: 255)
}

/// A VOI window (PS3.3 C.11.2): Window Center (0028,1050), Window Width (0028,1051) and the VOI LUT
/// Function, which pick the range of modality values that gets the display's contrast.
///
/// ``output(for:in:)`` is pydicom 3's `apply_windowing` for one value, in float64 and in its operation
/// order; ``displayLevel(for:)`` is the same mapped onto 0…255 and rounded.
///
/// ```swift
/// let window = try VOIWindow(center: 40, width: 400)     // or a preset: VOIWindow.ctMediastinum
/// window.displayLevel(for: -160)   // 0: at the lower edge, c − 0.5 − (w − 1) / 2
/// window.displayLevel(for: 40)     // 128
/// ```
public struct VOIWindow: Sendable, Equatable {
    /// Window Center, in modality units (HU for CT).
    public let center: Double
    /// Window Width, in modality units.
    public let width: Double
    /// How values inside the window are mapped.
    public let function: VOIFunction

    /// A window, checked against what its function allows.
    ///
    /// - Throws: ``DisplayError/invalidWindow(center:width:function:)`` when a value is not finite, or the
    ///   width is below 1 for `LINEAR` or not above 0 for the others (the same limits pydicom enforces).
    public init(center: Double, width: Double, function: VOIFunction = .linear) throws(DisplayError) {
        let smallestWidthAllowed = function == .linear ? width >= 1 : width > 0
        guard center.isFinite, width.isFinite, smallestWidthAllowed else {
            throw .invalidWindow(center: center, width: width, function: function)
        }
        self.init(checkedCenter: center, width: width, function: function)
    }

    /// For values already known to be valid: the presets and ``automatic(minimum:maximum:)``.
    init(checkedCenter center: Double, width: Double, function: VOIFunction = .linear) {
        self.center = center
        self.width = width
        self.function = function
    }

    /// The `LINEAR` window that spans `minimum…maximum` exactly: `minimum` is the last value at `yMin`,
    /// `maximum` the first at `yMax`. Used when a file has no window of its own.
    ///
    /// With C.11.2.1.2.1's offsets the ramp runs from `c − 0.5 − (w − 1)/2` to `c − 0.5 + (w − 1)/2`, so
    /// `w = max − min + 1` and `c = min + w/2`. A constant image gets width 1, which maps it all to `yMin`.
    public static func automatic(minimum: Double, maximum: Double) -> VOIWindow {
        let width = maximum - minimum + 1
        return VOIWindow(checkedCenter: minimum + width / 2, width: width)
    }

    /// The VOI output for modality value `x`, mapped onto `range`: pydicom's `apply_windowing` exactly.
    @inline(__always)
    public func output(for x: Double, in range: VOIOutputRange) -> Double {
        let yRange = range.yMax - range.yMin
        switch function {
        case .linear, .linearExact:
            // C.11.2.1.2.1 is C.11.2.1.3.2 with the centre moved down half a unit and the width narrowed by
            // one; pydicom applies that shift to c and w first and then runs one formula, as here.
            let (c, w) = function == .linear ? (center - 0.5, width - 1) : (center, width)
            if x <= c - w / 2 { return range.yMin }
            if x > c + w / 2 { return range.yMax }
            return ((x - c) / w + 0.5) * yRange + range.yMin
        case .sigmoid:
            return yRange / (1 + exp(-4 * (x - center) / width)) + range.yMin
        }
    }

    /// The 8-bit display level of modality value `x`: ``output(for:in:)`` onto 0…255, rounded half away
    /// from zero.
    @inline(__always)
    public func displayLevel(for x: Double) -> UInt8 {
        let level = output(for: x, in: .eightBit).rounded()
        // The output is within 0…255 except for NaN, which only an automatic window over a rescale that
        // overflows to ±infinity can produce: `>=` is false for it, so it shows black instead of trapping.
        return level >= 0 ? UInt8(min(level, 255)) : 0
    }
}

extension VOIWindow {
    // CT presets in Hounsfield units. Lung, mediastinum and brain are the usual reading-room values; bone is
    // Radiopaedia's "Windowing (CT)" bone window (W 1800, L 400; https://radiopaedia.org/articles/windowing-ct),
    // the same table that lists lung W 1500 L −600 and brain W 80 L 40.

    /// Lung parenchyma: centre −600 HU, width 1500 HU.
    public static let ctLung = VOIWindow(checkedCenter: -600, width: 1500)
    /// Mediastinum and soft tissue: centre 40 HU, width 400 HU.
    public static let ctMediastinum = VOIWindow(checkedCenter: 40, width: 400)
    /// Bone: centre 400 HU, width 1800 HU.
    public static let ctBone = VOIWindow(checkedCenter: 400, width: 1800)
    /// Brain: centre 40 HU, width 80 HU.
    public static let ctBrain = VOIWindow(checkedCenter: 40, width: 80)
}
