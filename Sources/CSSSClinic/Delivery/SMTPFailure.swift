import CCurl
import Foundation

/// A failed SMTP send as libcurl reports it, sorted into a ``DeliveryError``.
///
/// Once the server has replied with an error, its reply code decides (4xx: try again; 5xx: give up);
/// before that, curl's code does: the network and TLS failures are worth retrying, a request the server
/// can never accept is not.
struct SMTPFailure {
    /// What `curl_easy_perform` returned.
    var curlCode: CURLcode
    /// `CURLINFO_RESPONSE_CODE`: the server's last reply code, 0 when it never replied.
    var replyCode: Int
    /// The text curl wrote into `CURLOPT_ERRORBUFFER`.
    var errorText: String
    /// The password, only to be scrubbed from the reason.
    var password: String?

    /// curl codes that no later attempt can change, whatever the server said.
    private static let permanentCurlCodes: Set<UInt32> = [
        CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_LOGIN_DENIED, CURLE_USE_SSL_FAILED,
        CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM, CURLE_NOT_BUILT_IN,
    ].map(\.rawValue).reduce(into: []) { $0.insert($1) }

    var deliveryError: DeliveryError {
        let reason = self.reason
        switch replyCode {
        case 400..<500: return .transient(reason)
        case 500..<600: return .permanent(reason)
        default: return Self.permanentCurlCodes.contains(curlCode.rawValue) ? .permanent(reason) : .transient(reason)
        }
    }

    /// `SMTP 535: curl 67 (Login denied): <curl's error text>`, without the password.
    var reason: String {
        // A success code (the 220 greeting, a 250) is only the last thing the server said before curl gave up.
        var text = replyCode >= 400 ? "SMTP \(replyCode): " : ""
        text += "curl \(curlCode.rawValue) (\(String(cString: curl_easy_strerror(curlCode))))"
        let detail = errorText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !detail.isEmpty { text += ": \(detail)" }
        // curl does not echo credentials, but the reason ends up in logs and dead letters: make sure.
        if let password, !password.isEmpty {
            text = text.replacingOccurrences(of: password, with: "[password]")
        }
        return text
    }
}
