import CCurl
import Foundation

/// One HTTP POST of a form with basic auth through libcurl, as ``TwilioClient`` needs it: the answer's
/// status and body, or why no answer came.
struct TwilioHTTPPost {
    /// What the server answered.
    struct Response {
        var status: Int
        var body: Data
    }

    /// Why no HTTP answer came back.
    struct TransportFailure: Error {
        var code: CURLcode
        var detail: String
        /// Whether the request may not have reached the server or the answer was lost: worth retrying.
        var isTransient: Bool { !Self.permanentCodes.contains(code) }
        var timedOut: Bool { code == CURLE_OPERATION_TIMEDOUT }

        /// Failures that come from the request itself, which the same request cannot get past later.
        private static let permanentCodes: [CURLcode] = [
            CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_LOGIN_DENIED,
        ]
    }

    var url: String
    var user: String
    var password: String
    var headers: [String]
    /// The `application/x-www-form-urlencoded` body.
    var form: String
    var timeoutSeconds: Double

    /// The most of an answer kept: Twilio's are a few kilobytes; anything far larger is not Twilio.
    static let maximumBodySize = 1 << 20

    /// Sends the request and waits for the whole answer, for at most `timeoutSeconds`.
    func perform() throws(TransportFailure) -> Response {
        _ = Self.globalInitialisation
        guard let handle = curl_easy_init() else {
            throw TransportFailure(code: CURLE_FAILED_INIT, detail: "libcurl could not start a request")
        }
        defer { curl_easy_cleanup(handle) }

        var list: UnsafeMutablePointer<curl_slist>?
        // An empty `Expect:` stops curl from waiting for `100 Continue` before sending a longer body.
        for header in headers + ["Content-Type: application/x-www-form-urlencoded", "Expect:"] {
            list = curl_slist_append(list, header)
        }
        defer { curl_slist_free_all(list) }

        let sink = ResponseSink()
        let errorText = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        errorText.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        defer { errorText.deallocate() }

        let milliseconds = max(1, Int((timeoutSeconds * 1000).rounded()))
        var setupFailure = CURLE_OK
        func set(_ result: CURLcode) { if setupFailure == CURLE_OK, result != CURLE_OK { setupFailure = result } }
        set(csss_curl_setopt_string(handle, CURLOPT_URL, url))
        // Only the web: a redirect or a TWILIO_API_BASE of another scheme must not send the token elsewhere.
        set(csss_curl_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"))
        set(csss_curl_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0))
        set(csss_curl_setopt_long(handle, CURLOPT_POST, 1))
        set(csss_curl_setopt_string(handle, CURLOPT_COPYPOSTFIELDS, form))
        set(csss_curl_setopt_string(handle, CURLOPT_USERNAME, user))
        set(csss_curl_setopt_string(handle, CURLOPT_PASSWORD, password))
        set(csss_curl_setopt_list(handle, CURLOPT_HTTPHEADER, list))
        set(csss_curl_setopt_string(handle, CURLOPT_USERAGENT, "CSSS"))
        set(csss_curl_setopt_callback(handle, CURLOPT_WRITEFUNCTION, collectBody))
        set(csss_curl_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(sink).toOpaque()))
        set(csss_curl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorText))
        set(csss_curl_setopt_long(handle, CURLOPT_TIMEOUT_MS, milliseconds))
        set(csss_curl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, min(milliseconds, 10_000)))
        // Timeouts by signal are not thread-safe, and the outbox sends from several threads.
        set(csss_curl_setopt_long(handle, CURLOPT_NOSIGNAL, 1))
        guard setupFailure == CURLE_OK else {
            throw TransportFailure(code: setupFailure, detail: String(cString: curl_easy_strerror(setupFailure)))
        }

        let result = withExtendedLifetime(sink) { curl_easy_perform(handle) }
        guard result == CURLE_OK else {
            let detail = errorText.pointee == 0 ? String(cString: curl_easy_strerror(result)) : String(cString: errorText)
            throw TransportFailure(code: result, detail: detail)
        }
        var status = 0
        _ = csss_curl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return Response(status: status, body: sink.data)
    }

    /// Encodes form fields for `application/x-www-form-urlencoded`, escaping everything but RFC 3986's
    /// unreserved characters (so `+` in a number survives, rather than turning into a space).
    static func form(_ fields: [(String, String)]) -> String {
        fields.map { "\(percentEncoded($0.0))=\(percentEncoded($0.1))" }.joined(separator: "&")
    }

    static func percentEncoded(_ text: String) -> String {
        var encoded = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                 UInt8(ascii: "_"), UInt8(ascii: "~"):
                encoded.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                encoded += String(format: "%%%02X", byte)
            }
        }
        return encoded
    }

    /// `curl_global_init` is not thread-safe on every build of libcurl; a static runs it once.
    private static let globalInitialisation: Void = { _ = curl_global_init(Int(CURL_GLOBAL_DEFAULT)) }()
}

/// The answer's bytes as libcurl hands them over, kept alive by ``TwilioHTTPPost/perform()`` while
/// the transfer runs.
private final class ResponseSink {
    var data = Data()
}

/// libcurl's write callback: appends to the ``ResponseSink`` behind `context`. Returning less than it
/// was given makes libcurl abort the transfer, which is how an oversized answer is refused.
private let collectBody: csss_curl_data_callback = { buffer, size, count, context in
    let total = size * count
    guard let buffer, let context else { return 0 }
    let sink = Unmanaged<ResponseSink>.fromOpaque(context).takeUnretainedValue()
    guard sink.data.count + total <= TwilioHTTPPost.maximumBodySize else { return 0 }
    sink.data.append(UnsafeRawPointer(buffer).assumingMemoryBound(to: UInt8.self), count: total)
    return total
}
