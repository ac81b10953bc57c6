import Foundation

/// Whether a file is a scan the engine can use.
public enum ScanValidation: Sendable, Equatable {
    /// The file is a scan: its format (by content), size, and what it shows.
    case usable(ScanDescription)
    /// The file cannot be used, and why.
    case unusable(ScanRejection)

    /// Whether the file is usable.
    public var isUsable: Bool {
        if case .usable = self { true } else { false }
    }
}

/// A usable scan.
public struct ScanDescription: Sendable, Equatable {
    /// The format its content shows, whatever its name says.
    public let format: ImageFormat
    public let width: Int
    public let height: Int
    /// Gray or colour, as the engine decodes it.
    public let colorModel: Image.ColorModel
    /// The number of frames: 1 for PNG and JPEG, Number of Frames for DICOM.
    public let frameCount: Int
    /// DICOM Modality (0008,0060), `nil` for other formats.
    public let modality: String?
    /// The DICOM transfer syntax's name, `nil` for other formats.
    public let transferSyntax: String?
}

/// Why a file is not a usable scan, one case per thing the caller (or the person who sent the file) can
/// act on.
public enum ScanRejection: Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read (missing, a folder, no permission).
    case unreadable(reason: String)
    /// The file is empty.
    case empty
    /// The file is larger than ``ScanValidator/maximumFileBytes``; it was not read.
    case fileTooLarge(bytes: Int, limit: Int)
    /// Its content is not PNG, JPEG or DICOM; `leadingBytes` are its first (at most 8) bytes.
    case unknownFormat(leadingBytes: [UInt8])
    /// A DICOM file without an image (a report, a dose plan, a presentation state…).
    case noImage
    /// A DICOM image in a transfer syntax the engine does not decode (MPEG, HEVC, JPEG XL…).
    case unsupportedEncoding(String)
    /// The image is smaller than ``ScanValidator/minimumSide`` pixels on a side.
    case tooSmall(width: Int, height: Int, minimumSide: Int)
    /// The image has more than ``ScanValidator/maximumPixels`` pixels.
    case tooLarge(width: Int, height: Int, maximumPixels: Int)
    /// The pixels cannot be decoded: a truncated or damaged file; `reason` is the decoder's.
    case undecodable(reason: String)

    /// One line saying why.
    public var description: String {
        switch self {
        case .unreadable(let reason): "cannot be read: \(reason)"
        case .empty: "the file is empty"
        case .fileTooLarge(let bytes, let limit): "the file has \(bytes) bytes, more than the \(limit) allowed"
        case .unknownFormat(let bytes):
            "not a PNG, JPEG or DICOM file (starts with \(bytes.map { String(format: "%02X", $0) }.joined(separator: " ")))"
        case .noImage: "a DICOM file without an image (no Pixel Data)"
        case .unsupportedEncoding(let syntax): "the image is encoded in \(syntax), which the engine cannot decode"
        case .tooSmall(let width, let height, let side): "\(width)×\(height) pixels is smaller than \(side) on a side"
        case .tooLarge(let width, let height, let limit): "\(width)×\(height) pixels is more than the \(limit) allowed"
        case .undecodable(let reason): "the image cannot be decoded: \(reason)"
        }
    }
}

/// Tells whether a file is a usable scan — PNG, JPEG or DICOM, told apart by content, not by name — and
/// if not, why, by opening it the way the engine will: its size, its image's dimensions and a decode of
/// its pixels (for DICOM, the frame that would be shown).
///
/// ```swift
/// switch ScanValidator().validate(url) {
/// case .usable(let scan): print("\(scan.format) \(scan.width)×\(scan.height)")
/// case .unusable(let why): print("\(url.lastPathComponent): \(why)")
/// }
/// ```
public struct ScanValidator: Sendable {
    /// The largest file read at all.
    public var maximumFileBytes: Int
    /// The shortest side an image may have; smaller ones are icons or test patterns, not scans.
    public var minimumSide: Int
    /// The most pixels an image may have.
    public var maximumPixels: Int

    public init(maximumFileBytes: Int = 1 << 30, minimumSide: Int = 32,
                maximumPixels: Int = ImageDecoder.maximumPixelCount) {
        self.maximumFileBytes = maximumFileBytes
        self.minimumSide = minimumSide
        self.maximumPixels = maximumPixels
    }

    /// The verdict on the file at `url`; a file over ``maximumFileBytes`` is not read.
    public func validate(_ url: URL) -> ScanValidation {
        let size: Int
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
            guard attributes[.type] as? FileAttributeType == .typeRegular else {
                return .unusable(.unreadable(reason: "not a regular file"))
            }
            size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            return .unusable(.unreadable(reason: error.localizedDescription))
        }
        guard size <= maximumFileBytes else { return .unusable(.fileTooLarge(bytes: size, limit: maximumFileBytes)) }
        do {
            return validate(try Data(contentsOf: url), name: url.path)
        } catch {
            return .unusable(.unreadable(reason: error.localizedDescription))
        }
    }

    /// The verdict on a file held in memory; `name` is how decoders' messages name it.
    public func validate(_ data: Data, name: String) -> ScanValidation {
        guard !data.isEmpty else { return .unusable(.empty) }
        guard data.count <= maximumFileBytes else {
            return .unusable(.fileTooLarge(bytes: data.count, limit: maximumFileBytes))
        }
        switch ImageFormat(sniffing: data) {
        case .png: return validateImage(data, format: .png, name: name)
        case .jpeg: return validateImage(data, format: .jpeg, name: name)
        case .dicom: return validateDICOM(data, name: name)
        case nil: return .unusable(.unknownFormat(leadingBytes: Array(data.prefix(8))))
        }
    }

    private func validateImage(_ data: Data, format: ImageFormat, name: String) -> ScanValidation {
        let image: Image
        do {
            image = try ImageDecoder.decode(data, name: name)
        } catch {
            switch error {
            case .tooLarge(_, let width, let height):
                return .unusable(.tooLarge(width: width, height: height, maximumPixels: ImageDecoder.maximumPixelCount))
            case .truncated: return .unusable(.undecodable(reason: "the file is truncated"))
            case .corrupt(_, let reason), .unreadable(_, let reason): return .unusable(.undecodable(reason: reason))
            case .unsupportedFormat(_, let bytes): return .unusable(.unknownFormat(leadingBytes: bytes))
            }
        }
        if let rejection = checkSize(width: image.width, height: image.height) { return .unusable(rejection) }
        return .usable(ScanDescription(format: format, width: image.width,
                                       height: image.height, colorModel: image.colorModel, frameCount: 1,
                                       modality: nil, transferSyntax: nil))
    }

    private func validateDICOM(_ data: Data, name: String) -> ScanValidation {
        do {
            let file = try DICOMFile(data: data, name: name)
            let pixels = try file.pixelData()
            if let rejection = checkSize(width: pixels.columns, height: pixels.rows) { return .unusable(rejection) }
            let image = try pixels.image()
            return .usable(ScanDescription(format: .dicom, width: image.width, height: image.height,
                                           colorModel: image.colorModel, frameCount: pixels.numberOfFrames,
                                           modality: pixels.modality, transferSyntax: pixels.syntaxName))
        } catch {
            switch error {
            case .pixelDataMissing: return .unusable(.noImage)
            case .unsupportedTransferSyntax(_, let uid, let syntax):
                return .unusable(.unsupportedEncoding(syntax.map { "\($0) (\(uid))" } ?? "unknown transfer syntax \(uid)"))
            default: return .unusable(.undecodable(reason: error.reason))
            }
        }
    }

    private func checkSize(width: Int, height: Int) -> ScanRejection? {
        if min(width, height) < minimumSide {
            return .tooSmall(width: width, height: height, minimumSide: minimumSide)
        }
        if width * height > maximumPixels {
            return .tooLarge(width: width, height: height, maximumPixels: maximumPixels)
        }
        return nil
    }
}
