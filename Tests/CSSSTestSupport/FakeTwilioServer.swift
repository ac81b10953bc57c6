import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A fake of Twilio's Messages API (`Tests/Servers/fake_twilio.py`) on 127.0.0.1, for the WhatsApp
/// tests: it checks basic auth, deduplicates by `Idempotency-Key`, logs every request, and can be told
/// to fail or hang. Stopped when the value is dropped.
public final class FakeTwilioServer {
    /// Why the fake could not be started or asked something.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The account SID the fake accepts.
    public let accountSID: String
    /// The auth token the fake accepts.
    public let authToken: String
    /// `http://127.0.0.1:<port>`, for `TWILIO_API_BASE`.
    public let baseURL: String
    public let port: Int

    private let server: LocalServerProcess
    private let folder: TemporaryFolder
    private let logURL: URL

    /// Starts the fake and waits until it listens.
    public init(accountSID: String = "AC0123456789abcdef0123456789abcdef", authToken: String = "fake-token-8c1d2e") throws {
        self.accountSID = accountSID
        self.authToken = authToken
        folder = try TemporaryFolder("fake-twilio")
        logURL = folder.file("requests.jsonl")
        server = try LocalServerProcess(script: "fake_twilio.py",
                                        arguments: ["--account", accountSID, "--token", authToken, "--log", logURL.path])
        port = server.port
        baseURL = "http://127.0.0.1:\(port)"
    }

    /// Every message request the fake received, oldest first, as logged: `path`, `headers`, `fields`
    /// (`To`, `From`, `Body`), `idempotency_key`, `status`, `sid`, `duplicate`.
    public func requests() throws -> [[String: Any]] {
        guard FileManager.default.fileExists(atPath: logURL.path) else { return [] }
        let text = try String(contentsOf: logURL, encoding: .utf8)
        return try text.split(separator: "\n").map { line in
            guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
                throw Failure(description: "not a JSON object in the fake's log: \(line)")
            }
            return object
        }
    }

    /// How many requests with this idempotency key were accepted as new messages (duplicates and
    /// refusals not counted).
    public func deliveredCount(key: String) throws -> Int {
        try requests().filter { request in
            request["idempotency_key"] as? String == key && request["duplicate"] as? Bool == false
                && (request["status"] as? Int).map { (200..<300).contains($0) } == true
        }.count
    }

    /// Sends a control command: `["fail": 1, "status": 503, "code": 20500, "message": "…"]` fails the next
    /// message requests, `["hang": 3]` delays the next answer by that many seconds.
    public func control(_ json: [String: Any]) throws {
        var request = URLRequest(url: URL(string: "\(baseURL)/control")!)
        request.httpMethod = "POST"
        request.httpBody = try JSONSerialization.data(withJSONObject: json)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let outcome = ControlOutcome()
        let done = DispatchSemaphore(value: 0)
        URLSession.shared.dataTask(with: request) { _, response, error in
            outcome.status = (response as? HTTPURLResponse)?.statusCode
            outcome.error = error.map { "\($0)" }
            done.signal()
        }.resume()
        guard done.wait(timeout: .now() + 10) == .success else {
            throw Failure(description: "the fake did not answer the control request")
        }
        guard outcome.status == 200 else {
            throw Failure(description: "control request failed: \(outcome.error ?? "HTTP \(outcome.status ?? 0)")")
        }
    }
}

/// The answer to a control request, handed from URLSession's queue to the waiting test; the semaphore
/// orders the accesses.
private final class ControlOutcome: @unchecked Sendable {
    var status: Int?
    var error: String?
}
