import Foundation

/// An ``EmailMessage`` rendered as the bytes an SMTP server receives: RFC 5322 headers and a MIME
/// (RFC 2045–2047) body with CRLF line ends.
///
/// The body is `multipart/mixed` holding a `multipart/alternative` (plain text and HTML) and the
/// attachment; without an attachment it is the `multipart/alternative` alone. Every part is base64
/// in 76-character lines: one encoding that is 7-bit clean, that no relay re-wraps, and in which no
/// line can start with the `.` SMTP would have to escape.
public struct MIMEMessage: Sendable, Equatable {
    /// The `Message-ID` header's value, `<idempotencyKey@csss>`.
    public let messageID: String
    /// The whole message, headers and body.
    public let bytes: Data

    /// Renders `message`, dated `date`.
    public init(_ message: EmailMessage, date: Date = Date()) {
        messageID = Self.messageID(forKey: message.idempotencyKey)
        var text = ""
        func line(_ content: String = "") { text += content + "\r\n" }
        line("Date: \(Self.rfc5322Date(date))")
        line("From: \(Self.headerSafe(message.from))")
        line("To: \(Self.headerSafe(message.to))")
        line("Subject: \(Self.encodedHeaderText(message.subject))")
        line("Message-ID: \(messageID)")
        line("MIME-Version: 1.0")

        let alternative = Self.multipart("alternative", parts: [
            Self.part(headers: ["Content-Type: text/plain; charset=utf-8"], body: Data(message.textBody.utf8)),
            Self.part(headers: ["Content-Type: text/html; charset=utf-8"], body: Data(message.htmlBody.utf8)),
        ])
        if let attachment = message.attachment {
            let disposition = Self.filenameParameter(attachment.filename)
            let attached = Self.part(headers: ["Content-Type: \(Self.headerSafe(attachment.contentType))",
                                               "Content-Disposition: attachment; \(disposition)"],
                                     body: attachment.data)
            text += Self.multipart("mixed", parts: [alternative, attached])
        } else {
            text += alternative
        }
        bytes = Data(text.utf8)
    }

    /// `<key@csss>`, keeping only the key's characters that a `Message-ID` may hold (RFC 5322 `dot-atom-text`
    /// without the rarely-tolerated punctuation), so an odd key cannot break the header.
    static func messageID(forKey key: String) -> String {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._")
        let safe = String(key.filter { allowed.contains($0) })
        return "<\(safe.isEmpty ? UUID().uuidString : safe)@csss>"
    }

    /// A part's headers (plus `Content-Transfer-Encoding: base64`), a blank line and its base64 body,
    /// without the trailing CRLF (which belongs to the next boundary line).
    private static func part(headers: [String], body: Data) -> String {
        var text = headers.map { $0 + "\r\n" }.joined()
        text += "Content-Transfer-Encoding: base64\r\n\r\n"
        text += base64Lines(body)
        return text
    }

    /// `data` in base64, 76 characters a line (RFC 2045's limit), CRLF between lines.
    static func base64Lines(_ data: Data) -> String {
        // Wrapped by hand: Foundation's line-ending options differ between platforms.
        let encoded = Array(data.base64EncodedString().utf8)
        return stride(from: 0, to: encoded.count, by: 76)
            .map { String(decoding: encoded[$0..<min($0 + 76, encoded.count)], as: UTF8.self) }
            .joined(separator: "\r\n")
    }

    /// A multipart entity: its `Content-Type` header, a blank line, then the parts between random boundaries.
    private static func multipart(_ subtype: String, parts: [String]) -> String {
        // "=_" cannot occur in base64 (or in headers we write), so the boundary cannot collide with content.
        let boundary = "=_csss_\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        // Folded, to keep the header line within 78 characters.
        var text = "Content-Type: multipart/\(subtype);\r\n boundary=\"\(boundary)\"\r\n\r\n"
        for part in parts {
            text += "--\(boundary)\r\n\(part)\r\n"
        }
        text += "--\(boundary)--\r\n"
        return text
    }

    /// The header text as is when it is printable ASCII, otherwise RFC 2047 encoded-words (`=?UTF-8?B?…?=`),
    /// each under the 75-character limit and folded onto continuation lines, split between characters so
    /// that no UTF-8 sequence is cut.
    static func encodedHeaderText(_ value: String) -> String {
        // Control characters (CR and LF among them) are dropped by the encoding below, never written raw.
        if value.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }), !value.contains("=?") {
            return value
        }
        var words: [String] = []
        var chunk = Data()
        for character in value where character != "\r" && character != "\n" {
            let bytes = Data(String(character).utf8)
            // 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" that is 72 ≤ 75.
            if chunk.count + bytes.count > 45, !chunk.isEmpty {
                words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=")
                chunk = Data()
            }
            chunk.append(bytes)
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(chunk.base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// `filename="…"` for a plain ASCII name, otherwise RFC 2231's `filename*=UTF-8''…` (percent-encoded).
    static func filenameParameter(_ filename: String) -> String {
        let name = headerSafe(filename)
        let isPlain = name.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value < 0x7F && $0 != "\"" && $0 != "\\" }
        if isPlain { return "filename=\"\(name)\"" }
        let unreserved = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~".utf8)
        let encoded = name.utf8.map { unreserved.contains($0) ? String(UnicodeScalar($0)) : String(format: "%%%02X", $0) }.joined()
        return "filename*=UTF-8''\(encoded)"
    }

    /// The value with CR and LF removed, so that no caller-supplied text can add a header of its own.
    static func headerSafe(_ value: String) -> String {
        String(value.unicodeScalars.filter { $0 != "\r" && $0 != "\n" })
    }

    /// `Fri, 27 Nov 2026 14:50:00 +0000`.
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
