/// What a workstation shows about a scan, and what the display pipeline needs to turn stored values into
/// grey levels, read from a dataset without ever failing: an absent, empty or unparsable attribute is
/// `nil`. Each property is the attribute of the same name (its tag is the ``DICOMTag`` of that name).
///
/// For enhanced multi-frame images (CT, MR…), pixel spacing, rescale and window values are taken from
/// the Shared Functional Groups when the top level lacks them, then from the first frame's Per-Frame
/// Functional Groups.
///
/// ```swift
/// let scan = DICOMScanAttributes(file.dataset)
/// print(scan.patientName ?? "", scan.modality ?? "", scan.windows.first?.center ?? 0)
/// ```
public struct DICOMScanAttributes: Sendable, Equatable {
    public var patientName: String?
    public var patientID: String?
    public var patientBirthDate: DICOMDate?
    public var patientSex: String?
    public var patientAge: String?
    public var studyInstanceUID: String?
    public var studyDate: DICOMDate?
    public var studyTime: String?
    public var studyDescription: String?
    public var accessionNumber: String?
    public var seriesInstanceUID: String?
    public var seriesNumber: Int?
    public var seriesDescription: String?
    public var modality: String?
    public var bodyPartExamined: String?
    public var manufacturer: String?
    public var institutionName: String?
    public var instanceNumber: Int?
    /// The physical size of a pixel: Pixel Spacing, else Imager Pixel Spacing (at the detector).
    public var pixelSpacing: DICOMPixelSpacing?
    /// Slice Thickness in millimetres.
    public var sliceThickness: Double?
    /// Rescale Slope, Intercept and Type: the linear modality LUT (present only with both numbers).
    public var rescale: DICOMRescale?
    /// The LUT of the Modality LUT Sequence, which replaces the rescale when present.
    public var modalityLUT: DICOMLookupTable?
    /// The window presets, in the file's order (Window Center, Width and Explanation, value by value).
    public var windows: [DICOMWindow]
    /// VOI LUT Function: `LINEAR` (the default when `nil`), `LINEAR_EXACT` or `SIGMOID`.
    public var voiLUTFunction: String?
    /// The LUTs of the VOI LUT Sequence, which win over window values.
    public var voiLUTs: [DICOMLookupTable]

    /// Reads the attributes of `dataset`.
    public init(_ dataset: DICOMDataset) {
        func text(_ tag: DICOMTag) -> String? {  // an empty value is no value to show
            dataset[tag]?.string.flatMap { $0.isEmpty ? nil : $0 }
        }
        patientName = text(.patientName)
        patientID = text(.patientID)
        patientBirthDate = dataset[.patientBirthDate]?.string.flatMap(DICOMDate.init)
        patientSex = text(.patientSex)
        patientAge = text(.patientAge)
        studyInstanceUID = text(.studyInstanceUID)
        studyDate = dataset[.studyDate]?.string.flatMap(DICOMDate.init)
        studyTime = text(.studyTime)
        studyDescription = text(.studyDescription)
        accessionNumber = text(.accessionNumber)
        seriesInstanceUID = text(.seriesInstanceUID)
        seriesNumber = dataset[.seriesNumber]?.integer
        seriesDescription = text(.seriesDescription)
        modality = text(.modality)
        bodyPartExamined = text(.bodyPartExamined)
        manufacturer = text(.manufacturer)
        institutionName = text(.institutionName)
        instanceNumber = dataset[.instanceNumber]?.integer

        // Where each functional-group attribute may be: the top level first.
        let shared = dataset.firstItem(of: .sharedFunctionalGroupsSequence)
        let firstFrame = dataset.firstItem(of: .perFrameFunctionalGroupsSequence)
        func group(_ sequence: DICOMTag) -> [DICOMDataset] {
            [dataset] + [shared, firstFrame].compactMap { $0?.firstItem(of: sequence) }
        }
        let measures = group(.pixelMeasuresSequence)
        pixelSpacing = measures.lazy.compactMap { DICOMPixelSpacing($0[.pixelSpacing], source: .pixelSpacing) }.first
            ?? DICOMPixelSpacing(dataset[.imagerPixelSpacing], source: .imagerPixelSpacing)
        sliceThickness = measures.lazy.compactMap { $0[.sliceThickness]?.double }.first
        rescale = group(.pixelValueTransformationSequence).lazy.compactMap(DICOMRescale.init).first
        let voi = group(.frameVOILUTSequence).first { $0.contains(.windowCenter) } ?? dataset
        windows = DICOMWindow.presets(in: voi)
        voiLUTFunction = voi[.voiLUTFunction]?.string

        let signed = dataset[.pixelRepresentation]?.integer == 1
        modalityLUT = dataset.firstItem(of: .modalityLUTSequence).flatMap { DICOMLookupTable(item: $0, signedInput: signed) }
        voiLUTs = dataset[.voiLUTSequence]?.items.compactMap { DICOMLookupTable(item: $0, signedInput: signed) } ?? []
    }
}

/// A calendar date as DICOM writes it (DA): `YYYYMMDD`, or the old `YYYY.MM.DD`.
public struct DICOMDate: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// The date `text` holds, or `nil` when it is not a valid DA value.
    public init?(_ text: String) {
        let digits = text.filter { $0 != "." }
        guard digits.count == 8, digits.allSatisfy({ ("0"..."9").contains($0) }), let number = Int(digits) else { return nil }
        (year, month, day) = (number / 10_000, number / 100 % 100, number % 100)
        guard (1...12).contains(month), (1...31).contains(day) else { return nil }
    }

    /// ISO 8601: `2001-01-01`.
    public var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}

/// The physical distance between pixel centres, in millimetres.
public struct DICOMPixelSpacing: Sendable, Equatable {
    /// Which attribute the spacing comes from.
    public enum Source: Sendable, Equatable {
        /// Pixel Spacing (0028,0030): in the patient.
        case pixelSpacing
        /// Imager Pixel Spacing (0018,1164): at the detector, magnification not corrected.
        case imagerPixelSpacing
    }

    /// Between the centres of adjacent rows (vertical).
    public let row: Double
    /// Between the centres of adjacent columns (horizontal).
    public let column: Double
    public let source: Source

    init?(_ element: DICOMElement?, source: Source) {
        guard let values = element?.doubles, values.count == 2, values.allSatisfy({ $0 > 0 }) else { return nil }
        (row, column, self.source) = (values[0], values[1], source)
    }
}

/// The linear modality LUT: output = stored value × slope + intercept (Hounsfield units for CT).
public struct DICOMRescale: Sendable, Equatable {
    public let slope: Double
    public let intercept: Double
    /// Rescale Type: `HU`, `OD`, `US` (unspecified)…
    public let type: String?

    init?(_ dataset: DICOMDataset) {
        guard let slope = dataset[.rescaleSlope]?.double, let intercept = dataset[.rescaleIntercept]?.double
        else { return nil }
        (self.slope, self.intercept, type) = (slope, intercept, dataset[.rescaleType]?.string)
    }
}

/// One window preset (VOI): the centre and width of the range of values shown from black to white.
public struct DICOMWindow: Sendable, Equatable {
    public let center: Double
    public let width: Double
    /// Window Center & Width Explanation for this preset (`BONE`, `LUNG`…), when the file gives one.
    public let explanation: String?

    /// The presets of `dataset`: as many as both Window Center and Window Width have values.
    static func presets(in dataset: DICOMDataset) -> [DICOMWindow] {
        guard let centers = dataset[.windowCenter]?.doubles, let widths = dataset[.windowWidth]?.doubles else {
            return []
        }
        let explanations = dataset[.windowCenterWidthExplanation]?.strings ?? []
        return zip(centers, widths).enumerated().map { index, window in
            DICOMWindow(center: window.0, width: window.1,
                        explanation: explanations.indices.contains(index) ? explanations[index] : nil)
        }
    }
}

extension DICOMLookupTable {
    /// The LUT of an item of a Modality or VOI LUT Sequence.
    init?(item: DICOMDataset, signedInput: Bool) {
        self.init(descriptor: item[.lutDescriptor], data: item[.lutData], signedInput: signedInput,
                  explanation: item[.lutExplanation]?.string)
    }
}
