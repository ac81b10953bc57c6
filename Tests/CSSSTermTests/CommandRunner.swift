import CSSSTestSupport
import Foundation

/// Runs the built `csss` executable as a user would, capturing what it prints.
struct CommandRunner {
    struct Result {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `csss` binary beside the test bundle (`swift build` puts every product in one folder).
    static let executable: URL = {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return testBinary.deletingLastPathComponent().appendingPathComponent("csss")
    }()

    /// Runs `csss` with the arguments in `directory` (a fresh temporary folder by default, so no stray
    /// `.env` is read) and an environment without the prediction settings unless given.
    static func run(_ arguments: [String], environment: [String: String] = [:], in directory: URL? = nil) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var base = ProcessInfo.processInfo.environment
        for key in ["MODEL_PATH", "LABELS_PATH", "CONFIDENCE_THRESHOLD"] { base[key] = nil }
        process.environment = base.merging(environment) { $1 }
        let scratch = directory == nil ? try TemporaryFolder("csss-cli") : nil
        process.currentDirectoryURL = directory ?? scratch?.url
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        // Read both pipes to the end before waiting, so a chatty child never blocks on a full pipe.
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        withExtendedLifetime(scratch) {}
        return Result(status: process.terminationStatus,
                      standardOutput: String(decoding: outputData, as: UTF8.self),
                      standardError: String(decoding: errorData, as: UTF8.self))
    }
}
