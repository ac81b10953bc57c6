/// Why a file could not be turned into an ``Image``. Every case names the file, so a message in a batch
/// of scans says which one to look at.
public enum ImageDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read, or is empty.
    case unreadable(file: String, reason: String)
    /// The file is not in a format the decoder knows; `leadingBytes` are its first bytes (at most 8).
    case unsupportedFormat(file: String, leadingBytes: [UInt8])
    /// The file ends before its image data does.
    case truncated(file: String)
    /// The file is damaged or uses a variant the decoder refuses; `reason` is the decoder library's message.
    case corrupt(file: String, reason: String)
    /// The header declares more pixels than ``ImageDecoder/maximumPixelCount``.
    case tooLarge(file: String, width: Int, height: Int)

    /// The file the error is about, as the caller named it.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .unsupportedFormat(let file, _), .truncated(let file),
             .corrupt(let file, _), .tooLarge(let file, _, _):
            file
        }
    }

    /// One line naming the file and what is wrong with it.
    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            "\(file): cannot be read: \(reason)"
        case .unsupportedFormat(let file, let leadingBytes):
            "\(file): not a PNG, JPEG or DICOM image (starts with \(Self.render(leadingBytes)))"
        case .truncated(let file):
            "\(file): the image is truncated (the file ends before its image data does)"
        case .corrupt(let file, let reason):
            "\(file): the image is corrupt: \(reason)"
        case .tooLarge(let file, let width, let height):
            "\(file): the image is too large (\(width)×\(height) pixels, at most \(ImageDecoder.maximumPixelCount) allowed)"
        }
    }

    /// Hex bytes, followed by their printable ASCII when there is any, so a text file shows its first word.
    private static func render(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: " ")
        let ascii = String(decoding: bytes.map { (0x20..<0x7F).contains($0) ? $0 : UInt8(ascii: ".") }, as: UTF8.self)
        return bytes.contains(where: { (0x20..<0x7F).contains($0) }) ? "\(hex) \"\(ascii)\"" : hex
    }
}

private extension String {
    func leftPadded(to length: Int) -> String {
        String(repeating: "0", count: max(0, length - count)) + self
    }
}
