import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSEngine

/// One call that says whether a file is a usable scan, and if not, why.
@Suite("Scan validation")
struct ScanValidationTests {
    private let validator = ScanValidator()

    private func verdict(_ data: Data) -> ScanValidation { validator.validate(data, name: "scan") }

    @Test("a good image is usable, its format told by content even under a wrong name")
    func usableImage() throws {
        let jpeg = try Data(contentsOf: TestImages.url("rgb-baseline.jpg"))  // 19×13
        let folder = try TemporaryFolder("scan")
        let misnamed = folder.file("chest.png")
        try jpeg.write(to: misnamed)
        let expected = ScanDescription(format: .jpeg, width: 19, height: 13, colorModel: .rgb, frameCount: 1,
                                       modality: nil, transferSyntax: nil)
        #expect(ScanValidator(minimumSide: 8).validate(misnamed) == .usable(expected))
    }

    @Test("DICOM scans are described with their modality, frames and transfer syntax",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func usableDICOM() throws {
        let verdict = validator.validate(Fixtures.url("dicom/JPEG-LL.dcm"))
        let expected = ScanDescription(
            format: .dicom, width: 256, height: 1024, colorModel: .gray, frameCount: 1, modality: "NM",
            transferSyntax: "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])")
        #expect(verdict == .usable(expected))
    }

    @Test("broken, foreign and unsuitable files are unusable, each with its reason",
          .enabled(if: Fixtures.available, Fixtures.missingReason),
          arguments: [
              ("MR_truncated.dcm", "undecodable"), ("JPEG-lossy.dcm", "undecodable"), ("badVR.dcm", "undecodable"),
              ("UN_sequence.dcm", "noImage"), ("no_meta.dcm", "unknownFormat"), ("6154", "tooSmall"),
              ("reference.json", "unknownFormat"),
          ])
    func unusableDICOM(file: String, reason: String) throws {
        guard case .unusable(let rejection) = validator.validate(Fixtures.url("dicom/\(file)")) else {
            Issue.record("\(file) should be unusable")
            return
        }
        #expect(Self.caseName(rejection) == reason, "\(file): \(rejection)")
    }

    private static func caseName(_ rejection: ScanRejection) -> String {
        switch rejection {
        case .unreadable: "unreadable"
        case .empty: "empty"
        case .fileTooLarge: "fileTooLarge"
        case .unknownFormat: "unknownFormat"
        case .noImage: "noImage"
        case .unsupportedEncoding: "unsupportedEncoding"
        case .tooSmall: "tooSmall"
        case .tooLarge: "tooLarge"
        case .undecodable: "undecodable"
        }
    }

    @Test("empty, missing, oversized and damaged image files are refused before or while decoding")
    func unusableImages() throws {
        #expect(verdict(Data()) == .unusable(.empty))
        #expect(verdict(Data("GIF89a".utf8)) == .unusable(.unknownFormat(leadingBytes: Array("GIF89a".utf8))))
        guard case .unusable(.unreadable) = validator.validate(TestImages.url("no-such-scan.png")) else {
            Issue.record("a missing file should be unreadable")
            return
        }
        let small = ScanValidator(maximumFileBytes: 100)
        let png = try Data(contentsOf: TestImages.url("rgb8.png"))
        #expect(small.validate(png, name: "scan") == .unusable(.fileTooLarge(bytes: png.count, limit: 100)))
        #expect(verdict(png) == .unusable(.tooSmall(width: 7, height: 5, minimumSide: 32)))
        guard case .unusable(.undecodable) = verdict(try Data(contentsOf: TestImages.url("truncated.jpg"))) else {
            Issue.record("a truncated JPEG should be undecodable")
            return
        }
    }

    @Test("a DICOM image in a syntax the engine cannot decode is refused by the syntax's name")
    func unsupportedEncoding() throws {
        var builder = DICOMBuilder()
        builder.addImage(rows: 64, columns: 64, bitsAllocated: 8, bitsStored: 8)
        builder.addEncapsulatedPixelData(fragments: [[0, 0]])
        let verdict = verdict(builder.file(transferSyntax: "1.2.840.10008.1.2.4.110"))
        #expect(verdict == .unusable(.unsupportedEncoding("JPEG XL Lossless (1.2.840.10008.1.2.4.110)")))
    }
}
