/// A setting that could not be read or makes no sense.
public enum ConfigurationError: Error, Equatable, CustomStringConvertible {
    /// A configuration file exists but could not be read.
    case unreadableFile(String, reason: String)
    /// A line of a `.env` file is not `KEY=VALUE`.
    case malformedLine(file: String, line: Int, reason: String)
    /// A setting has a value of the wrong kind, for example a threshold that is not a number in 0…1.
    case invalidValue(key: String, value: String, expected: String)
    /// A setting that has no default was not given.
    case missing(key: String, hint: String)

    public var description: String {
        switch self {
        case .unreadableFile(let path, let reason): "cannot read \(path): \(reason)"
        case .malformedLine(let file, let line, let reason): "\(file):\(line): \(reason)"
        case .invalidValue(let key, let value, let expected): "\(key)=\(value) is not valid: expected \(expected)"
        case .missing(let key, let hint): "\(key) is not set: \(hint)"
        }
    }
}
