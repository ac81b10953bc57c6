/// Typed views of an element's value. Each returns `nil` (or an empty array) instead of guessing when the
/// value does not parse, so a damaged attribute reads as absent rather than as a wrong number.
extension DICOMElement {
    /// The value bytes as stored; empty for a sequence or encapsulated pixel data.
    public var bytes: [UInt8] {
        if case .bytes(let bytes) = value { Array(bytes) } else { [] }
    }

    /// The items of a sequence; empty for any other element.
    public var items: [DICOMDataset] {
        if case .sequence(let items) = value { items } else { [] }
    }

    /// The whole text value, padding removed, values still separated by `\`. `nil` for binary VRs.
    public var string: String? {
        guard case .bytes(let bytes) = value, vr.isText || vr == .UN else { return nil }
        return trimmed(characterSet.decode(bytes))
    }

    /// The text values, split at `\` (except for LT, ST, UT and UR, which have one value), each trimmed.
    public var strings: [String] {
        guard case .bytes(let bytes) = value, vr.isText || vr == .UN else { return [] }
        let text = characterSet.decode(bytes)
        guard vr.isMultiValuedText || vr == .UN else { return [trimmed(text)] }
        return text.split(separator: "\\", omittingEmptySubsequences: false).map { trimmed(String($0)) }
    }

    /// The integer values: binary integers (US, SS, UL, SL, UV, SV, and OW/OL read as unsigned words) or
    /// IS text. `nil` when any value is not an integer (Number of Frames `1A`).
    public var integers: [Int]? {
        switch vr {
        case .IS: return parsedText { Int($0) }
        case .US, .OW: return binary(width: 2)?.map { Int(UInt16(truncatingIfNeeded: $0)) }
        case .SS: return binary(width: 2)?.map { Int(Int16(truncatingIfNeeded: $0)) }
        case .UL, .OL: return binary(width: 4)?.map { Int(UInt32(truncatingIfNeeded: $0)) }
        case .SL: return binary(width: 4)?.map { Int(Int32(truncatingIfNeeded: $0)) }
        case .SV: return binary(width: 8)?.map { Int(Int64(bitPattern: $0)) }
        case .UV, .OV:
            guard let bits = binary(width: 8) else { return nil }
            let values = bits.compactMap { Int(exactly: $0) }
            return values.count == bits.count ? values : nil
        default: return nil
        }
    }

    /// The first integer value.
    public var integer: Int? { integers?.first }

    /// The numeric values: DS or IS text, binary floats (FL, FD, OF, OD) or any integer VR.
    public var doubles: [Double]? {
        switch vr {
        case .DS, .IS: return parsedText { Double($0).flatMap { $0.isFinite ? $0 : nil } }
        case .FL, .OF: return binary(width: 4)?.map { Double(Float(bitPattern: UInt32(truncatingIfNeeded: $0))) }
        case .FD, .OD: return binary(width: 8)?.map { Double(bitPattern: $0) }
        default: return integers?.map(Double.init)
        }
    }

    /// The first numeric value.
    public var double: Double? { doubles?.first }

    /// Text values parsed one by one; an empty value is no value, as PS3.5 allows.
    private func parsedText<T>(_ parse: (String) -> T?) -> [T]? {
        var values: [T] = []
        for text in strings where !text.isEmpty {
            guard let value = parse(text) else { return nil }
            values.append(value)
        }
        return values
    }

    /// The raw bits of binary values `width` bytes wide, in the element's byte order; `nil` when the
    /// length is not a multiple of `width`.
    private func binary(width: Int) -> [UInt64]? {
        guard case .bytes(let bytes) = value, bytes.count % width == 0 else { return nil }
        return stride(from: bytes.startIndex, to: bytes.endIndex, by: width).map { start in
            var bits: UInt64 = 0
            for index in 0..<width {
                let byte = UInt64(bytes[start + (byteOrder == .littleEndian ? index : width - 1 - index)])
                bits |= byte << (8 * index)
            }
            return bits
        }
    }

    /// Removes NUL and space padding (PS3.5 §6.2): trailing always, leading except in LT, ST and UT.
    private func trimmed(_ text: String) -> String {
        let padding: (Character) -> Bool = { $0 == " " || $0 == "\0" }
        let end = text.lastIndex(where: { !padding($0) }).map(text.index(after:)) ?? text.startIndex
        let head = text[..<end]
        return String(vr.keepsLeadingSpaces ? head : head.drop(while: padding))
    }
}
