import CSSSClinic
@testable import CSSSTerm
import Foundation
import Testing

@Suite("Sixel")
struct SixelTests {
    /// ImageMagick's command (`magick`, or `convert` when it really is ImageMagick's), found on PATH.
    static let imageMagick: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            for name in ["magick", "convert"] {
                let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent(name)
                guard FileManager.default.isExecutableFile(atPath: candidate.path),
                      let version = try? run(candidate, ["-version"]), String(decoding: version, as: UTF8.self).contains("Version: ImageMagick")
                else { continue }
                return candidate
            }
        }
        return nil
    }()

    @Test("a colour image halved into sixel decodes to the same size and colours",
          .enabled(if: SixelTests.imageMagick != nil, "needs ImageMagick's convert to decode sixel"))
    func colourRoundTrip() throws {
        let source = SyntheticImages.gradientWithBlocks(width: 96, height: 72)
        let decoded = try roundTrip(source)
        #expect(meanAbsoluteError(decoded, SyntheticImages.halvedRGB(source)) <= 4, "median cut over 256 registers")
    }

    @Test("a 16-bit gray image halved into sixel decodes to the same size and grey levels",
          .enabled(if: SixelTests.imageMagick != nil, "needs ImageMagick's convert to decode sixel"))
    func grayRoundTrip() throws {
        let source = SyntheticImages.grayRamp16(width: 96, height: 72)
        let decoded = try roundTrip(source)
        #expect(meanAbsoluteError(decoded, SyntheticImages.halvedRGB(source)) <= 1.5, "exact greys, sent in whole percent")
    }

    @Test("room is made for the image first, and the cursor is put back below it whatever the terminal does after sixel")
    func cursorPlacement() {
        let source = SyntheticImages.gradientWithBlocks(width: 96, height: 72)
        let renderer = TerminalImageRenderer(mode: .sixel, cell: CellPixelSize(width: 8, height: 12))
        let text = String(decoding: renderer.render(source, layout: renderer.layout(for: source, maxColumns: 6, maxRows: nil)),
                          as: UTF8.self)
        #expect(text.hasPrefix("\n\n\n\u{1B}[3A\u{1B}7\u{1B}Pq\"1;1;48;36#"))
        #expect(text.hasSuffix("\u{1B}\\\u{1B}8\u{1B}[3B\r"))
    }

    /// Renders `source` at half size (8×12-pixel cells, 6 columns) as sixel, decodes the image with
    /// ImageMagick and returns its RGB samples, after checking its size.
    private func roundTrip(_ source: ScanImage) throws -> [UInt8] {
        let renderer = TerminalImageRenderer(mode: .sixel, cell: CellPixelSize(width: 8, height: 12))
        let layout = renderer.layout(for: source, maxColumns: 6, maxRows: nil)
        try #require(layout == ImageLayout(columns: 6, rows: 3, pixelWidth: 48, pixelHeight: 36))
        let output = renderer.render(source, layout: layout)

        // The image itself, without the cursor moves around it.
        let start = try #require(output.firstRange(of: [0x1B, UInt8(ascii: "P")]))
        let end = try #require(output.firstRange(of: [0x1B, UInt8(ascii: "\\")]))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-sixel-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let sixel = folder.appendingPathComponent("image.six"), decoded = folder.appendingPathComponent("image.png")
        try Data(output[start.lowerBound..<end.upperBound]).write(to: sixel)
        // To PNG rather than PPM: ImageMagick 6.9's sixel reader fills in only the colour map, so formats
        // written from pixel values (PPM, txt:) come out black, while an indexed PNG is written from the map.
        _ = try Self.run(try #require(Self.imageMagick), ["sixel:\(sixel.path)", decoded.path])

        let image = try ScanImage(contentsOf: decoded)
        try #require(image.width == 48 && image.height == 36, "decoded \(image.width)×\(image.height)")
        return image.rgbBytes()
    }

    private func meanAbsoluteError(_ a: [UInt8], _ b: [UInt8]) -> Double {
        Double(zip(a, b).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(a.count)
    }

    private static func run(_ executable: URL, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandFailed(command: executable.path, status: process.terminationStatus) }
        return data
    }
}

private struct CommandFailed: Error {
    let command: String
    let status: Int32
}
