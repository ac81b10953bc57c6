/// The bytes of a drawing on their way to the terminal, gathered so that they leave in one `write`.
struct TerminalOutput: Sendable {
    /// Everything written so far.
    private(set) var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 0) {
        bytes.reserveCapacity(capacity)
    }

    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    mutating func append(contentsOf other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Writes a non-negative number in decimal, as escape-sequence parameters are written.
    mutating func append(decimal value: Int) {
        precondition(value >= 0, "escape-sequence parameters are non-negative")
        if value >= 10 { append(decimal: value / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// Control Sequence Introducer, `ESC [`.
    mutating func appendCSI() {
        bytes.append(contentsOf: [0x1B, UInt8(ascii: "[")])
    }
}
