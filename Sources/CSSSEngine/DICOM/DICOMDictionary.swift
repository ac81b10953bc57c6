/// The VRs of the attributes the reader interprets, for Implicit VR files, which do not say.
///
/// Only what the engine reads is listed: text VRs decode the same whatever the exact VR, so a missing
/// text attribute costs nothing, and an unknown binary one stays `UN` bytes for a writer to keep as is.
/// Unknown values that start like an item are tried as sequences by the parser.
enum DICOMDictionary {
    /// The VR of `tag` when the data does not say, `nil` when the reader does not know it.
    static func vr(for tag: DICOMTag) -> DICOMVR? {
        if tag.element == 0x0000 { return .UL }  // group lengths
        if tag.isPrivate, (0x0010...0x00FF).contains(tag.element) { return .LO }  // private creators
        return known[tag]
    }

    private static let known: [DICOMTag: DICOMVR] = [
        // File meta information
        DICOMTag(0x0002, 0x0001): .OB, .mediaStorageSOPClassUID: .UI, .mediaStorageSOPInstanceUID: .UI,
        .transferSyntaxUID: .UI, .implementationClassUID: .UI, .implementationVersionName: .SH,
        // Patient, study, series
        .specificCharacterSet: .CS, .imageType: .CS, .sopClassUID: .UI, .sopInstanceUID: .UI,
        .studyDate: .DA, .seriesDate: .DA, .acquisitionDate: .DA, .contentDate: .DA,
        .studyTime: .TM, .seriesTime: .TM, .accessionNumber: .SH, .modality: .CS, .manufacturer: .LO,
        .institutionName: .LO, .referringPhysicianName: .PN, .studyDescription: .LO, .seriesDescription: .LO,
        .patientName: .PN, .patientID: .LO, .patientBirthDate: .DA, .patientSex: .CS, .patientAge: .AS,
        .bodyPartExamined: .CS, .sliceThickness: .DS, .spacingBetweenSlices: .DS, .protocolName: .LO,
        .imagerPixelSpacing: .DS, .viewPosition: .CS, .studyInstanceUID: .UI, .seriesInstanceUID: .UI,
        .studyID: .SH, .seriesNumber: .IS, .instanceNumber: .IS, .imagePositionPatient: .DS,
        .imageOrientationPatient: .DS, .sliceLocation: .DS,
        // Image pixel
        .samplesPerPixel: .US, .photometricInterpretation: .CS, .planarConfiguration: .US,
        .numberOfFrames: .IS, .rows: .US, .columns: .US, .pixelSpacing: .DS, .bitsAllocated: .US,
        .bitsStored: .US, .highBit: .US, .pixelRepresentation: .US, .pixelData: .OW,
        // Modality and VOI LUT (descriptors are "US or SS": read as US, the first mapped value is
        // reinterpreted by the LUT reader)
        .windowCenter: .DS, .windowWidth: .DS, .rescaleIntercept: .DS, .rescaleSlope: .DS, .rescaleType: .LO,
        .windowCenterWidthExplanation: .LO, .voiLUTFunction: .CS, .lossyImageCompression: .CS,
        .modalityLUTSequence: .SQ, .lutDescriptor: .US, .lutExplanation: .LO, .modalityLUTType: .LO,
        .lutData: .OW, .voiLUTSequence: .SQ, .doseGridScaling: .DS,
        // Palette colour
        .redPaletteColorLookupTableDescriptor: .US, .greenPaletteColorLookupTableDescriptor: .US,
        .bluePaletteColorLookupTableDescriptor: .US, .redPaletteColorLookupTableData: .OW,
        .greenPaletteColorLookupTableData: .OW, .bluePaletteColorLookupTableData: .OW,
        .segmentedRedPaletteColorLookupTableData: .OW,
        // Enhanced multi-frame functional groups
        .sharedFunctionalGroupsSequence: .SQ, .perFrameFunctionalGroupsSequence: .SQ,
        .pixelMeasuresSequence: .SQ, .frameVOILUTSequence: .SQ, .pixelValueTransformationSequence: .SQ,
    ]
}
