import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// The reader's grey frames through ``ModalityLUT`` and ``VOIWindow/output(for:in:)`` against pydicom's
/// `apply_modality_lut` and `apply_voi_lut` (the fixture README's `decode.modality_lut` and `decode.voi_lut`):
/// same statistics, and the same SHA-256 of the float64 output, which is exact because the operations and
/// their order are pydicom's.
@Suite("DICOM Modality and VOI LUTs against pydicom", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DICOMDisplayConformanceTests {
    /// What one fixture's reference says about its LUT stages.
    struct Fixture: Decodable, Sendable, CustomTestStringConvertible {
        struct Statistics: Decodable, Sendable {
            let applied: String
            let dtype_hashed: String
            let min: Double
            let max: Double
            let mean: Double
            let sha256: String
        }

        struct Attributes: Decodable, Sendable {
            let photometric_interpretation: String?
        }

        struct Decode: Decodable, Sendable {
            let modality_lut: Statistics?
            let voi_lut: Statistics?
        }

        struct Structure: Decodable, Sendable {
            let transfer_syntax_uid: String?
        }

        let file: String
        let structure: Structure
        let attributes: Attributes
        let decode: Decode

        var testDescription: String { file }
        var url: URL { Fixtures.url("dicom/\(file)") }
        /// 12-bit lossy JPEG, where the README allows decoders ±1 per sample and ~0.05 on the mean.
        var isLossyJPEG: Bool {
            ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"].contains(structure.transfer_syntax_uid ?? "")
        }

        /// Every grey fixture pydicom ran both LUT stages on.
        static let all: [Fixture] = {
            struct Reference: Decodable { let files: [Fixture] }
            guard Fixtures.available, let data = try? Data(contentsOf: Fixtures.url("dicom/reference.json")),
                  let reference = try? JSONDecoder().decode(Reference.self, from: data) else { return [] }
            return reference.files.filter {
                $0.decode.modality_lut != nil && $0.decode.voi_lut != nil
                    && $0.attributes.photometric_interpretation?.hasPrefix("MONOCHROME") == true
            }
        }()
    }

    /// Every frame of `fixture` as the display pipeline receives it.
    private func frames(_ fixture: Fixture) throws -> [GrayscaleFrame] {
        let pixels = try DICOMFile(contentsOf: fixture.url).pixelData()
        return try (0..<pixels.numberOfFrames).map { try pixels.grayscaleFrame($0) }
    }

    @Test("the twelve grey fixtures are all here")
    func coverage() {
        #expect(Fixture.all.count == 12, "\(Fixture.all.map(\.file))")
    }

    @Test("stored values through the Modality LUT give pydicom's apply_modality_lut", arguments: Fixture.all)
    func modalityLUT(_ fixture: Fixture) throws {
        let expected = try #require(fixture.decode.modality_lut)
        let values = try frames(fixture).flatMap { $0.modalityValues() }
        try check(values, of: fixture, against: expected)
    }

    @Test("modality values through the file's first window give pydicom's apply_voi_lut", arguments: Fixture.all)
    func voiLUT(_ fixture: Fixture) throws {
        let expected = try #require(fixture.decode.voi_lut)
        let frames = try frames(fixture)
        let values = frames.flatMap { frame in
            guard let window = frame.windows.first else { return frame.modalityValues() }
            let range = frame.voiOutputRange
            return frame.modalityValues().map { window.output(for: $0, in: range) }
        }
        #expect(frames.allSatisfy { $0.windows.isEmpty } == expected.applied.hasPrefix("none"))
        try check(values, of: fixture, against: expected)
    }

    /// Compares statistics, and the hash of the array in the type pydicom left it: float64 once a LUT or
    /// window applied, else the stored values unchanged.
    private func check(_ values: [Double], of fixture: Fixture, against expected: Fixture.Statistics) throws {
        let minimum = try #require(values.min()), maximum = try #require(values.max())
        let mean = values.reduce(0, +) / Double(values.count)
        guard !fixture.isLossyJPEG else {
            #expect(abs(minimum - expected.min) <= 1 && abs(maximum - expected.max) <= 1)
            #expect(abs(mean - expected.mean) <= 0.05, "mean \(mean)")
            return
        }
        #expect(minimum == expected.min)
        #expect(maximum == expected.max)
        #expect(abs(mean - expected.mean) <= 1e-9 * max(1, abs(expected.mean)), "mean \(mean)")
        if expected.dtype_hashed == "<f8" {
            let bytes = values.flatMap { value in
                withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) }
            }
            #expect(DICOMReference.sha256(bytes) == expected.sha256)
        } else {
            let stored = try DICOMFile(contentsOf: fixture.url).pixelData().allFrames()
            #expect(DICOMReference.sha256(stored.flatMap { $0.samples.littleEndianBytes() }) == expected.sha256)
        }
    }
}
