import Foundation

/// The words that tell a patient their report is ready, on each channel. The email carries the
/// encrypted PDF and never its password; the WhatsApp message carries the password and never the PDF,
/// so that neither channel alone opens the report.
struct ReportNotice {
    let hospital: String
    let patientName: String
    let reportID: Int64
    let version: Int
    /// Whether the other channel is also on its way (so the text can say where the rest comes from).
    let hasEmail: Bool
    let hasWhatsApp: Bool

    var reportName: String { String(format: "R-%06lld", reportID) + (version > 1 ? " (version \(version))" : "") }

    var emailSubject: String { "Your screening report \(reportName) from \(hospital)" }

    private var passwordHint: String {
        hasWhatsApp ? "The password to open it reaches you separately, by WhatsApp."
            : "Your doctor will give you the password to open it."
    }

    private static let disclaimer = "This report comes from AI-assisted screening and is not a diagnosis: "
        + "please discuss it with your doctor."

    var emailText: String {
        """
        Dear \(patientName),

        Your screening report \(reportName) from \(hospital) is attached as an encrypted PDF.
        \(passwordHint)

        \(Self.disclaimer)

        \(hospital)
        """
    }

    var emailHTML: String {
        func escape(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        return """
            <!DOCTYPE html><html><body style="font-family: sans-serif; color: #1b2a4a">
            <p>Dear \(escape(patientName)),</p>
            <p>Your screening report <strong>\(escape(reportName))</strong> from \(escape(hospital)) is attached as an encrypted PDF.
            \(escape(passwordHint))</p>
            <p style="color: #6b7280">\(escape(Self.disclaimer))</p>
            <p>\(escape(hospital))</p>
            </body></html>
            """
    }

    var attachmentName: String { String(format: "report-R-%06lld-v%d.pdf", reportID, version) }

    func whatsAppText(password: String) -> String {
        let whereToFind = hasEmail ? "It has been sent to your email as an encrypted PDF."
            : "Ask for it at the hospital's patient kiosk."
        return "\(hospital): your screening report \(reportName) is ready. \(whereToFind) "
            + "Password to open it: \(password) — \(Self.disclaimer)"
    }
}
