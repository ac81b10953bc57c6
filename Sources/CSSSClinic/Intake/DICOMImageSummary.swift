import CSSSEngine

/// The attributes of a DICOM image that `csss inspect` shows: who and what was scanned (PHI, shown on the
/// clinician's own screen) and the Image Pixel module.
public struct DICOMImageSummary: Sendable {
    /// The Image Pixel module as read.
    public let pixels: DICOMPixelData
    /// Patient, study, series, modality, spacing and windows.
    public let scan: DICOMScanAttributes

    init(_ pixels: DICOMPixelData, scan: DICOMScanAttributes) {
        self.pixels = pixels
        self.scan = scan
    }

    /// The attributes as the `"attributes"` object of `csss inspect --json`; absent values are `null`.
    var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("patient_name", text(scan.patientName)), ("patient_id", text(scan.patientID)),
            ("study_date", text(scan.studyDate?.description)), ("study_description", text(scan.studyDescription)),
            ("series_description", text(scan.seriesDescription)), ("modality", text(scan.modality)),
            ("body_part", text(scan.bodyPartExamined)),
            ("pixel_spacing", scan.pixelSpacing.map { .array([.number($0.row), .number($0.column)]) } ?? .null),
            ("windows", .array(scan.windows.map { .object([("center", .number($0.center)), ("width", .number($0.width))]) })),
            ("rows", .integer(pixels.rows)), ("columns", .integer(pixels.columns)),
            ("frames", .integer(pixels.numberOfFrames)), ("samples_per_pixel", .integer(pixels.samplesPerPixel)),
            ("photometric_interpretation", .string(pixels.photometricInterpretation.description)),
            ("bits_allocated", .integer(pixels.bitsAllocated)), ("bits_stored", .integer(pixels.bitsStored)),
            ("pixel_representation", .integer(pixels.pixelRepresentation)),
        ])
    }

    /// The attributes as lines of the human-readable table; absent ones are left out.
    var fields: [ScanInspection.Field] {
        let spacing = scan.pixelSpacing.map {
            "\(ScanInspection.number($0.row)) × \(ScanInspection.number($0.column)) mm"
        }
        let windows = scan.windows.map { "C \(ScanInspection.number($0.center)) / W \(ScanInspection.number($0.width))" }
        let optional: [(String, String?)] = [
            ("patient", [scan.patientName, scan.patientID.map { "(\($0))" }].compactMap { $0 }.joined(separator: " ")),
            ("study", [scan.studyDate?.description, scan.studyDescription].compactMap { $0 }.joined(separator: " ")),
            ("series", scan.seriesDescription), ("modality", scan.modality), ("body part", scan.bodyPartExamined),
            ("pixel spacing", spacing), ("windows", windows.isEmpty ? nil : windows.joined(separator: ", ")),
        ]
        let present: [ScanInspection.Field] = optional.compactMap { label, value in
            guard let value, !value.isEmpty else { return nil }
            return (label, value)
        }
        return present + [
            ("size", "\(pixels.rows) rows × \(pixels.columns) columns × \(counted(pixels.numberOfFrames, "frame"))"),
            ("bits", "\(pixels.bitsAllocated) allocated, \(pixels.bitsStored) stored, "
                + (pixels.isSigned ? "signed" : "unsigned")),
            ("photometric", "\(pixels.photometricInterpretation), \(counted(pixels.samplesPerPixel, "sample")) a pixel"),
        ]
    }
}

/// "1 frame", "15 frames".
private func counted(_ count: Int, _ noun: String) -> String {
    "\(count) \(noun)\(count == 1 ? "" : "s")"
}
