import Foundation

/// An RGB colour, 0…1 a channel.
struct ReportColor: Sendable {
    var red: Double, green: Double, blue: Double

    static let heading = ReportColor(red: 0.09, green: 0.20, blue: 0.40)
    static let text = ReportColor(red: 0.12, green: 0.12, blue: 0.14)
    static let muted = ReportColor(red: 0.38, green: 0.40, blue: 0.44)
    static let rule = ReportColor(red: 0.72, green: 0.74, blue: 0.77)
    static let boxFill = ReportColor(red: 0.95, green: 0.96, blue: 0.98)
    static let barTrack = ReportColor(red: 0.89, green: 0.90, blue: 0.92)
    static let barTop = ReportColor(red: 0.09, green: 0.20, blue: 0.40)
    static let barOther = ReportColor(red: 0.58, green: 0.66, blue: 0.78)
    static let warningFill = ReportColor(red: 1.00, green: 0.94, blue: 0.86)
    static let warningEdge = ReportColor(red: 0.85, green: 0.42, blue: 0.00)
    static let warningText = ReportColor(red: 0.52, green: 0.22, blue: 0.00)
    static let watermark = ReportColor(red: 0.45, green: 0.48, blue: 0.55)
}

/// A Pango font: Noto Sans everywhere, so Latin accents, Devanagari and Tamil all shape.
struct ReportFont: Sendable {
    var points: Double
    var bold = false
    var italic = false

    static let body = ReportFont(points: 10)
    static let label = ReportFont(points: 9)
    static let small = ReportFont(points: 8)
    static let fine = ReportFont(points: 7.5)
    static let boxHeading = ReportFont(points: 11, bold: true)
    static let sectionHeading = ReportFont(points: 12, bold: true)
    static let title = ReportFont(points: 13)
    static let hospital = ReportFont(points: 16, bold: true)
    static let result = ReportFont(points: 11, bold: true)
}

/// The A4 page and its fixed measures, in PDF points (1/72 inch).
enum ReportPage {
    static let millimetre = 72.0 / 25.4
    static let width = 595.28
    static let height = 841.89
    static let margin = 18 * millimetre
    static let contentWidth = width - 2 * margin
    static let logoHeight = 18 * millimetre
    /// Room kept at the bottom for the rule, disclaimer, seal and page number.
    static let footerHeight = 40.0
    /// Where body content must end.
    static let contentBottom = height - margin - footerHeight - 8
    static let watermark = "AI-ASSISTED SCREENING — NOT A DIAGNOSIS"
}

/// How the report writes ids, dates and numbers: fixed formats, independent of the machine's locale.
enum ReportFormat {
    /// `R-000123`.
    static func reportID(_ id: Int64) -> String {
        let digits = String(id)
        return "R-" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// `2026-11-27 14:05 UTC`.
    static func dateTime(_ date: Date) -> String {
        let c = utcComponents(date)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", c.year!, c.month!, c.day!, c.hour!, c.minute!)
    }

    /// `2026-11-27`.
    static func day(_ date: Date) -> String {
        let c = utcComponents(date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// `2026-11-27T14:05:09Z`, the form cairo's CREATE_DATE takes.
    static func iso8601(_ date: Date) -> String {
        let c = utcComponents(date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    /// `87.3 %`.
    static func percent(_ fraction: Double) -> String {
        String(format: "%.1f %%", fraction * 100)
    }

    /// F, M, O, U in words.
    static func sex(_ code: String?) -> String {
        switch code?.uppercased() {
        case "F": return "Female"
        case "M": return "Male"
        case "O": return "Other"
        case "U": return "Unknown"
        case let other?: return other
        case nil: return "—"
        }
    }

    private static func utcComponents(_ date: Date) -> DateComponents {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    }
}
