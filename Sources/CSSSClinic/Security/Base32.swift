/// RFC 4648 base 32, the alphabet authenticator apps read TOTP secrets in.
///
/// Encoding is uppercase without `=` padding, as `otpauth://` URIs carry it; decoding accepts what a
/// person might type back from a screen: any case, spaces, and padding.
public enum Base32 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".utf8)

    /// Encodes bytes as uppercase base 32 without padding.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 8 + 4) / 5)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | UInt32(byte)
            bits += 8
            while bits >= 5 {
                bits -= 5
                output.append(alphabet[Int((buffer >> UInt32(bits)) & 31)])
            }
        }
        if bits > 0 {
            output.append(alphabet[Int((buffer << UInt32(5 - bits)) & 31)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes base 32, ignoring case, spaces and `=`.
    ///
    /// - Throws: ``Base32Error`` naming the first character outside the alphabet, or a length no
    ///   encoder produces.
    public static func decode(_ text: String) throws(Base32Error) -> [UInt8] {
        var output: [UInt8] = []
        var buffer: UInt32 = 0
        var bits = 0
        var symbols = 0
        for character in text.unicodeScalars where character != " " && character != "=" {
            let value: UInt32
            switch character {
            case "A"..."Z": value = character.value - 65
            case "a"..."z": value = character.value - 97
            case "2"..."7": value = character.value - 50 + 26
            default: throw .invalidCharacter(Character(character))
            }
            buffer = (buffer << 5) | value
            bits += 5
            symbols += 1
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // Whole bytes end after 2, 4, 5, 7 or 8 symbols of each 8-symbol group; 1, 3 or 6 leave a
        // fragment, which means a symbol was lost in copying.
        guard ![1, 3, 6].contains(symbols % 8) else { throw .truncated(symbols: symbols) }
        return output
    }
}

/// Why a base 32 string could not be decoded.
public enum Base32Error: Error, Equatable, CustomStringConvertible {
    /// A character outside A–Z and 2–7 (spaces and `=` are allowed).
    case invalidCharacter(Character)
    /// The number of symbols cannot come from whole bytes, so some are missing.
    case truncated(symbols: Int)

    public var description: String {
        switch self {
        case .invalidCharacter(let character):
            return "base 32 allows only the letters A–Z and digits 2–7, not '\(character)'"
        case .truncated(let symbols):
            return "base 32 text of \(symbols) symbols is incomplete; a symbol is missing"
        }
    }
}
