/// Why an ``Image`` could not be encoded or written. Every case names the file, so a message says which
/// output to look at.
public enum ImageEncodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The encoder refused the image; `reason` is its message (libpng's, for PNG).
    case encodingFailed(file: String, reason: String)
    /// The file could not be written; nothing was left at `file` or beside it.
    case unwritable(file: String, reason: String)

    /// How ``Image/pngData()`` names its output, which is not a file yet.
    public static let inMemory = "(PNG in memory)"

    /// The file the error is about, as the caller named it.
    public var file: String {
        switch self {
        case .encodingFailed(let file, _), .unwritable(let file, _): file
        }
    }

    /// One line naming the file and what went wrong.
    public var description: String {
        switch self {
        case .encodingFailed(let file, let reason): "\(file): cannot be encoded: \(reason)"
        case .unwritable(let file, let reason): "\(file): cannot be written: \(reason)"
        }
    }
}
