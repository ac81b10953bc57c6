import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The fixtures pydicom refuses to decode are refused here too, each with an error that names the file
/// and says why in one line.
@Suite("DICOM files pydicom rejects", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DICOMRejectionTests {
    /// What each rejected fixture must fail with.
    private static let expectations: [String: @Sendable (DICOMError) -> Bool] = [
        "MR_truncated.dcm": { if case .truncated(_, .pixelData?, _) = $0 { true } else { false } },
        "badVR.dcm": { if case .malformedElement(_, .numberOfFrames, _, _) = $0 { true } else { false } },
        "meta_missing_tsyntax.dcm": { if case .invalidImageAttributes = $0 { true } else { false } },
        "no_meta.dcm": { if case .notDICOM = $0 { true } else { false } },
        "JPEG-lossy.dcm": { if case .codec(_, _, let reason) = $0 { reason.contains("SOS") } else { false } },
        "UN_sequence.dcm": { if case .pixelDataMissing = $0 { true } else { false } },
    ]

    @Test("each file pydicom rejects is rejected with its own clear error", arguments: DICOMReference.rejected)
    func rejected(_ reference: DICOMReferenceFile) throws {
        let error = try #require(throws: DICOMError.self) {
            try DICOMFile(contentsOf: reference.url).pixelData().allFrames()
        }
        #expect(error.file == reference.url.path)
        #expect(error.description.hasPrefix(reference.url.path + ": "))
        #expect(!error.description.contains("\n"))
        let matches = try #require(Self.expectations[reference.file], "no expectation for \(reference.file)")
        #expect(matches(error), "\(error)")
    }

    @Test("a file with bad values is still read: only its pixels are refused")
    func badValuesStillRead() throws {
        let file = try DICOMFile(contentsOf: Fixtures.url("dicom/badVR.dcm"))
        #expect(file.dataset[.numberOfFrames]?.string == "1A")
        #expect(DICOMScanAttributes(file.dataset).modality == "RTDOSE")
    }

    @Test("a file without file meta is decoded with the transfer syntax inferred, as pydicom does once told")
    func inferredSyntax() throws {
        let file = try DICOMFile(contentsOf: Fixtures.url("dicom/OT-PAL-8-face.dcm"))
        #expect(file.isTransferSyntaxInferred && !file.hasPreamble)
        #expect(file.transferSyntax == .implicitVRLittleEndian)
    }
}
