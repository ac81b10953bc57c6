import CCurl
import Foundation

/// Sends an ``EmailMessage`` through an SMTP server with libcurl, and sorts what went wrong into what the
/// outbox should do next (``DeliveryError``).
///
/// Each send opens its own connection (one `curl_easy` handle), so a client can be shared between threads.
/// Errors carry curl's code, its error text and the server's reply code, never the password or the message.
public struct SMTPClient: Sendable {
    /// Where and how to send.
    public let settings: SMTPSettings

    /// A client for `settings`.
    public init(settings: SMTPSettings) {
        self.settings = settings
    }

    /// A client for the settings `environment` gives.
    ///
    /// - Throws: ``DeliveryError/notConfigured(_:)`` when a setting is missing or invalid.
    public init(environment: ClinicEnvironment) throws(DeliveryError) {
        do {
            self.init(settings: try SMTPSettings(environment: environment))
        } catch {
            throw .notConfigured(error.description)
        }
    }

    /// Sends `message` to its recipient; the envelope sender is ``SMTPSettings/sender``.
    ///
    /// - Returns: the `Message-ID` the message was sent with (`<idempotencyKey@csss>`).
    /// - Throws: ``DeliveryError/transient(_:)`` for a refused or timed-out connection, a failed TLS handshake
    ///   or an SMTP 4xx reply; ``DeliveryError/permanent(_:)`` for an SMTP 5xx reply (535 bad credentials,
    ///   550 unknown mailbox) or a request that can never succeed.
    public func send(_ message: EmailMessage) throws(DeliveryError) -> String {
        _ = Self.globalInitialisation
        let mime = MIMEMessage(message)
        guard let handle = curl_easy_init() else {
            throw .transient("libcurl could not create a handle")
        }
        defer { curl_easy_cleanup(handle) }

        let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorBuffer.deallocate() }

        let recipients = curl_slist_append(nil, "<\(Self.address(in: message.to))>")
        defer { curl_slist_free_all(recipients) }
        guard recipients != nil else { throw .transient("libcurl could not allocate the recipient list") }

        let upload = UploadSource(bytes: [UInt8](mime.bytes))
        let context = Unmanaged.passUnretained(upload).toOpaque()
        var status = CURLE_OK
        withExtendedLifetime(upload) {
            var failedOption: CURLcode = CURLE_OK
            func set(_ result: CURLcode) { if failedOption == CURLE_OK, result != CURLE_OK { failedOption = result } }
            set(csss_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer))
            set(csss_curl_setopt_string(handle, CURLOPT_URL, url))
            set(csss_curl_setopt_long(handle, CURLOPT_USE_SSL, settings.security == .none ? Int(CURLUSESSL_NONE.rawValue)
                                                                                          : Int(CURLUSESSL_ALL.rawValue)))
            // Explicit, so that no build default or environment can turn verification off.
            set(csss_curl_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 1))
            set(csss_curl_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 2))
            if let caFile = settings.caFile { set(csss_curl_setopt_string(handle, CURLOPT_CAINFO, caFile)) }
            if let password = settings.password {
                set(csss_curl_setopt_string(handle, CURLOPT_USERNAME, settings.username))
                set(csss_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
            }
            set(csss_curl_setopt_string(handle, CURLOPT_MAIL_FROM, "<\(Self.address(in: settings.sender))>"))
            set(csss_curl_setopt_list(handle, CURLOPT_MAIL_RCPT, recipients))
            set(csss_curl_setopt_long(handle, CURLOPT_UPLOAD, 1))
            set(csss_curl_setopt_callback(handle, CURLOPT_READFUNCTION, readMessageBytes))
            set(csss_curl_setopt_pointer(handle, CURLOPT_READDATA, context))
            let milliseconds = Int((settings.timeout * 1000).rounded())
            set(csss_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds))
            set(csss_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000)))
            // Without it, a timeout is delivered through SIGALRM, which is unsafe in a threaded process.
            set(csss_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
            status = failedOption == CURLE_OK ? curl_easy_perform(handle) : failedOption
        }
        guard status != CURLE_OK else { return mime.messageID }

        var replyCode = 0
        _ = csss_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &replyCode)
        throw SMTPFailure(curlCode: status, replyCode: replyCode, errorText: String(cString: errorBuffer),
                          password: settings.password).deliveryError
    }

    /// `smtp://host:port` or `smtps://host:port`, with an IPv6 address in brackets.
    var url: String {
        let scheme = settings.security == .implicitTLS ? "smtps" : "smtp"
        let host = settings.host.contains(":") && !settings.host.hasPrefix("[") ? "[\(settings.host)]" : settings.host
        return "\(scheme)://\(host):\(settings.port)"
    }

    /// The bare address of `Name <address>`, or the whole text when it has no angle brackets.
    static func address(in mailbox: String) -> String {
        guard let open = mailbox.lastIndex(of: "<"), let close = mailbox.lastIndex(of: ">"), open < close else {
            return MIMEMessage.headerSafe(mailbox).trimmingCharacters(in: .whitespaces)
        }
        return MIMEMessage.headerSafe(String(mailbox[mailbox.index(after: open)..<close]))
    }

    private static let globalInitialisation: Void = {
        // curl_easy_init would do this itself, but not thread-safely on every libcurl: do it once, first.
        _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
    }()
}

/// The message bytes libcurl reads from while uploading, and how far it has read.
private final class UploadSource {
    let bytes: [UInt8]
    var offset = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }
}

/// libcurl's read callback: copies the next bytes of the ``UploadSource`` named by `context`; 0 ends the upload.
private func readMessageBytes(_ buffer: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int,
                              _ context: UnsafeMutableRawPointer?) -> Int {
    guard let buffer, let context else { return 0 }
    let source = Unmanaged<UploadSource>.fromOpaque(context).takeUnretainedValue()
    let length = min(size * count, source.bytes.count - source.offset)
    guard length > 0 else { return 0 }
    source.bytes.withUnsafeBufferPointer { all in
        UnsafeMutableRawPointer(buffer).copyMemory(from: all.baseAddress! + source.offset, byteCount: length)
    }
    source.offset += length
    return length
}
