import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

@Suite("MIME rendering of emails")
struct MIMEMessageTests {
    /// Bytes that base64 and line-wrapping mistakes would change: every byte value, CRLFs, a lone `.` line.
    static let pdfBytes: Data = {
        var bytes = Data("%PDF-1.7\r\n.\r\n".utf8)
        for round in 0..<40 { bytes.append(contentsOf: (0...255).map { UInt8(($0 + round) % 256) }) }
        return bytes
    }()

    static func message(subject: String = "Your report — रिपोर्ट தயார் ✓",
                        attachment: EmailMessage.Attachment? = .init(filename: "report.pdf", contentType: "application/pdf",
                                                                     data: pdfBytes)) -> EmailMessage {
        EmailMessage(from: "clinic@csss.test", to: "Asha Rao <asha@example.org>", subject: subject,
                     textBody: "Dear Asha,\nyour report is attached.\n— CSSS Clinic",
                     htmlBody: "<p>Dear Asha,</p><p>your report is <b>attached</b> — रिपोर्ट.</p>",
                     attachment: attachment, idempotencyKey: "delivery-7f3a9c")
    }

    @Test("a non-ASCII subject, both bodies and the attachment survive another parser",
          .enabled(if: ExternalTool.python3 != nil, "needs python3"))
    func roundTrip() throws {
        let original = Self.message()
        let parsed = try ParsedEmail(MIMEMessage(original).bytes)
        #expect(parsed.subject == original.subject)
        #expect(parsed.text == original.textBody)
        #expect(parsed.html == original.htmlBody)
        #expect(parsed.contentType == "multipart/mixed")
        #expect(parsed.attachments.count == 1)
        #expect(parsed.attachments.first?.filename == "report.pdf")
        #expect(parsed.attachments.first?.contentType == "application/pdf")
        #expect(parsed.attachments.first?.data == Self.pdfBytes)
        #expect(parsed.messageID == "<delivery-7f3a9c@csss>")
        #expect(parsed.from == "clinic@csss.test")
        #expect(parsed.to == "Asha Rao <asha@example.org>")
        #expect(parsed.date?.hasSuffix("+0000") == true)
        #expect(parsed.defects == 0)
    }

    @Test("a long subject is split into encoded-words that decode back to it",
          .enabled(if: ExternalTool.python3 != nil, "needs python3"))
    func longSubject() throws {
        let subject = String(repeating: "स्कैन रिपोर्ट தயார் ", count: 8)
        let bytes = MIMEMessage(Self.message(subject: subject)).bytes
        #expect(try ParsedEmail(bytes).subject == subject)
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.utf8.count <= 78 })
    }

    @Test("without an attachment the message is the alternative alone",
          .enabled(if: ExternalTool.python3 != nil, "needs python3"))
    func noAttachment() throws {
        let parsed = try ParsedEmail(MIMEMessage(Self.message(attachment: nil)).bytes)
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.attachments.isEmpty)
        #expect(parsed.text == Self.message().textBody)
    }

    @Test("every line ends in CRLF, is 7-bit and at most 78 characters")
    func lineDiscipline() {
        let bytes = [UInt8](MIMEMessage(Self.message()).bytes)
        #expect(bytes.allSatisfy { $0 < 0x80 })
        for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: "\n") {
            #expect(index > 0 && bytes[index - 1] == UInt8(ascii: "\r"))
        }
        let lines = String(decoding: bytes, as: UTF8.self).components(separatedBy: "\r\n")
        #expect(lines.allSatisfy { $0.count <= 78 })
    }

    @Test("boundaries differ from one rendering to the next")
    func randomBoundaries() {
        let first = MIMEMessage(Self.message(), date: Date(timeIntervalSince1970: 0))
        let second = MIMEMessage(Self.message(), date: Date(timeIntervalSince1970: 0))
        #expect(first.bytes != second.bytes)
        #expect(first.messageID == second.messageID)
    }

    @Test("a line break in the subject cannot add a header")
    func headerInjection() {
        let text = String(decoding: MIMEMessage(Self.message(subject: "Hi\r\nBcc: evil@example.org")).bytes, as: UTF8.self)
        #expect(!text.contains("\r\nBcc:"))
    }
}
