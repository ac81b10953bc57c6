/// Why a prediction or report could not be made, found or checked.
public enum ReportError: Error, Equatable, CustomStringConvertible {
    case scanNotFound(Int64)
    case reportNotFound(Int64)
    case noPrediction(scan: Int64)
    case versionNotFound(report: Int64, version: Int)
    case logoUnreadable(String, reason: String)

    public var description: String {
        switch self {
        case .scanNotFound(let id): "no scan with id \(id)"
        case .reportNotFound(let id): "no report with id \(id)"
        case .noPrediction(let scan): "scan \(scan) has no prediction yet: run 'csss scan predict \(scan)' first"
        case .versionNotFound(let report, let version): "report \(report) has no version \(version)"
        case .logoUnreadable(let path, let reason): "HOSPITAL_LOGO \(path) cannot be read: \(reason)"
        }
    }
}
