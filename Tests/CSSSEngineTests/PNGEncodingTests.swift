import Foundation
import Testing
@testable import CSSSEngine

/// Runs `body` with a new empty folder under the system's temporary folder, then removes the folder.
private func withScratchFolder<Value>(_ body: (URL) throws -> Value) throws -> Value {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-png-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
    defer { try? FileManager.default.removeItem(at: folder) }
    return try body(folder)
}

/// The names in `folder`, hidden ones included, sorted.
private func contents(of folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
}

/// A 7 × 5 image of every kind the encoder writes, with distinct samples.
private func sampleImage(_ model: Image.ColorModel, bits: Int) -> Image {
    let count = 7 * 5 * model.channelCount
    let samples: Image.Samples = bits == 16
        ? .uint16((0..<count).map { UInt16(($0 * 4099 + 17) % 65536) })
        : .uint8((0..<count).map { UInt8(($0 * 37 + 11) % 256) })
    return Image(width: 7, height: 5, colorModel: model, samples: samples)
}

@Suite("Encoding PNG")
struct PNGEncodingTests {
    @Test("an image written as PNG decodes to the same pixels",
          arguments: [(Image.ColorModel.gray, 8), (.rgb, 8), (.gray, 16), (.rgb, 16)])
    func roundTrip(model: Image.ColorModel, bits: Int) throws {
        let image = sampleImage(model, bits: bits)
        #expect(try ImageDecoder.decode(try image.pngData(), name: "round trip") == image)
    }

    @Test("the file starts with the PNG signature and an IHDR giving size, depth and colour type")
    func header() throws {
        let file = [UInt8](try sampleImage(.rgb, bits: 8).pngData())
        #expect(Array(file[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        // Length 13, "IHDR", width 7 and height 5 big-endian, 8 bits, colour type 2 (RGB), deflate,
        // adaptive filtering, not interlaced.
        #expect(Array(file[8..<29]) == [0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 0, 7, 0, 0, 0, 5, 8, 2, 0, 0, 0])
        let gray16 = [UInt8](try sampleImage(.gray, bits: 16).pngData())
        #expect(Array(gray16[24..<26]) == [16, 0])
    }

    @Test("another decoder, Python's zlib with PNG's filters, reads the same pixels and valid chunk CRCs",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/python3"), "needs /usr/bin/python3"))
    func independentDecoder() throws {
        let image = sampleImage(.rgb, bits: 8)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("csss-png-\(UUID().uuidString).png")
        try image.pngData().write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.pythonPNGReader, url.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(printed.split(separator: " ").compactMap { UInt8($0.trimmingCharacters(in: .whitespacesAndNewlines)) } == image.bytes())
    }

    /// Checks every chunk's CRC, inflates the IDAT stream and undoes PNG's five row filters for an 8-bit
    /// RGB file, then prints the samples.
    static let pythonPNGReader = #"""
        import struct, sys, zlib
        data = open(sys.argv[1], 'rb').read()
        assert data[:8] == b'\x89PNG\r\n\x1a\n'
        pos, idat, header = 8, b'', None
        while pos < len(data):
            length, kind = struct.unpack('>I4s', data[pos:pos + 8])
            body = data[pos + 8:pos + 8 + length]
            assert struct.unpack('>I', data[pos + 8 + length:pos + 12 + length])[0] == zlib.crc32(kind + body), kind
            if kind == b'IHDR': header = struct.unpack('>IIBBBBB', body)
            if kind == b'IDAT': idat += body
            pos += 12 + length
        width, height, depth, color, _, _, interlace = header
        assert (depth, color, interlace) == (8, 2, 0), header
        raw, stride, rows, prior = zlib.decompress(idat), 3 * width, [], bytearray(3 * width)
        for y in range(height):
            kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
            for i in range(stride):
                a = line[i - 3] if i >= 3 else 0
                b, c = prior[i], prior[i - 3] if i >= 3 else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                paeth = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + [0, a, b, (a + b) // 2, paeth][kind]) % 256
            rows.append(line)
            prior = line
        print(' '.join(str(v) for row in rows for v in row))
        """#

    @Test("writing a PNG leaves exactly the file, and replaces one already there")
    func atomicWrite() throws {
        try withScratchFolder { folder throws in
            let url = folder.appendingPathComponent("overlay.png")
            try sampleImage(.gray, bits: 8).writePNG(to: url)
            let replacement = sampleImage(.rgb, bits: 8)
            try replacement.writePNG(to: url)
            #expect(try contents(of: folder) == ["overlay.png"])
            #expect(try Image(contentsOf: url) == replacement)
        }
    }

    @Test("writing into a missing folder throws an error naming the path and creates nothing")
    func missingFolder() throws {
        try withScratchFolder { folder throws in
            let url = folder.appendingPathComponent("no-such-folder/overlay.png")
            let error = #expect(throws: ImageEncodingError.self) { try sampleImage(.rgb, bits: 8).writePNG(to: url) }
            #expect(error?.file == url.path)
            #expect(error?.description.hasPrefix("\(url.path): cannot be written: ") == true)
            #expect(try contents(of: folder).isEmpty)
        }
    }

    @Test("a write that fails at the rename removes its temporary file")
    func failedRenameLeavesNothing() throws {
        // A folder where the file should go: the temporary file is written, but cannot replace a folder.
        try withScratchFolder { folder throws in
            let url = folder.appendingPathComponent("taken.png")
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false)
            let error = #expect(throws: ImageEncodingError.self) { try sampleImage(.gray, bits: 8).writePNG(to: url) }
            #expect(error?.file == url.path)
            #expect(try contents(of: folder) == ["taken.png"])
            #expect(try contents(of: url).isEmpty)
        }
    }
}
