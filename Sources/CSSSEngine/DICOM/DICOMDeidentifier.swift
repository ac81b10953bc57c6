import Foundation

/// De-identifies a dataset by the Basic Application Level Confidentiality Profile (PS3.15 Annex E):
/// each attribute of Table E.1-1 is removed, emptied, replaced by a dummy or given a new UID, at every
/// level of nesting; private attributes, curves and overlay data go; Patient Identity Removed (0012,0062)
/// becomes YES and De-identification Method (0012,0063) and its code sequence (0012,0064) say how.
///
/// ```swift
/// let deidentifier = DICOMDeidentifier(uids: DICOMUIDRemapper(digest: keyedHash))
/// try deidentifier.deidentify(DICOMFile(contentsOf: input), to: output)
/// ```
public struct DICOMDeidentifier: Sendable {
    /// The De-identification Method (0012,0063) written into every output (LO: 64 characters at most).
    public static let method = "DICOM PS3.15 E.1 Basic Profile (CSSS)"

    public let profile: DICOMConfidentialityProfile
    public let uids: DICOMUIDRemapper

    /// A de-identifier giving new UIDs from `uids`; use one per session so UIDs stay consistent.
    public init(uids: DICOMUIDRemapper, profile: DICOMConfidentialityProfile = .basic) {
        self.uids = uids
        self.profile = profile
    }

    /// De-identifies `file` and writes it to `url` as a Part 10 file (see ``DICOMWriter`` for its syntax);
    /// returns the dataset written.
    @discardableResult
    public func deidentify(_ file: DICOMFile, to url: URL) throws(DICOMWriteError) -> DICOMDataset {
        let dataset = deidentify(file.dataset)
        try DICOMWriter(sourceTransferSyntax: file.transferSyntax, name: url.path).write(dataset, to: url)
        return dataset
    }

    /// The de-identified dataset, in tag order, with the Patient Identity Removed attributes.
    public func deidentify(_ dataset: DICOMDataset) -> DICOMDataset {
        let marked = clean(dataset).elements.filter { !Self.removalRecordTags.contains($0.tag) } + Self.removalRecord
        return DICOMDataset(marked.sorted { $0.tag < $1.tag })
    }

    /// PS3.15 §E.1.1 item 6 and PS3.16 CID 7050: what was done, as text and as code 113100 (DCM).
    private static let removalRecord: [DICOMElement] = [
        DICOMElement(text: "YES", tag: DICOMTag(0x0012, 0x0062), vr: .CS),
        DICOMElement(text: method, tag: DICOMTag(0x0012, 0x0063), vr: .LO),
        DICOMElement(tag: DICOMTag(0x0012, 0x0064), vr: .SQ, value: .sequence([DICOMDataset([
            DICOMElement(text: "113100", tag: DICOMTag(0x0008, 0x0100), vr: .SH),
            DICOMElement(text: "DCM", tag: DICOMTag(0x0008, 0x0102), vr: .SH),
            DICOMElement(text: "Basic Application Confidentiality Profile", tag: DICOMTag(0x0008, 0x0104), vr: .LO),
        ])])),
    ]

    private static let removalRecordTags = Set(removalRecord.map(\.tag))

    private func clean(_ dataset: DICOMDataset) -> DICOMDataset {
        DICOMDataset(dataset.elements.compactMap(clean), hasUndefinedLength: dataset.hasUndefinedLength)
    }

    private func clean(_ element: DICOMElement) -> DICOMElement? {
        let action = profile.action(for: element.tag)
        // A file read in Implicit VR may not know the VR; the table's is used for the new value.
        let vr = element.vr == .UN ? profile.entries[element.tag]?.vr ?? .UN : element.vr
        if case .sequence(let items) = element.value {
            switch action {
            case .remove: return nil
            case .zero: return replacing(element, vr: .SQ, with: .sequence([]))
            default: return replacing(element, vr: .SQ, with: .sequence(items.map(clean)))
            }
        }
        switch action {
        case nil, .keep: return element
        case .remove: return nil
        case .zero: return replacing(element, vr: vr, with: .bytes([]))
        case .dummy, .clean: return replacing(element, vr: vr, with: .bytes(ArraySlice(Self.dummy(for: vr))))
        case .uid:
            let replaced = element.strings.map(uids.newUID(for:)).joined(separator: "\\")
            return replacing(element, vr: vr, with: .bytes(ArraySlice(replaced.utf8)))
        }
    }

    private func replacing(_ element: DICOMElement, vr: DICOMVR, with value: DICOMElement.Value) -> DICOMElement {
        // New values are ASCII text or zeros, so they read the same in either byte order and repertoire.
        DICOMElement(tag: element.tag, vr: vr, value: value, byteOrder: .littleEndian,
                     characterSet: element.characterSet)
    }

    /// A non-empty value of `vr` that identifies nobody (PS3.15 §E.3.1, action D).
    static func dummy(for vr: DICOMVR) -> [UInt8] {
        let text: String
        switch vr {
        case .DA: text = "19000101"
        case .TM: text = "000000"
        case .DT: text = "19000101000000"
        case .AS: text = "000Y"
        case .DS, .IS: text = "0"
        case .PN, .AE: text = "ANONYMOUS"
        case .UI: text = "2.25.0"
        case .US, .SS, .OW, .AT: return [0, 0]
        case .UL, .SL, .FL, .OF, .OL: return [0, 0, 0, 0]
        case .FD, .OD, .SV, .UV, .OV: return [UInt8](repeating: 0, count: 8)
        case .OB, .UN: return [0, 0]
        default: text = "ANONYMIZED"
        }
        return Array(text.utf8)
    }
}
