/// Turns one grayscale DICOM frame into the 8-bit gray ``Image`` a reader looks at and a model takes, in the
/// order of the DICOM grayscale pipeline (PS3.4 N.2.1.1) with optional enhancement after it:
///
/// 1. Modality LUT: stored values to modality values (``ModalityLUT``).
/// 2. VOI LUT: the chosen window onto 0…255, rounded (``VOIWindow/displayLevel(for:)``).
/// 3. `MONOCHROME1` inverted (`255 − level`), the Presentation LUT's INVERSE shape that PS3.3 C.7.6.3.1.2
///    implies, so that low values show white as the modality intends.
/// 4. Optionally a 3×3 median (``MedianFilter3x3``), before CLAHE because CLAHE would amplify the
///    speckle the median removes.
/// 5. Optionally ``CLAHE``.
///
/// The model path then continues with ``ModelInputPreprocessor``, which resizes and normalises the image:
///
/// ```swift
/// let pipeline = DisplayPipeline(window: .window(.ctLung), clahe: try CLAHE())
/// let image = try pipeline.render(frame)                                   // 8-bit gray
/// let input = ModelInputPreprocessor(width: 224, height: 224).tensor(for: image)   // [1, 224, 224, 3]
/// ```
public struct DisplayPipeline: Sendable, Equatable {
    /// Which VOI window to display with.
    public enum WindowChoice: Sendable, Equatable {
        /// The file's window at `index` (Window Center/Width may hold several alternatives; pydicom and
        /// most viewers show the first). A file with none falls back to ``automatic``.
        case file(index: Int = 0)
        /// A given window, such as a CT preset: `.window(.ctBone)`.
        case window(VOIWindow)
        /// A `LINEAR` window over the frame's own modality values, minimum black and maximum white
        /// (``VOIWindow/automatic(minimum:maximum:)``).
        case automatic
    }

    /// Which VOI window to display with.
    public var window: WindowChoice
    /// CLAHE after windowing, or `nil` for none.
    public var clahe: CLAHE?
    /// Whether a 3×3 median filter runs after windowing (and before CLAHE).
    public var medianDenoise: Bool

    /// A pipeline; by default the file's first window, no median and no CLAHE.
    public init(window: WindowChoice = .file(), clahe: CLAHE? = nil, medianDenoise: Bool = false) {
        self.window = window
        self.clahe = clahe
        self.medianDenoise = medianDenoise
    }

    /// The 8-bit gray display image of `frame`.
    ///
    /// - Throws: ``DisplayError/windowIndexOutOfRange(index:available:)`` when the file has windows but not
    ///   the one asked for.
    /// - Complexity: O(pixels).
    public func render(_ frame: GrayscaleFrame) throws(DisplayError) -> Image {
        let voi = try window(for: frame)
        let inverted = frame.photometric == .monochrome1
        let modality = frame.modality
        let levels = frame.mapStoredValues { stored in
            let level = voi.displayLevel(for: modality.modalityValue(of: stored))
            return inverted ? 255 &- level : level
        }
        var image = Image(width: frame.width, height: frame.height, colorModel: .gray, samples: .uint8(levels))
        if medianDenoise { image = try MedianFilter3x3().apply(to: image) }
        if let clahe { image = try clahe.apply(to: image) }
        return image
    }

    /// The window ``render(_:)`` uses for `frame`.
    ///
    /// - Throws: ``DisplayError/windowIndexOutOfRange(index:available:)`` when the file has windows but not
    ///   the one asked for.
    public func window(for frame: GrayscaleFrame) throws(DisplayError) -> VOIWindow {
        switch window {
        case .window(let window):
            return window
        case .file(let index) where !frame.windows.isEmpty:
            guard frame.windows.indices.contains(index) else {
                throw .windowIndexOutOfRange(index: index, available: frame.windows.count)
            }
            return frame.windows[index]
        case .file, .automatic:
            let extremes = frame.modalityExtremes()
            return .automatic(minimum: extremes.minimum, maximum: extremes.maximum)
        }
    }
}
