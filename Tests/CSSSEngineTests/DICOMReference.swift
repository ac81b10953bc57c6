import CSSSTestSupport
import Crypto
import Foundation
import Testing
@testable import CSSSEngine

/// One fixture of `../shared/fixtures/dicom/reference.json`: what pydicom 3.0.2 read and decoded from it
/// (see that folder's README for exactly how each number was made).
struct DICOMReferenceFile: Decodable, Sendable, CustomTestStringConvertible {
    struct Structure: Decodable, Sendable {
        let elements_top_level: Int?
        let undefined_length_sequences: Int
        let defined_length_sequences: Int
        let undefined_length_items: Int
        let defined_length_items: Int
        let max_sequence_depth: Int
        let transfer_syntax_uid: String?
        let has_pixel_data: Bool?
    }

    struct Attributes: Decodable, Sendable {
        let modality: String?
        let rows: Int?
        let columns: Int?
        let frames: Int?
        let samples_per_pixel: Int?
        let photometric_interpretation: String?
        let planar_configuration: Int?
        let bits_allocated: Int?
        let bits_stored: Int?
        let pixel_representation: Int?
        let rescale_slope: Double?
        let rescale_intercept: Double?
        let rescale_type: String?
        let window_center_all: [Double]?
        let window_width_all: [Double]?
    }

    /// Shape, type and statistics of an array pydicom produced.
    struct ArrayStatistics: Decodable, Sendable {
        struct Sample: Decodable, Sendable {
            let index: [Int]
            let value: Double
        }

        let shape: [Int]
        let dtype_hashed: String
        let min: Double
        let max: Double
        let mean: Double
        let sha256: String
        let samples: [Sample]?
    }

    struct Decode: Decodable, Sendable {
        struct ModalityLUT: Decodable, Sendable {
            let applied: String
            let sha256: String
        }

        let ok: Bool
        let error: String?
        let array: ArrayStatistics?
        let modality_lut: ModalityLUT?
        let palette_rgb: ArrayStatistics?
    }

    let file: String
    let group: String
    let structure: Structure
    let attributes: Attributes
    let decode: Decode
    let decode_with_inferred_transfer_syntax: Decode?

    var testDescription: String { file }

    /// What pydicom decoded: the plain decode, or the one with the transfer syntax set as the reader
    /// would infer it (`OT-PAL-8-face.dcm`).
    var expectedDecode: Decode? {
        if decode.ok { return decode }
        return decode_with_inferred_transfer_syntax?.ok == true ? decode_with_inferred_transfer_syntax : nil
    }

    /// Whether the pixels were decoded from lossy JPEG, where decoders legitimately differ (README).
    var isLossyJPEG: Bool {
        ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"].contains(structure.transfer_syntax_uid ?? "")
    }

    var url: URL { Fixtures.url("dicom/\(file)") }
}

enum DICOMReference {
    /// Every fixture, in the reference's order; empty when the fixtures are absent.
    static let files: [DICOMReferenceFile] = {
        guard Fixtures.available,
              let data = try? Data(contentsOf: Fixtures.url("dicom/reference.json")),
              let reference = try? JSONDecoder().decode(Reference.self, from: data) else { return [] }
        return reference.files
    }()

    static var decodable: [DICOMReferenceFile] { files.filter { $0.expectedDecode != nil } }
    static var rejected: [DICOMReferenceFile] { files.filter { $0.expectedDecode == nil } }

    private struct Reference: Decodable {
        let files: [DICOMReferenceFile]
    }

    /// The SHA-256 of `bytes` in lower-case hexadecimal.
    static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

extension DICOMSamples {
    /// numpy's name for this type, as the reference's `dtype_hashed` writes it.
    var dtype: String {
        switch self {
        case .uint8: "|u1"
        case .int8: "|i1"
        case .uint16: "<u2"
        case .int16: "<i2"
        case .uint32: "<u4"
        case .int32: "<i4"
        }
    }
}
