import Foundation

/// A DICOM Part 10 file: its file meta information (group 0002), its transfer syntax and its dataset.
///
/// Reads files with or without the 128-byte preamble and "DICM", in Implicit VR Little Endian, Explicit VR
/// Little or Big Endian, and Deflated Explicit VR Little Endian; sequences and items of defined or
/// undefined length. A file without a Transfer Syntax UID (or without file meta information at all) is
/// read the way pydicom reads it: the encoding is guessed from the first element of the dataset.
///
/// ```swift
/// let file = try DICOMFile(contentsOf: url)
/// print(file.transferSyntax)                    // Explicit VR Little Endian (1.2.840.10008.1.2.1)
/// let pixels = try file.pixelData()
/// let slice = try pixels.frame(pixels.defaultFrameIndex)
/// ```
public struct DICOMFile: Sendable {
    /// How errors name the file, usually its path.
    public let name: String
    /// Whether the file starts with the 128-byte preamble and "DICM".
    public let hasPreamble: Bool
    /// The file meta information, group 0002; empty when the file has none.
    public let fileMetaInformation: DICOMDataset
    /// The dataset: every element after the file meta information.
    public let dataset: DICOMDataset
    /// The transfer syntax the dataset was read with.
    public let transferSyntax: DICOMTransferSyntax
    /// Whether ``transferSyntax`` was guessed because the file does not name one.
    public let isTransferSyntaxInferred: Bool
    /// The limits the file was read under, kept for decoding its pixels.
    public let limits: DICOMLimits

    /// Reads the DICOM file at `url`; errors name it by its path.
    public init(contentsOf url: URL, limits: DICOMLimits = .standard) throws(DICOMError) {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(data: data, name: url.path, limits: limits)
    }

    /// Reads a DICOM file held in memory.
    ///
    /// - Parameters:
    ///   - data: the whole file.
    ///   - name: how errors name the file.
    /// - Throws: ``DICOMError``; never traps on bad input.
    public init(data: Data, name: String, limits: DICOMLimits = .standard) throws(DICOMError) {
        try self.init(bytes: [UInt8](data), name: name, limits: limits)
    }

    /// Reads a DICOM file held in memory as bytes; elements keep slices of `bytes`, not copies.
    public init(bytes: [UInt8], name: String, limits: DICOMLimits = .standard) throws(DICOMError) {
        let hasPreamble = Self.hasPreamble(bytes)
        let start = hasPreamble ? 132 : 0
        guard hasPreamble || Self.startsWithDataset(bytes) else { throw .notDICOM(file: name) }

        var parser = DICOMParser(file: name, limits: limits)
        var reader = ByteReader(bytes, from: start, byteOrder: .littleEndian, file: name)
        // Group 0002 is Explicit VR Little Endian by the standard; the guess also reads the odd implicit one.
        let meta = try parser.dataset(&reader, encoding: .guessed(in: bytes, at: start), characterSet: .latin1,
                                      stop: { $0.group != 0x0002 })
        let bodyStart = reader.offset

        let uid = meta[.transferSyntaxUID]?.string ?? ""
        let syntax: DICOMTransferSyntax
        let encoding: DICOMEncoding
        if uid.isEmpty {
            encoding = .guessed(in: bytes, at: bodyStart)
            syntax = encoding.isExplicitVR ? .explicitVRLittleEndian : .implicitVRLittleEndian
        } else {
            syntax = DICOMTransferSyntax(uid: uid)
            // Some writers declare one VR encoding and write the other: as pydicom does, a little-endian
            // dataset is read the way its first element is written.
            encoding = syntax.byteOrder == .littleEndian && !syntax.isDeflated
                ? .guessed(in: bytes, at: bodyStart)
                : DICOMEncoding(isExplicitVR: syntax.isExplicitVR, byteOrder: syntax.byteOrder)
        }

        var body = ByteReader(bytes, from: bodyStart, byteOrder: encoding.byteOrder, file: name)
        if syntax.isDeflated {
            let inflated = try DICOMInflater.inflate(bytes[bodyStart...], limit: limits.maximumInflatedBytes,
                                                     file: name)
            body = ByteReader(inflated, byteOrder: encoding.byteOrder, file: name)
        }
        self.name = name
        self.hasPreamble = hasPreamble
        self.fileMetaInformation = meta
        self.dataset = try parser.dataset(&body, encoding: encoding, characterSet: .latin1)
        self.transferSyntax = syntax
        self.isTransferSyntaxInferred = uid.isEmpty
        self.limits = limits
    }

    /// Whether `data` looks like a DICOM file: "DICM" at offset 128, or a dataset (group 0002 or 0008,
    /// little endian) right at the start. Reads at most the first 140 bytes.
    public static func hasSignature(_ data: Data) -> Bool {
        let head = [UInt8](data.prefix(140))
        return hasPreamble(head) || startsWithDataset(head)
    }

    private static func hasPreamble(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 132 && bytes[128..<132].elementsEqual("DICM".utf8)
    }

    /// Whether the bytes start with a plausible little-endian element of group 0002 or 0008, the groups a
    /// dataset without a preamble begins with; its length must fit in the bytes there are, unless the
    /// bytes are only the head of a file (then a long value may well go on).
    private static func startsWithDataset(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 8 else { return false }
        let group = UInt16(bytes[0]) | UInt16(bytes[1]) << 8
        guard group == 0x0002 || group == 0x0008 else { return false }
        if let vr = DICOMVR(bytes[4], bytes[5]) {
            return !vr.hasLongLength || bytes.count >= 12
        }
        let length = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
        return length == 0xFFFF_FFFF || length < 0x1_0000
    }
}
