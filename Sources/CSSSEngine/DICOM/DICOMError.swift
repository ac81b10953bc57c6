/// Why a DICOM file could not be read or its pixels decoded. Every case names the file, so a message in a
/// batch of scans says which one to look at; ``reason`` is the same message without the file.
///
/// ```swift
/// do {
///     let pixels = try DICOMFile(contentsOf: url).pixelData()
/// } catch .unsupportedTransferSyntax(_, let uid, _) {
///     print("ask the modality to send \(uid) as Explicit VR Little Endian")
/// }
/// ```
public enum DICOMError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be read from disk.
    case unreadable(file: String, reason: String)
    /// Neither "DICM" at offset 128 nor a plausible bare dataset at the start.
    case notDICOM(file: String)
    /// The data ends before what an element header declares; `offset` is where the element starts.
    case truncated(file: String, tag: DICOMTag?, offset: Int)
    /// The element at `offset` is not well formed (an impossible length, an unknown VR, an unparsable value).
    case malformedElement(file: String, tag: DICOMTag, offset: Int, reason: String)
    /// The transfer syntax is known by name but not decoded, or not known at all (`name` is `nil`).
    case unsupportedTransferSyntax(file: String, uid: String, name: String?)
    /// The dataset has no Pixel Data element.
    case pixelDataMissing(file: String)
    /// The image attributes (group 0028) are missing, contradictory or outside what DICOM allows.
    case invalidImageAttributes(file: String, reason: String)
    /// A frame was asked for that the image does not have.
    case frameOutOfRange(file: String, index: Int, count: Int)
    /// A codec refused the compressed pixel data; `reason` is its own message.
    case codec(file: String, syntax: String, reason: String)
    /// The file asks for more than ``DICOMLimits`` allows (nesting, pixels, frames, inflated size).
    case limitExceeded(file: String, what: String)

    /// The file the error is about, as the caller named it.
    public var file: String {
        switch self {
        case .unreadable(let file, _), .notDICOM(let file), .truncated(let file, _, _),
             .malformedElement(let file, _, _, _), .unsupportedTransferSyntax(let file, _, _),
             .pixelDataMissing(let file), .invalidImageAttributes(let file, _), .frameOutOfRange(let file, _, _),
             .codec(let file, _, _),
             .limitExceeded(let file, _):
            file
        }
    }

    /// What is wrong, in one line, without the file's name.
    public var reason: String {
        switch self {
        case .unreadable(_, let reason):
            "cannot be read: \(reason)"
        case .notDICOM:
            "not a DICOM file (no \"DICM\" at offset 128 and no dataset at the start)"
        case .truncated(_, let tag?, let offset):
            "truncated: the file ends inside element \(tag) that starts at byte \(offset)"
        case .truncated(_, nil, let offset):
            "truncated: the file ends inside the structure that starts at byte \(offset)"
        case .malformedElement(_, let tag, let offset, let reason):
            "malformed element \(tag) at byte \(offset): \(reason)"
        case .unsupportedTransferSyntax(_, let uid, let name?):
            "pixel data in transfer syntax \(name) (\(uid)) cannot be decoded"
        case .unsupportedTransferSyntax(_, let uid, nil):
            "pixel data in unknown transfer syntax \(uid) cannot be decoded"
        case .pixelDataMissing:
            "the dataset has no Pixel Data (7FE0,0010)"
        case .invalidImageAttributes(_, let reason):
            "invalid image attributes: \(reason)"
        case .frameOutOfRange(_, let index, let count):
            "no frame \(index): the image has \(count) frame\(count == 1 ? "" : "s")"
        case .codec(_, let syntax, let reason):
            "\(syntax) pixel data cannot be decoded: \(reason)"
        case .limitExceeded(_, let what):
            "over the reader's limits: \(what)"
        }
    }

    /// One line naming the file and what is wrong with it.
    public var description: String { "\(file): \(reason)" }
}
