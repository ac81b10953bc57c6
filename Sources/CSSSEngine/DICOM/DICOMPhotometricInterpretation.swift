/// What the samples of a pixel mean, from Photometric Interpretation (0028,0004).
public struct DICOMPhotometricInterpretation: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The defined term, `MONOCHROME2` for example.
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// Gray, the lowest value displayed white (computed radiography, some X-ray).
    public static let monochrome1 = Self(rawValue: "MONOCHROME1")
    /// Gray, the lowest value displayed black (CT, MR and most others).
    public static let monochrome2 = Self(rawValue: "MONOCHROME2")
    /// One index per pixel into the Red, Green and Blue Palette Color Lookup Tables.
    public static let paletteColor = Self(rawValue: "PALETTE COLOR")
    public static let rgb = Self(rawValue: "RGB")
    /// Y, Cb, Cr at full range (ITU-R BT.601 as JPEG/JFIF uses it).
    public static let ybrFull = Self(rawValue: "YBR_FULL")
    /// YBR_FULL with Cb and Cr shared by each horizontal pair of pixels.
    public static let ybrFull422 = Self(rawValue: "YBR_FULL_422")
    /// JPEG 2000's irreversible colour transform, undone by the codec.
    public static let ybrICT = Self(rawValue: "YBR_ICT")
    /// JPEG 2000's reversible colour transform, undone by the codec.
    public static let ybrRCT = Self(rawValue: "YBR_RCT")

    public var description: String { rawValue }

    /// Whether the pixels are gray values (MONOCHROME1 or MONOCHROME2).
    public var isMonochrome: Bool { self == .monochrome1 || self == .monochrome2 }

    /// The samples per pixel this interpretation needs, `nil` for one the reader does not know.
    var samplesPerPixel: Int? {
        switch self {
        case .monochrome1, .monochrome2, .paletteColor: 1
        case .rgb, .ybrFull, .ybrFull422, .ybrICT, .ybrRCT, Self(rawValue: "YBR_PARTIAL_420"),
             Self(rawValue: "YBR_PARTIAL_422"): 3
        default: nil
        }
    }
}
