/// A DICOM dataset: its data elements in file order, looked up by tag.
///
/// ```swift
/// let file = try DICOMFile(contentsOf: url)
/// let name = file.dataset[.patientName]?.string          // "Doe^Archibald"
/// let spacing = file.dataset[.pixelSpacing]?.doubles     // [0.5, 0.5]
/// ```
///
/// Items of sequences are datasets too, so nesting is kept as the file had it.
public struct DICOMDataset: Sendable {
    /// The elements in the order the file gives them.
    public let elements: [DICOMElement]
    /// For an item of a sequence, whether the file gave it an undefined length (ended by a delimiter).
    public let hasUndefinedLength: Bool
    private let positions: [DICOMTag: Int]

    /// A dataset of `elements`; when a tag repeats (a damaged file), lookups find its first element.
    public init(_ elements: [DICOMElement], hasUndefinedLength: Bool = false) {
        self.elements = elements
        self.hasUndefinedLength = hasUndefinedLength
        positions = Dictionary(elements.enumerated().map { ($1.tag, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The element with `tag`, if the dataset has one.
    public subscript(tag: DICOMTag) -> DICOMElement? {
        positions[tag].map { elements[$0] }
    }

    /// Whether the dataset has an element with `tag`.
    public func contains(_ tag: DICOMTag) -> Bool { positions[tag] != nil }

    /// The first item of the sequence `tag`, the way functional groups and LUT sequences are read.
    func firstItem(of tag: DICOMTag) -> DICOMDataset? {
        self[tag]?.items.first
    }
}
