import CSSSEngine
import Foundation

/// What `csss inspect` shows of a scan file: its format and transfer syntax, the DICOM attributes a
/// clinician checks (patient, study, series, geometry, windows), statistics of the decoded pixels, and how
/// the display and model path would preprocess it.
///
/// ```swift
/// let inspection = try ScanInspection(contentsOf: URL(fileURLWithPath: "CT_small.dcm"))
/// print(inspection.json.text)
/// ```
public struct ScanInspection: Sendable {
    /// One labelled value of the human-readable table.
    public typealias Field = (label: String, value: String)

    /// The file as given.
    public let file: String
    /// `DICOM`, `PNG` or `JPEG`.
    public let format: String
    /// The DICOM transfer syntax, `nil` for PNG and JPEG.
    public let transferSyntax: DICOMTransferSyntax?
    /// The attributes of a DICOM file, `nil` for PNG and JPEG.
    public let attributes: DICOMImageSummary?
    /// The decoded pixels: DICOM stored values before any LUT, or the PNG or JPEG samples.
    public let pixels: PixelStatistics
    /// How the image reaches the screen and the model, in words.
    public let preprocessing: String

    /// Reads and decodes `url` (every frame of a DICOM file).
    ///
    /// - Throws: the engine's ``DICOMError`` or ``ImageDecodingError``, each naming the file, when it
    ///   cannot be read or its pixels cannot be decoded.
    public init(contentsOf url: URL) throws {
        file = url.path
        let data = try Data(contentsOf: url)
        let toModel = "then resized to the model's input size and normalised"
        if ImageFormat(sniffing: data) == .dicom {
            let dicom = try DICOMFile(data: data, name: url.path)
            let pixelData = try dicom.pixelData()
            format = "DICOM"
            transferSyntax = dicom.transferSyntax
            attributes = DICOMImageSummary(pixelData, scan: DICOMScanAttributes(dicom.dataset))
            pixels = PixelStatistics(frames: try pixelData.allFrames())
            preprocessing = try Self.displaySteps(pixelData) + ", " + toModel
        } else {
            let image = try Image(contentsOf: url)
            format = ImageFormat(sniffing: data) == .png ? "PNG" : "JPEG"
            transferSyntax = nil
            attributes = nil
            pixels = PixelStatistics(image: image)
            preprocessing = "\(image.colorModel == .gray ? "gray" : "RGB") as decoded, " + toModel
        }
    }

    /// The `csss inspect --json` object: file, format, transfer syntax, image attributes, pixels and
    /// preprocessing, in that order.
    public var json: JSONValue {
        .object([
            ("file", .string(file)), ("format", .string(format)),
            ("transfer_syntax", transferSyntax.map { syntax in
                .object([("uid", .string(syntax.uid)), ("name", syntax.name.map(JSONValue.string) ?? .null)])
            } ?? .null),
            ("attributes", attributes?.json ?? .null),
            ("pixels", pixels.json),
            ("preprocessing", .string(preprocessing)),
        ])
    }

    /// The human-readable table, one field a line.
    public var fields: [Field] {
        var fields: [Field] = [("file", file), ("type", format)]
        if let transferSyntax { fields.append(("transfer syntax", transferSyntax.description)) }
        fields += attributes?.fields ?? []
        fields += [
            ("pixels", "\(pixels.shape.map(String.init).joined(separator: "×")) \(pixels.dtype)"),
            ("pixel values", "min \(pixels.minimum), max \(pixels.maximum), mean \(String(format: "%.4f", pixels.mean))"),
            ("pixel sha256", pixels.sha256),
            ("preprocessing", preprocessing),
        ]
        return fields
    }

    /// The display steps of the default frame: the window the pipeline picks, or the colour path.
    private static func displaySteps(_ pixels: DICOMPixelData) throws -> String {
        let frame = "frame \(pixels.defaultFrameIndex + 1) of \(pixels.numberOfFrames)"
        let photometric = pixels.photometricInterpretation
        guard photometric == .monochrome1 || photometric == .monochrome2 else {
            return "\(frame), \(photometric) shown as 8-bit RGB"
        }
        let gray = try pixels.grayscaleFrame()
        let choice = pixels.defaultWindow(for: gray)
        let window = try DisplayPipeline(window: choice).window(for: gray)
        let source = switch (choice, gray.windows.isEmpty) {
        case (.window, _): "the CT mediastinum preset"
        case (_, true): "automatic, the frame's range"
        case (_, false): "the file's first"
        }
        return "\(frame), window C \(Self.number(window.center)) / W \(Self.number(window.width)) (\(source)) "
            + "to 8-bit gray" + (gray.photometric == .monochrome1 ? ", inverted (MONOCHROME1)" : "")
    }

    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(format: "%.4g", value)
    }
}
