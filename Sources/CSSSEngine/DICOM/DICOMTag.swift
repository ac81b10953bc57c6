/// A data element's tag: its group and element numbers, `(0010,0010)` for Patient's Name.
///
/// The attributes a workstation shows have names (``patientName``, ``rows``, ``windowCenter``…), so that
/// `dataset[.patientName]?.string` reads like the standard's attribute table.
public struct DICOMTag: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The group number, the first half of the tag.
    public let group: UInt16
    /// The element number within the group.
    public let element: UInt16

    /// The tag `(group,element)`.
    public init(_ group: UInt16, _ element: UInt16) {
        self.group = group
        self.element = element
    }

    /// Tags order as in a dataset: by group, then element.
    public static func < (lhs: DICOMTag, rhs: DICOMTag) -> Bool {
        (lhs.group, lhs.element) < (rhs.group, rhs.element)
    }

    /// `(GGGG,EEEE)` in upper-case hexadecimal, as the standard writes tags.
    public var description: String { "(\(Self.hex(group)),\(Self.hex(element)))" }

    /// Whether the tag belongs to a private group (odd group number).
    public var isPrivate: Bool { group & 1 == 1 }

    private static func hex(_ value: UInt16) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: 4 - digits.count) + digits
    }
}

// MARK: - Structure

extension DICOMTag {
    /// Item (FFFE,E000): starts an item of a sequence or a fragment of encapsulated pixel data.
    public static let item = DICOMTag(0xFFFE, 0xE000)
    /// Item Delimitation Item (FFFE,E00D): ends an item of undefined length.
    public static let itemDelimitation = DICOMTag(0xFFFE, 0xE00D)
    /// Sequence Delimitation Item (FFFE,E0DD): ends a sequence (or encapsulated pixel data) of undefined length.
    public static let sequenceDelimitation = DICOMTag(0xFFFE, 0xE0DD)
}

// MARK: - File meta information (group 0002)

extension DICOMTag {
    public static let fileMetaInformationGroupLength = DICOMTag(0x0002, 0x0000)
    public static let mediaStorageSOPClassUID = DICOMTag(0x0002, 0x0002)
    public static let mediaStorageSOPInstanceUID = DICOMTag(0x0002, 0x0003)
    public static let transferSyntaxUID = DICOMTag(0x0002, 0x0010)
    public static let implementationClassUID = DICOMTag(0x0002, 0x0012)
    public static let implementationVersionName = DICOMTag(0x0002, 0x0013)
}

// MARK: - Patient, study, series, instance

extension DICOMTag {
    public static let specificCharacterSet = DICOMTag(0x0008, 0x0005)
    public static let imageType = DICOMTag(0x0008, 0x0008)
    public static let sopClassUID = DICOMTag(0x0008, 0x0016)
    public static let sopInstanceUID = DICOMTag(0x0008, 0x0018)
    public static let studyDate = DICOMTag(0x0008, 0x0020)
    public static let seriesDate = DICOMTag(0x0008, 0x0021)
    public static let acquisitionDate = DICOMTag(0x0008, 0x0022)
    public static let contentDate = DICOMTag(0x0008, 0x0023)
    public static let studyTime = DICOMTag(0x0008, 0x0030)
    public static let seriesTime = DICOMTag(0x0008, 0x0031)
    public static let accessionNumber = DICOMTag(0x0008, 0x0050)
    public static let modality = DICOMTag(0x0008, 0x0060)
    public static let manufacturer = DICOMTag(0x0008, 0x0070)
    public static let institutionName = DICOMTag(0x0008, 0x0080)
    public static let referringPhysicianName = DICOMTag(0x0008, 0x0090)
    public static let studyDescription = DICOMTag(0x0008, 0x1030)
    public static let seriesDescription = DICOMTag(0x0008, 0x103E)
    public static let patientName = DICOMTag(0x0010, 0x0010)
    public static let patientID = DICOMTag(0x0010, 0x0020)
    public static let patientBirthDate = DICOMTag(0x0010, 0x0030)
    public static let patientSex = DICOMTag(0x0010, 0x0040)
    public static let patientAge = DICOMTag(0x0010, 0x1010)
    public static let bodyPartExamined = DICOMTag(0x0018, 0x0015)
    public static let sliceThickness = DICOMTag(0x0018, 0x0050)
    public static let spacingBetweenSlices = DICOMTag(0x0018, 0x0088)
    public static let protocolName = DICOMTag(0x0018, 0x1030)
    public static let imagerPixelSpacing = DICOMTag(0x0018, 0x1164)
    public static let viewPosition = DICOMTag(0x0018, 0x5101)
    public static let studyInstanceUID = DICOMTag(0x0020, 0x000D)
    public static let seriesInstanceUID = DICOMTag(0x0020, 0x000E)
    public static let studyID = DICOMTag(0x0020, 0x0010)
    public static let seriesNumber = DICOMTag(0x0020, 0x0011)
    public static let instanceNumber = DICOMTag(0x0020, 0x0013)
    public static let imagePositionPatient = DICOMTag(0x0020, 0x0032)
    public static let imageOrientationPatient = DICOMTag(0x0020, 0x0037)
    public static let sliceLocation = DICOMTag(0x0020, 0x1041)
}

// MARK: - Image pixel, modality LUT, VOI LUT, palette (group 0028)

extension DICOMTag {
    public static let samplesPerPixel = DICOMTag(0x0028, 0x0002)
    public static let photometricInterpretation = DICOMTag(0x0028, 0x0004)
    public static let planarConfiguration = DICOMTag(0x0028, 0x0006)
    public static let numberOfFrames = DICOMTag(0x0028, 0x0008)
    public static let rows = DICOMTag(0x0028, 0x0010)
    public static let columns = DICOMTag(0x0028, 0x0011)
    public static let pixelSpacing = DICOMTag(0x0028, 0x0030)
    public static let bitsAllocated = DICOMTag(0x0028, 0x0100)
    public static let bitsStored = DICOMTag(0x0028, 0x0101)
    public static let highBit = DICOMTag(0x0028, 0x0102)
    public static let pixelRepresentation = DICOMTag(0x0028, 0x0103)
    public static let windowCenter = DICOMTag(0x0028, 0x1050)
    public static let windowWidth = DICOMTag(0x0028, 0x1051)
    public static let rescaleIntercept = DICOMTag(0x0028, 0x1052)
    public static let rescaleSlope = DICOMTag(0x0028, 0x1053)
    public static let rescaleType = DICOMTag(0x0028, 0x1054)
    public static let windowCenterWidthExplanation = DICOMTag(0x0028, 0x1055)
    public static let voiLUTFunction = DICOMTag(0x0028, 0x1056)
    public static let redPaletteColorLookupTableDescriptor = DICOMTag(0x0028, 0x1101)
    public static let greenPaletteColorLookupTableDescriptor = DICOMTag(0x0028, 0x1102)
    public static let bluePaletteColorLookupTableDescriptor = DICOMTag(0x0028, 0x1103)
    public static let redPaletteColorLookupTableData = DICOMTag(0x0028, 0x1201)
    public static let greenPaletteColorLookupTableData = DICOMTag(0x0028, 0x1202)
    public static let bluePaletteColorLookupTableData = DICOMTag(0x0028, 0x1203)
    public static let segmentedRedPaletteColorLookupTableData = DICOMTag(0x0028, 0x1221)
    public static let lossyImageCompression = DICOMTag(0x0028, 0x2110)
    public static let modalityLUTSequence = DICOMTag(0x0028, 0x3000)
    public static let lutDescriptor = DICOMTag(0x0028, 0x3002)
    public static let lutExplanation = DICOMTag(0x0028, 0x3003)
    public static let modalityLUTType = DICOMTag(0x0028, 0x3004)
    public static let lutData = DICOMTag(0x0028, 0x3006)
    public static let voiLUTSequence = DICOMTag(0x0028, 0x3010)
    public static let pixelMeasuresSequence = DICOMTag(0x0028, 0x9110)
    public static let frameVOILUTSequence = DICOMTag(0x0028, 0x9132)
    public static let pixelValueTransformationSequence = DICOMTag(0x0028, 0x9145)
    public static let doseGridScaling = DICOMTag(0x3004, 0x000E)
    public static let sharedFunctionalGroupsSequence = DICOMTag(0x5200, 0x9229)
    public static let perFrameFunctionalGroupsSequence = DICOMTag(0x5200, 0x9230)
    public static let pixelData = DICOMTag(0x7FE0, 0x0010)
}
