/// How much a DICOM file may ask of the reader, so that a damaged or hostile file cannot make it recurse,
/// allocate or loop without bound. Lengths are always checked against the bytes actually there.
public struct DICOMLimits: Sendable, Equatable {
    /// The deepest nesting of sequences (a dataset inside an item inside a sequence counts one level).
    public var maximumDepth: Int
    /// The most data elements in the whole file, items' elements included.
    public var maximumElements: Int
    /// The most bytes a Deflated Explicit VR Little Endian dataset may inflate to.
    public var maximumInflatedBytes: Int
    /// The most samples (pixels × samples per pixel) one frame may have.
    public var maximumSamplesPerFrame: Int
    /// The most samples all frames together may have, when they are decoded at once.
    public var maximumTotalSamples: Int
    /// The most frames a multi-frame image may declare.
    public var maximumFrames: Int

    /// Creates limits; the defaults fit the largest real scans (a 4k × 5k mammogram, a 2000-slice volume).
    public init(maximumDepth: Int = 16, maximumElements: Int = 1 << 20, maximumInflatedBytes: Int = 1 << 30,
                maximumSamplesPerFrame: Int = 1 << 27, maximumTotalSamples: Int = 1 << 28,
                maximumFrames: Int = 1 << 16) {
        self.maximumDepth = maximumDepth
        self.maximumElements = maximumElements
        self.maximumInflatedBytes = maximumInflatedBytes
        self.maximumSamplesPerFrame = maximumSamplesPerFrame
        self.maximumTotalSamples = maximumTotalSamples
        self.maximumFrames = maximumFrames
    }

    /// The defaults.
    public static let standard = DICOMLimits()
}
