import Foundation

/// One data element as it was read: its tag, VR, value and where it was, kept exactly so that a writer
/// (de-identification) can later put the dataset back together element by element.
///
/// The value stays in the bytes and byte order of the file; the typed accessors (``string``,
/// ``integers``, ``doubles``…, in `DICOMElement+Values.swift`) decode it on demand.
public struct DICOMElement: Sendable {
    /// The element's value.
    public enum Value: Sendable {
        /// The value bytes as stored (no padding removed), in the dataset's byte order.
        case bytes(ArraySlice<UInt8>)
        /// The items of a sequence, each a dataset of its own.
        case sequence([DICOMDataset])
        /// Encapsulated (compressed) pixel data: a Basic Offset Table and fragments.
        case fragments(DICOMFragments)
    }

    /// The tag, `(0010,0010)` for Patient's Name.
    public let tag: DICOMTag
    /// The VR: as written in an explicit-VR file; for implicit VR, from the reader's small dictionary
    /// (`UN` for what it does not know). Sequences read from `UN` or implicit VR are `SQ`.
    public let vr: DICOMVR
    /// The value.
    public let value: Value
    /// Where the element's header starts, in the file or, for a deflated dataset, in its inflated bytes.
    public let offset: Int
    /// Whether the file gave the value an undefined length (delimited sequences, items or fragments).
    public let hasUndefinedLength: Bool
    /// The byte order of binary values.
    public let byteOrder: DICOMByteOrder
    /// How text values are encoded, from the Specific Character Set in effect where the element is.
    public let characterSet: DICOMCharacterSet

    /// An element as read, or made to replace one (de-identification): `offset` 0 means "not from a file".
    public init(tag: DICOMTag, vr: DICOMVR, value: Value, offset: Int = 0, hasUndefinedLength: Bool = false,
                byteOrder: DICOMByteOrder = .littleEndian, characterSet: DICOMCharacterSet = .latin1) {
        self.tag = tag
        self.vr = vr
        self.value = value
        self.offset = offset
        self.hasUndefinedLength = hasUndefinedLength
        self.byteOrder = byteOrder
        self.characterSet = characterSet
    }
}

/// Encapsulated pixel data (PS3.5 §A.4): the Basic Offset Table and the fragments that follow it.
public struct DICOMFragments: Sendable {
    /// The Basic Offset Table: for each frame, the offset of its first fragment's item, counted from the
    /// first fragment's item. Empty when the encoder did not fill it in.
    public let basicOffsetTable: [UInt32]
    /// The fragments' values, in order.
    public let fragments: [ArraySlice<UInt8>]
    /// Each fragment's item offset, counted like the Basic Offset Table's entries.
    public let fragmentOffsets: [Int]
}

/// The character repertoire of text values, from Specific Character Set (0008,0005).
///
/// Only the default repertoire, ISO_IR 100 (Latin-1) and ISO_IR 192 (UTF-8) are told apart; other
/// repertoires (Cyrillic, Greek, ISO 2022 escapes for Japanese or Korean…) decode as Latin-1, which keeps
/// their ASCII letters and digits right.
public enum DICOMCharacterSet: Sendable, Equatable {
    /// The default repertoire and every single-byte set decoded as ISO 8859-1.
    case latin1
    /// ISO_IR 192.
    case utf8

    /// The set a Specific Character Set value names (its first value; later ones are ISO 2022 extensions).
    init(specificCharacterSet value: String?) {
        let first = value?.split(separator: "\\", omittingEmptySubsequences: false).first
        self = first?.trimmingCharacters(in: .whitespaces) == "ISO_IR 192" ? .utf8 : .latin1
    }

    /// Decodes text bytes in this repertoire.
    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8: String(decoding: bytes, as: UTF8.self)
        case .latin1: String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        }
    }
}
