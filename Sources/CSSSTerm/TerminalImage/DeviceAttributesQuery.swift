import Foundation

/// Asks the terminal for its Primary Device Attributes (`ESC [ c`) and reads the reply, for example
/// `ESC [ ? 6 4 ; 1 ; 2 ; 4 c` from a VT340-like terminal, where attribute 4 means sixel graphics.
///
/// The question is asked only when both standard input and output are terminals, so a pipe or a file never
/// receives it and nothing ever blocks on one. Input is read in raw mode and the terminal's settings are
/// restored on every path, the timeout included.
enum DeviceAttributesQuery {
    /// The attribute a terminal lists when it draws sixel graphics.
    static let sixelAttribute = 4

    /// How long to wait for the reply. A local terminal answers in about a millisecond and one over SSH
    /// in a round trip; a terminal that ignores the question costs this much once per `csss view`.
    static let defaultTimeout = Duration.milliseconds(250)

    /// The attributes the terminal reports, or `nil` when `input` or `output` is not a terminal or no
    /// complete reply came in time.
    ///
    /// - Parameters:
    ///   - input: where the reply is read, standard input by default.
    ///   - output: where the question is written, standard output by default.
    static func primaryAttributes(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO,
                                  timeout: Duration = defaultTimeout) -> [Int]? {
        guard isatty(input) == 1, isatty(output) == 1 else { return nil }
        var saved = termios()
        guard tcgetattr(input, &saved) == 0 else { return nil }
        var raw = saved
        // No line buffering, no echo of the reply, and Ctrl-C read as a byte rather than killing the process
        // before the settings are restored.
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG | IEXTEN)
        withUnsafeMutableBytes(of: &raw.c_cc) { controls in
            controls[Int(VMIN)] = 0
            controls[Int(VTIME)] = 0
        }
        guard tcsetattr(input, TCSANOW, &raw) == 0 else { return nil }
        // TCSAFLUSH also drops whatever part of a reply arrived but was not read, so it never reaches the shell.
        defer { tcsetattr(input, TCSAFLUSH, &saved) }

        let question: [UInt8] = [0x1B, UInt8(ascii: "["), UInt8(ascii: "c")]
        guard question.withUnsafeBytes({ write(output, $0.baseAddress, $0.count) }) == question.count else { return nil }
        return readReply(from: input, before: ContinuousClock.now.advanced(by: timeout))
    }

    /// Reads `input` until a complete reply has arrived or the deadline passes.
    private static func readReply(from input: Int32, before deadline: ContinuousClock.Instant) -> [Int]? {
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64)
        while received.count < 1024 {
            let remaining = ContinuousClock.now.duration(to: deadline)
            guard remaining > .zero else { return nil }
            var ready = pollfd(fd: input, events: Int16(POLLIN), revents: 0)
            let milliseconds = Int32((remaining / .milliseconds(1)).rounded(.up))
            guard poll(&ready, 1, milliseconds) > 0 else { continue }
            let count = chunk.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            guard count > 0 else { return nil }
            received += chunk[..<count]
            if let attributes = parse(received) { return attributes }
        }
        return nil
    }

    /// The attributes of the first complete `ESC [ ? … c` reply in `bytes`, or `nil` when there is none yet.
    /// Bytes before the reply (keys typed meanwhile) are skipped.
    static func parse(_ bytes: [UInt8]) -> [Int]? {
        let prefix: [UInt8] = [0x1B, UInt8(ascii: "["), UInt8(ascii: "?")]
        guard let start = bytes.indices.first(where: { bytes[$0...].starts(with: prefix) }) else { return nil }
        let body = bytes[(start + prefix.count)...]
        guard let end = body.firstIndex(of: UInt8(ascii: "c")) else { return nil }
        let fields = body[..<end].split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        let attributes = fields.compactMap { Int(String(decoding: $0, as: UTF8.self)) }
        return attributes.count == fields.count ? attributes : nil
    }
}
