import CSSSTestSupport
import Foundation

/// An email as Python's `email` package (policy `default`) reads it: an independent MIME parser, so that
/// the tests check ``MIMEMessage`` against someone else's reading of the RFCs rather than against itself.
struct ParsedEmail: Decodable {
    struct Attachment: Decodable {
        var filename: String?
        var contentType: String
        var base64: String

        var data: Data? { Data(base64Encoded: base64) }
    }

    var subject: String
    var messageID: String?
    var from: String?
    var to: String?
    var date: String?
    var contentType: String
    var defects: Int
    var text: String?
    var html: String?
    var attachments: [Attachment]

    private static let script = """
    import sys, json, base64, email
    from email import policy
    m = email.message_from_bytes(sys.stdin.buffer.read(), policy=policy.default)
    plain, html = m.get_body(("plain",)), m.get_body(("html",))
    parts = list(m.walk())
    print(json.dumps({
        "subject": str(m["subject"]), "messageID": m["message-id"], "from": m["from"], "to": m["to"],
        "date": m["date"], "contentType": m.get_content_type(),
        "defects": sum(len(p.defects) for p in parts),
        "text": plain.get_content() if plain else None, "html": html.get_content() if html else None,
        "attachments": [{"filename": p.get_filename(), "contentType": p.get_content_type(),
                         "base64": base64.b64encode(p.get_payload(decode=True)).decode()}
                        for p in parts if p.get_content_disposition() == "attachment"],
    }))
    """

    /// Parses `bytes` with `python3`.
    init(_ bytes: Data) throws {
        guard let python = ExternalTool.python3 else { throw ParseError("python3 is not on PATH") }
        let result = try ExternalTool.run(python, ["-c", Self.script], input: bytes)
        guard result.status == 0 else { throw ParseError(result.errors) }
        self = try JSONDecoder().decode(ParsedEmail.self, from: result.output)
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }
}
