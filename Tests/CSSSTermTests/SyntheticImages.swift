import CSSSClinic
import Foundation

/// Images made in code, so that a test says exactly what it draws.
enum SyntheticImages {
    /// An 8-bit RGB image whose pixel at (x, y) is `colour(x, y)`.
    static func rgb(width: Int, height: Int, _ colour: (Int, Int) -> [UInt8]) -> ScanImage {
        var samples: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width { samples += colour(x, y) }
        }
        return ScanImage(width: width, height: height, colorModel: .rgb, samples: .uint8(samples))
    }

    /// A colour gradient (red across, green down, blue constant) with blocks of pure red, blue, white and
    /// black: smooth areas and hard edges.
    static func gradientWithBlocks(width: Int, height: Int) -> ScanImage {
        rgb(width: width, height: height) { x, y in
            let block = (x * 4 / width, y * 3 / height)
            switch block {
            case (1, 1): return [255, 0, 0]
            case (2, 1): return [0, 0, 255]
            case (1, 2): return [255, 255, 255]
            case (2, 2): return [0, 0, 0]
            default: return [UInt8(x * 255 / (width - 1)), UInt8(y * 255 / (height - 1)), 128]
            }
        }
    }

    /// A 16-bit gray image: a diagonal ramp with a dark square in the middle, like a lesion on a film.
    static func grayRamp16(width: Int, height: Int) -> ScanImage {
        var samples: [UInt16] = []
        for y in 0..<height {
            for x in 0..<width {
                let inSquare = abs(2 * x - width) < width / 3 && abs(2 * y - height) < height / 3
                samples.append(inSquare ? 0x1000 : UInt16((x + y) * 65535 / (width + height - 2)))
            }
        }
        return ScanImage(width: width, height: height, colorModel: .gray, samples: .uint16(samples))
    }

    /// Each 2×2 block of `image`'s 8-bit RGB samples averaged (rounded): the reference for a halving.
    static func halvedRGB(_ image: ScanImage) -> [UInt8] {
        let source = image.rgbBytes(), width = image.width / 2, height = image.height / 2
        var halved: [UInt8] = []
        for y in 0..<height {
            for x in 0..<width {
                for channel in 0..<3 {
                    let sum = [(0, 0), (1, 0), (0, 1), (1, 1)].reduce(0) { sum, offset in
                        sum + Int(source[3 * ((2 * y + offset.1) * image.width + 2 * x + offset.0) + channel])
                    }
                    halved.append(UInt8((sum + 2) / 4))
                }
            }
        }
        return halved
    }
}

/// Writes 8-bit RGB PNG files (stored, uncompressed), so the command can be run on a known image.
enum PNGFile {
    static func data(_ image: ScanImage) -> Data {
        let rgb = image.rgbBytes(), stride = image.width * 3
        var raw: [UInt8] = []
        for y in 0..<image.height { raw += [0] + rgb[y * stride..<(y + 1) * stride] }  // filter 0: none

        var zlib: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let length = min(65535, raw.count - offset)
            let final: UInt8 = offset + length == raw.count ? 1 : 0
            zlib += [final, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8 & 0xFF)]
            zlib += raw[offset..<offset + length]
            offset += length
        } while offset < raw.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65521; b = (b + a) % 65521 }
        zlib += bigEndian(b << 16 | a)

        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += chunk("IHDR", bigEndian(UInt32(image.width)) + bigEndian(UInt32(image.height)) + [8, 2, 0, 0, 0])
        png += chunk("IDAT", zlib)
        png += chunk("IEND", [])
        return Data(png)
    }

    private static func chunk(_ type: String, _ body: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + body
        return bigEndian(UInt32(body.count)) + typed + bigEndian(crc32(typed))
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        return ~crc
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: value >> $0) }
    }
}
