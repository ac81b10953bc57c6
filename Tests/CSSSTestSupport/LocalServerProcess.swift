import Foundation

/// One of the Python servers in `Tests/Servers`, listening on a free port of 127.0.0.1 for as long
/// as this value lives: the real peers (SMTP, a Twilio-shaped HTTP API) that the delivery tests talk to.
///
/// A server prints `PORT <n>` once it listens, and exits when its stdin closes.
public final class LocalServerProcess {
    /// The port it listens on.
    public let port: Int
    private let process: Process
    private let input: Pipe

    /// Why a server did not start.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `Tests/Servers/<script>` with `arguments` and waits until it listens.
    public init(script: String, arguments: [String]) throws {
        guard let python = ExternalTool.python3 else { throw Failure(description: "python3 is not on PATH") }
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Servers/\(script)").path
        process = Process()
        process.executableURL = python
        process.arguments = [path] + arguments
        input = Pipe()
        let output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Reading the first line is also the wait for the moment it listens; EOF first means it failed.
        var received = Data()
        while !received.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty {
                let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                throw Failure(description: "\(script) did not start: \(message.isEmpty ? "no output" : message)")
            }
            received.append(chunk)
        }
        let line = String(decoding: received, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard line.hasPrefix("PORT "), let port = Int(line.dropFirst(5)) else {
            process.terminate()
            throw Failure(description: "\(script) did not start: its first line was '\(line)'")
        }
        self.port = port
    }

    deinit {
        // Closing stdin alone stops it; terminating as well does not wait for its stdin watcher.
        try? input.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
