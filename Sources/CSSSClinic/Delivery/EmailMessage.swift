import Foundation

/// One email as the outbox hands it to ``SMTPClient``.
public struct EmailMessage: Sendable, Equatable {
    /// A file attached to the email.
    public struct Attachment: Sendable, Equatable {
        public var filename: String
        public var contentType: String
        public var data: Data

        public init(filename: String, contentType: String, data: Data) {
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }
    }

    public var from: String
    public var to: String
    public var subject: String
    public var textBody: String
    public var htmlBody: String
    public var attachment: Attachment?
    /// The delivery's idempotency key, sent as the `Message-ID` (`<key@csss>`), so that a receiver
    /// can recognise a message sent again after a crash.
    public var idempotencyKey: String

    public init(from: String, to: String, subject: String, textBody: String, htmlBody: String,
                attachment: Attachment?, idempotencyKey: String) {
        self.from = from
        self.to = to
        self.subject = subject
        self.textBody = textBody
        self.htmlBody = htmlBody
        self.attachment = attachment
        self.idempotencyKey = idempotencyKey
    }
}

/// One WhatsApp message as the outbox hands it to ``TwilioClient``.
public struct WhatsAppMessage: Sendable, Equatable {
    /// The patient's number in E.164 (`+919812345678`); the client adds the `whatsapp:` prefix.
    public var to: String
    public var body: String
    /// The delivery's idempotency key, sent as the `Idempotency-Key` header.
    public var idempotencyKey: String

    public init(to: String, body: String, idempotencyKey: String) {
        self.to = to
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}
