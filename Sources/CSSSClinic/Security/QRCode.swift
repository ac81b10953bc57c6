import CQREncode
import Foundation

/// A QR code (libqrencode, error correction level M) and its drawing for a text terminal, used to hand
/// a TOTP secret to an authenticator app.
public struct QRCode: Sendable {
    /// Modules per side: 21 + 4 × (version − 1).
    public let size: Int
    private let modules: [Bool]

    /// Encodes text as 8-bit data in the smallest version that holds it.
    ///
    /// - Throws: ``QRCodeError`` when the text holds a NUL, is too long for a QR code, or libqrencode fails.
    public init(encoding text: String) throws(QRCodeError) {
        guard !text.utf8.contains(0) else { throw .containsNUL }
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            if errno == ERANGE { throw .tooLong(bytes: text.utf8.count) }
            throw .encodingFailed(reason: String(cString: strerror(errno)))
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        // Bit 0 of each byte is the module's colour; the other bits describe its role in the symbol.
        size = width
        modules = UnsafeBufferPointer(start: code.pointee.data, count: width * width).map { $0 & 1 == 1 }
    }

    /// Whether the module at a row and column (0-based, from the top left) is dark.
    public func isDark(row: Int, column: Int) -> Bool {
        modules[row * size + column]
    }

    /// The code drawn with half blocks, two module rows to a text line, surrounded by `quietZone` light
    /// modules (the standard asks for 4; 2 is enough for phone scanners and keeps the code small).
    ///
    /// Dark modules are drawn in the foreground colour and light ones left as background, so the lines
    /// must be shown dark on light. With `ansi` each line is wrapped in black-on-white codes
    /// (`ESC[30;47m` … `ESC[0m`) that make it so on any terminal theme; without, the caller must arrange
    /// it, or a light-on-dark terminal shows the code inverted, which many scanners refuse.
    ///
    /// - Returns: ⌈(size + 2 × quietZone) / 2⌉ lines of size + 2 × quietZone characters each (before codes).
    public func terminalLines(quietZone: Int = 2, ansi: Bool = false) -> [String] {
        let span = size + 2 * quietZone
        func dark(_ row: Int, _ column: Int) -> Bool {
            let (r, c) = (row - quietZone, column - quietZone)
            return (0..<size).contains(r) && (0..<size).contains(c) && isDark(row: r, column: c)
        }
        return stride(from: 0, to: span, by: 2).map { top in
            let line = String((0..<span).map { column -> Character in
                switch (dark(top, column), dark(top + 1, column)) {
                case (true, true): "█"
                case (true, false): "▀"
                case (false, true): "▄"
                case (false, false): " "
                }
            })
            return ansi ? "\u{1B}[30;47m" + line + "\u{1B}[0m" : line
        }
    }
}

/// Why text could not be made into a QR code.
public enum QRCodeError: Error, Equatable, CustomStringConvertible {
    /// The text holds a NUL character, which the C encoder would silently cut at.
    case containsNUL
    /// More bytes than the largest QR code (version 40, level M) holds.
    case tooLong(bytes: Int)
    /// libqrencode failed for another reason, such as memory.
    case encodingFailed(reason: String)

    public var description: String {
        switch self {
        case .containsNUL: return "text for a QR code cannot contain a NUL character"
        case .tooLong(let bytes): return "\(bytes) bytes is too long for a QR code (at most 2331 at level M)"
        case .encodingFailed(let reason): return "the QR code could not be made: \(reason)"
        }
    }
}
