import Foundation
import Testing

/// A real SMTP server on 127.0.0.1 for the delivery tests: `Tests/Servers/smtp_server.py` (aiosmtpd),
/// started with `Process` on a free port and stopped when the value is dropped.
///
/// Tests that need it are disabled with ``missingReason`` when python3 or aiosmtpd is absent.
public final class LocalSMTPServer: @unchecked Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    /// Where it saves what it accepts.
    public let folder: TemporaryFolder
    private let server: LocalServerProcess
    /// Kept so that its files outlive the server that reads them.
    private let certificate: TestCertificate?

    /// Whether python3 with aiosmtpd is on `PATH`.
    public static let available: Bool = {
        guard let python = ExternalTool.python3 else { return false }
        return (try? ExternalTool.run(python, ["-c", "import aiosmtpd"]).status) == 0
    }()

    /// The reason shown for a test skipped because the server cannot run.
    public static let missingReason: Comment = "needs python3 with aiosmtpd (scripts/setup.sh installs it)"

    /// Starts the server.
    ///
    /// - Parameters:
    ///   - certificate: offers and requires STARTTLS with it.
    ///   - implicitTLS: speaks TLS from the first byte (smtps) with `certificate` instead.
    ///   - credentials: `USER:PASSWORD` it requires with AUTH PLAIN or LOGIN.
    ///   - failFirst: how many DATA commands it refuses before accepting any.
    ///   - failCode: the reply code it refuses them with (451 or 550).
    public init(certificate: TestCertificate? = nil, implicitTLS: Bool = false, credentials: String? = nil,
                failFirst: Int = 0, failCode: Int = 451) throws {
        self.certificate = certificate
        folder = try TemporaryFolder("csss-smtp")
        var arguments = ["0", folder.file("mail").path]
        if let certificate {
            arguments += ["--tls-cert", certificate.certificate.path, "--tls-key", certificate.key.path]
            if implicitTLS { arguments.append("--implicit-tls") }
        }
        if let credentials { arguments += ["--auth", credentials] }
        if failFirst > 0 { arguments += ["--fail-first", String(failFirst), "--fail-code", String(failCode)] }

        do {
            server = try LocalServerProcess(script: "smtp_server.py", arguments: arguments)
        } catch {
            throw ServerError.notStarted("\(error)")
        }
        port = server.port
    }

    /// The messages it accepted, in order, as the raw bytes it received.
    public func messages() -> [Data] {
        let mail = folder.file("mail")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: mail.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }
            .compactMap { name in Int(name.dropLast(4)).map { ($0, name) } }
            .sorted { $0.0 < $1.0 }
            .compactMap { try? Data(contentsOf: mail.appendingPathComponent($0.1)) }
    }

    /// Why the server did not start.
    public enum ServerError: Error, CustomStringConvertible {
        case notStarted(String)

        public var description: String {
            switch self {
            case .notStarted(let reason): "the test SMTP server did not start: \(reason)"
            }
        }
    }
}

/// A self-signed certificate for `localhost` and `127.0.0.1`, made with `openssl` in a ``TemporaryFolder``
/// that lives as long as the value (and the server given it).
public struct TestCertificate {
    /// The certificate (PEM), also usable as the CA bundle that trusts it.
    public let certificate: URL
    /// Its private key (PEM, unencrypted).
    public let key: URL
    private let folder: TemporaryFolder

    /// Makes a certificate valid for a day.
    public init() throws {
        folder = try TemporaryFolder("csss-smtp-cert")
        certificate = folder.file("cert.pem")
        key = folder.file("key.pem")
        guard let openssl = ExternalTool.executable(named: "openssl") else {
            throw LocalSMTPServer.ServerError.notStarted("openssl is not on PATH")
        }
        let result = try ExternalTool.run(openssl, [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost",
            "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "1",
            "-keyout", key.path, "-out", certificate.path,
        ])
        guard result.status == 0 else {
            throw LocalSMTPServer.ServerError.notStarted("openssl failed: \(result.errors)")
        }
    }
}

/// Finds and runs the command-line tools (python3, openssl) the test servers need.
public enum ExternalTool {
    /// `python3` on `PATH`.
    public static let python3: URL? = executable(named: "python3")

    /// The first executable called `name` on `PATH`.
    public static func executable(named name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Runs `tool` with `arguments` and `input` on stdin, to completion.
    public static func run(_ tool: URL, _ arguments: [String], input: Data = Data()) throws
        -> (status: Int32, output: Data, errors: String) {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        // Write and read on separate threads, so that neither pipe can fill up and stall the other side.
        let writer = Thread {
            try? stdin.fileHandleForWriting.write(contentsOf: input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        nonisolated(unsafe) var errors = Data()
        let errorReader = Thread { errors = stderr.fileHandleForReading.readDataToEndOfFile() }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errorReader.isFinished { Thread.sleep(forTimeInterval: 0.005) }
        return (process.terminationStatus, output, String(decoding: errors, as: UTF8.self))
    }
}
