@testable import CSSSTerm
import Foundation
import Testing

@Suite("Asking the terminal whether it draws sixel")
struct DeviceAttributesQueryTests {
    @Test("a Primary Device Attributes reply is parsed, keys typed before it are skipped")
    func replies() {
        func parse(_ text: String) -> [Int]? { DeviceAttributesQuery.parse(Array(text.utf8)) }
        #expect(parse("\u{1B}[?64;1;2;4;6;9;15;18;21;22c") == [64, 1, 2, 4, 6, 9, 15, 18, 21, 22])  // xterm -ti vt340
        #expect(parse("\u{1B}[?1;2c") == [1, 2])                                                      // tmux 3.3
        #expect(parse("ls\u{1B}[?62;4c") == [62, 4])
        #expect(parse("\u{1B}[?64;1;2") == nil, "incomplete: keep reading")
        #expect(parse("\u{1B}[?6x;4c") == nil, "not a reply")
    }

    @Test("a pipe is never asked and nothing blocks")
    func pipeIsNotAsked() throws {
        let pipe = Pipe()
        let start = ContinuousClock.now
        let reply = DeviceAttributesQuery.primaryAttributes(input: pipe.fileHandleForReading.fileDescriptor,
                                                            output: pipe.fileHandleForWriting.fileDescriptor,
                                                            timeout: .seconds(5))
        #expect(reply == nil)
        #expect(ContinuousClock.now - start < .seconds(1))
        try pipe.fileHandleForWriting.close()
        #expect((try pipe.fileHandleForReading.readToEnd() ?? Data()).isEmpty, "nothing was written to the pipe")
    }

    @Test("a terminal's reply is read in raw mode and its settings are restored")
    func terminalAnswers() throws {
        let terminal = try PseudoTerminal()
        let before = try terminal.localFlags()
        terminal.answer(with: "\u{1B}[?62;4;22c")
        #expect(DeviceAttributesQuery.primaryAttributes(input: terminal.device, output: terminal.device,
                                                        timeout: .seconds(5)) == [62, 4, 22])
        #expect(try terminal.localFlags() == before)
    }

    @Test("a terminal that does not answer costs the timeout, and its settings are restored")
    func terminalStaysSilent() throws {
        let terminal = try PseudoTerminal()
        let before = try terminal.localFlags()
        terminal.answer(with: nil)
        let start = ContinuousClock.now
        #expect(DeviceAttributesQuery.primaryAttributes(input: terminal.device, output: terminal.device,
                                                        timeout: .milliseconds(200)) == nil)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(200) && elapsed < .seconds(2), "\(elapsed)")
        #expect(try terminal.localFlags() == before)
    }
}

/// A pseudo-terminal pair: `device` is the terminal the program talks to, the controller side plays the
/// terminal emulator.
private final class PseudoTerminal: Sendable {
    let controller: Int32
    let device: Int32

    struct Failure: Error { let call: String }

    init() throws {
        let openController = try Self.libc("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
        let grant = try Self.libc("grantpt", as: (@convention(c) (Int32) -> Int32).self)
        let unlock = try Self.libc("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
        let deviceName = try Self.libc("ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)

        controller = openController(O_RDWR | O_NOCTTY)
        guard controller >= 0, grant(controller) == 0, unlock(controller) == 0 else { throw Failure(call: "posix_openpt") }
        var name = [CChar](repeating: 0, count: 128)
        guard deviceName(controller, &name, name.count) == 0 else { throw Failure(call: "ptsname_r") }
        device = open(String(decoding: name.prefix { $0 != 0 }.map(UInt8.init), as: UTF8.self), O_RDWR | O_NOCTTY)
        guard device >= 0 else { throw Failure(call: "open") }
    }

    /// A C library function that Swift's Glibc module leaves out (the pseudo-terminal calls need
    /// `_XOPEN_SOURCE`), looked up by name.
    private static func libc<Function>(_ name: String, as type: Function.Type) throws -> Function {
        guard let symbol = dlsym(nil, name) else { throw Failure(call: "dlsym \(name)") }
        return unsafeBitCast(symbol, to: type)
    }

    deinit {
        close(device)
        close(controller)
    }

    func localFlags() throws -> tcflag_t {
        var settings = termios()
        guard tcgetattr(device, &settings) == 0 else { throw Failure(call: "tcgetattr") }
        return settings.c_lflag
    }

    /// In the background, reads the question `ESC [ c` and writes `reply` (none: stays silent).
    func answer(with reply: String?) {
        let controller = controller
        Thread.detachNewThread {
            var received: [UInt8] = []
            var byte: UInt8 = 0
            while !received.suffix(3).elementsEqual([0x1B, 0x5B, 0x63]), read(controller, &byte, 1) == 1 {
                received.append(byte)
            }
            if let reply { _ = Array(reply.utf8).withUnsafeBytes { write(controller, $0.baseAddress, $0.count) } }
        }
    }
}
