import Foundation
import Testing

@Suite("csss view")
struct ViewCommandTests {
    /// The environment of a pipe whose size nobody states: 80 columns, no height limit.
    private static let noScreen = ["COLUMNS": "", "LINES": ""]

    /// Writes a 120×60 PNG (twice as wide as high) into a fresh folder and returns its path.
    private func widePNG() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-view-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("wide scan.png")
        try PNGFile.data(SyntheticImages.gradientWithBlocks(width: 120, height: 60)).write(to: file)
        return file
    }

    @Test("--mode ascii prints plain lines of the asked width, then the caption")
    func ascii() throws {
        let png = try widePNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let result = try CommandRunner.run(["view", png.path, "--mode", "ascii", "--width", "40"], environment: Self.noScreen)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == 11, "10 image lines (40 columns × 60/120 ÷ 2) and a caption:\n\(result.standardOutput)")
        #expect(lines.dropLast().allSatisfy { $0.count == 40 })
        #expect(!result.standardOutput.utf8.contains(0x1B))
        #expect(lines.last == "wide scan.png  120x60 px  ascii mode")
    }

    @Test("--mode truecolor prints half-block lines, each reset at its end, then the caption")
    func truecolor() throws {
        let png = try widePNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let result = try CommandRunner.run(["view", png.path, "--mode", "truecolor", "--width", "40"], environment: Self.noScreen)
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == 11)
        for line in lines.dropLast() {
            #expect(line.filter { $0 == "▀" }.count == 40)
            #expect(line.hasSuffix("\u{1B}[0m") && line.hasPrefix("\u{1B}[38;2;"))
        }
        #expect(lines.last == "wide scan.png  120x60 px  truecolor mode")
    }

    @Test("without --width the image fits COLUMNS and LINES, leaving two lines free")
    func fitsTheScreen() throws {
        let png = try widePNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let result = try CommandRunner.run(["view", png.path, "--mode", "ascii"], environment: ["COLUMNS": "50", "LINES": "12"])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n").dropLast()
        // 50 columns would need 13 rows; 10 rows fit, which keep the 2:1 shape at 40 columns.
        #expect(lines.count == 10)
        #expect(lines.allSatisfy { $0.count == 40 })
    }

    @Test("auto mode on TERM=dumb draws ASCII")
    func autoOnDumbTerminal() throws {
        let png = try widePNG()
        defer { try? FileManager.default.removeItem(at: png.deletingLastPathComponent()) }
        let result = try CommandRunner.run(["view", png.path, "--width", "20"],
                                           environment: Self.noScreen.merging(["TERM": "dumb", "LANG": "C.UTF-8"]) { $1 })
        #expect(result.status == 0, "\(result.standardError)")
        #expect(!result.standardOutput.utf8.contains(0x1B))
        #expect(result.standardOutput.hasSuffix("ascii mode\n"))
    }

    @Test("an unreadable image gives one line of error naming it, and exit status 1",
          arguments: ["missing.png", "notes.png"])
    func unreadableImage(_ name: String) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-view-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("a text file, not a scan\n".utf8).write(to: folder.appendingPathComponent("notes.png"))

        let result = try CommandRunner.run(["view", folder.appendingPathComponent(name).path])
        #expect(result.status == 1)
        #expect(result.standardOutput.isEmpty)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.contains(name) == true, "\(result.standardError)")
    }

    @Test("--mode rejects an unknown mode and lists the valid ones")
    func unknownMode() throws {
        let result = try CommandRunner.run(["view", "scan.png", "--mode", "kitty"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("auto") && result.standardError.contains("sixel"), "\(result.standardError)")
    }
}
