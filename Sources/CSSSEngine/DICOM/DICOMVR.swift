/// A value representation: how an element's value is encoded (PS3.5 §6.2).
public enum DICOMVR: String, Sendable {
    case AE, AS, AT, CS, DA, DS, DT, FD, FL, IS, LO, LT, OB, OD, OF, OL, OV, OW, PN, SH, SL, SQ, SS, ST, SV,
         TM, UC, UI, UL, UN, UR, US, UT, UV

    /// The VR whose two ASCII letters are `first` and `second`, or `nil` when they name none.
    init?(_ first: UInt8, _ second: UInt8) {
        guard (0x41...0x5A).contains(first), (0x41...0x5A).contains(second) else { return nil }
        self.init(rawValue: String(decoding: [first, second], as: UTF8.self))
    }

    /// Whether an explicit-VR header gives this VR 2 reserved bytes and a 32-bit length (PS3.5 Table 7.1-1)
    /// rather than a 16-bit length.
    var hasLongLength: Bool {
        switch self {
        case .OB, .OD, .OF, .OL, .OV, .OW, .SQ, .SV, .UC, .UN, .UR, .UT, .UV: true
        default: false
        }
    }

    /// Whether the value is text, split into values at backslashes (not LT, ST, UT, UR, which keep them).
    var isMultiValuedText: Bool {
        switch self {
        case .AE, .AS, .CS, .DA, .DS, .DT, .IS, .LO, .PN, .SH, .TM, .UC, .UI: true
        default: false
        }
    }

    /// Whether the value is text at all.
    var isText: Bool {
        isMultiValuedText || self == .LT || self == .ST || self == .UT || self == .UR
    }

    /// Whether text values keep their leading spaces (PS3.5 §6.2: they are significant in LT, ST, UT).
    var keepsLeadingSpaces: Bool { self == .LT || self == .ST || self == .UT }
}
