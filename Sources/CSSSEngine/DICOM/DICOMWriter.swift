import Foundation

/// Serialises a dataset to a DICOM Part 10 file (PS3.10 §7): the 128-byte preamble, "DICM", the file meta
/// information (group 0002, Explicit VR Little Endian, with its group length), then the dataset.
///
/// The dataset is written in Explicit VR Little Endian whenever its pixel data is native, whatever syntax
/// it was read in: Implicit VR gains explicit VRs, Big Endian values are swapped by VR (PS3.5 §7.3), and a
/// Deflated dataset is written inflated. Encapsulated pixel data keeps its fragments and its transfer
/// syntax (JPEG, RLE…), byte for byte. Sequences and items are written with undefined length and their
/// delimiters (PS3.5 §7.5.1), so no length has to be recomputed when elements change; group lengths
/// (gggg,0000) of the dataset are dropped, as PS3.5 §7.2 retires them.
///
/// ```swift
/// let writer = DICOMWriter(sourceTransferSyntax: file.transferSyntax, name: "out.dcm")
/// try writer.write(dataset, to: url)
/// ```
public struct DICOMWriter: Sendable {
    /// CSSS's Implementation Class UID (0002,0012): a UUID-derived UID under the `2.25` root (PS3.5 §B.2),
    /// so that it needs no registered organisation root and no other implementation can share it.
    public static let implementationClassUID = "2.25.41001329903953799627281862967366403579"
    /// CSSS's Implementation Version Name (0002,0013).
    public static let implementationVersionName = "CSSS_1"

    /// The transfer syntax of the written dataset: Explicit VR Little Endian, or the source's own when
    /// its pixel data is encapsulated.
    public let transferSyntax: DICOMTransferSyntax
    private let name: String

    /// A writer for a dataset read in `sourceTransferSyntax`; errors name the file `name`.
    public init(sourceTransferSyntax: DICOMTransferSyntax, name: String) {
        transferSyntax = sourceTransferSyntax.isEncapsulated && !sourceTransferSyntax.isDeflated
            ? sourceTransferSyntax : .explicitVRLittleEndian
        self.name = name
    }

    /// The Part 10 bytes of `dataset`. Its SOP Class and SOP Instance UIDs become the Media Storage ones
    /// of the file meta information, so the two always agree.
    public func encode(_ dataset: DICOMDataset) throws(DICOMWriteError) -> Data {
        guard let sopClass = dataset[.sopClassUID]?.string, !sopClass.isEmpty,
              let sopInstance = dataset[.sopInstanceUID]?.string, !sopInstance.isEmpty else {
            throw .missingSOPIdentity(file: name)
        }
        var body = DICOMElementEncoder()
        // The file meta is made anew below; a stray group 0002 element in the dataset would contradict it.
        body.append(DICOMDataset(dataset.elements.filter { $0.tag.group != 0x0002 }))
        var meta = DICOMElementEncoder()
        meta.append(DICOMElement(tag: DICOMTag(0x0002, 0x0001), vr: .OB, value: .bytes([0x00, 0x01])))
        for (tag, uid) in [(DICOMTag.mediaStorageSOPClassUID, sopClass), (.mediaStorageSOPInstanceUID, sopInstance),
                           (.transferSyntaxUID, transferSyntax.uid), (.implementationClassUID, Self.implementationClassUID)] {
            meta.append(DICOMElement(text: uid, tag: tag, vr: .UI))
        }
        meta.append(DICOMElement(text: Self.implementationVersionName, tag: .implementationVersionName, vr: .SH))
        var groupLength = DICOMElementEncoder()
        groupLength.append(DICOMElement(tag: .fileMetaInformationGroupLength, vr: .UL,
                                        value: .bytes(ArraySlice(UInt32(meta.bytes.count).littleEndianBytes))))

        var file = [UInt8](repeating: 0, count: 128) + Array("DICM".utf8)
        file += groupLength.bytes + meta.bytes + body.bytes
        return Data(file)
    }

    /// Writes `dataset` to `url` atomically: a reader never sees a half-written file.
    public func write(_ dataset: DICOMDataset, to url: URL) throws(DICOMWriteError) {
        let data = try encode(dataset)
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw .unwritable(file: url.path, reason: error.reason)
        }
    }
}

/// Why a DICOM file could not be written; every case names the file.
public enum DICOMWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The dataset has no SOP Class UID (0008,0016) or SOP Instance UID (0008,0018) for the file meta.
    case missingSOPIdentity(file: String)
    /// The file could not be written to disk.
    case unwritable(file: String, reason: String)

    /// One line naming the file and what is wrong.
    public var description: String {
        switch self {
        case .missingSOPIdentity(let file):
            "\(file): cannot be written: the dataset has no SOP Class UID or SOP Instance UID"
        case .unwritable(let file, let reason):
            "\(file): cannot be written: \(reason)"
        }
    }
}

extension DICOMElement {
    /// A new text element in the default repertoire; the writer pads it to even length.
    init(text: String, tag: DICOMTag, vr: DICOMVR) {
        self.init(tag: tag, vr: vr, value: .bytes(ArraySlice(text.utf8)))
    }
}

extension FixedWidthInteger {
    /// The value's bytes, least significant first.
    var littleEndianBytes: [UInt8] {
        withUnsafeBytes(of: littleEndian) { Array($0) }
    }
}
