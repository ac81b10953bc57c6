import Foundation

/// The file formats the decoder reads, recognised by their first bytes rather than by the file's name.
public enum ImageFormat: Sendable, Equatable {
    /// PNG: the 8-byte signature `89 50 4E 47 0D 0A 1A 0A`.
    case png
    /// JPEG: a start-of-image marker followed by another marker, `FF D8 FF`.
    case jpeg
    /// DICOM: "DICM" after the 128-byte preamble, or a bare dataset starting with group 0002 or 0008.
    case dicom

    private static let pngSignature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    private static let jpegSignature: [UInt8] = [0xFF, 0xD8, 0xFF]

    /// The format whose signature `data` starts with, or `nil` when it matches none.
    public init?(sniffing data: Data) {
        if data.starts(with: Self.pngSignature) {
            self = .png
        } else if data.starts(with: Self.jpegSignature) {
            self = .jpeg
        } else if DICOMFile.hasSignature(data) {
            self = .dicom
        } else {
            return nil
        }
    }
}

/// Turns the bytes of a scan file into an ``Image``, whatever its format.
///
/// ```swift
/// let image = try ImageDecoder.decode(data, name: "chest.jpeg")
/// ```
public enum ImageDecoder {
    /// The most pixels an image may declare (2^27, e.g. 11585 × 11585), so that a damaged or hostile
    /// header cannot make the decoder allocate gigabytes. Mammograms, the largest scans, have about 2 × 10^7.
    public static let maximumPixelCount = 1 << 27

    /// Decodes a PNG, JPEG or DICOM file held in memory (a DICOM file as ``DICOMPixelData/image(frame:window:)``
    /// gives its default frame).
    ///
    /// - Parameters:
    ///   - data: the whole file.
    ///   - name: how errors name the file, usually its path.
    /// - Throws: ``ImageDecodingError``; never traps on bad input.
    public static func decode(_ data: Data, name: String) throws(ImageDecodingError) -> Image {
        guard !data.isEmpty else { throw .unreadable(file: name, reason: "the file is empty") }
        switch ImageFormat(sniffing: data) {
        case .png: return try PNGDecoder.decode(data, name: name)
        case .jpeg: return try JPEGDecoder.decode(data, name: name)
        case .dicom: return try decodeDICOM(data, name: name)
        case nil: throw .unsupportedFormat(file: name, leadingBytes: Array(data.prefix(8)))
        }
    }

    private static func decodeDICOM(_ data: Data, name: String) throws(ImageDecodingError) -> Image {
        func failure(_ error: DICOMError) -> ImageDecodingError {
            if case .truncated = error { return .truncated(file: name) }
            return .corrupt(file: name, reason: error.reason)
        }
        let pixels: DICOMPixelData
        do {
            pixels = try DICOMFile(data: data, name: name).pixelData()
        } catch {
            throw failure(error)
        }
        try checkSize(width: pixels.columns, height: pixels.rows, name: name)
        do {
            return try pixels.image()
        } catch {
            throw failure(error)
        }
    }

    /// Rejects a header's size before any pixel memory is allocated for it.
    static func checkSize(width: Int, height: Int, name: String) throws(ImageDecodingError) {
        guard width > 0, height > 0 else { throw .corrupt(file: name, reason: "the header declares \(width)×\(height) pixels") }
        // Each side is checked first so that the product cannot overflow.
        guard width <= maximumPixelCount, height <= maximumPixelCount, width * height <= maximumPixelCount
        else { throw .tooLarge(file: name, width: width, height: height) }
    }
}

extension Image {
    /// Reads and decodes the PNG, JPEG or DICOM file at `url`; errors name the file by its path.
    ///
    /// - Throws: ``ImageDecodingError``, `.unreadable` when the file cannot be read at all.
    public init(contentsOf url: URL) throws(ImageDecodingError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        self = try ImageDecoder.decode(data, name: url.path)
    }
}
