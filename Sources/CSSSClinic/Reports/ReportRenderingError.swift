import CCairo

/// Why a report could not be drawn.
public enum ReportRenderingError: Error, Equatable, CustomStringConvertible {
    /// The bytes configured as the hospital's logo do not decode as a PNG.
    case logoNotPNG
    /// cairo reported an error while drawing or writing the PDF.
    case cairo(status: Int32, message: String)

    public var description: String {
        switch self {
        case .logoNotPNG: return "HOSPITAL_LOGO is not a PNG image"
        case .cairo(let status, let message): return "the report PDF could not be drawn: cairo status \(status), \(message)"
        }
    }

    /// The error for a failed cairo status, or `nil` for success.
    static func checking(_ status: cairo_status_t) -> ReportRenderingError? {
        guard status != CAIRO_STATUS_SUCCESS else { return nil }
        return .cairo(status: Int32(status.rawValue), message: String(cString: cairo_status_to_string(status)))
    }
}
