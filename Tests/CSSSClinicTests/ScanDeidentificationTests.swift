import CSSSClinic
import CSSSEngine
import CSSSTestSupport
import Foundation
import Testing

@Suite("Scan de-identification", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct ScanDeidentificationTests {
    private let key = Data((0..<32).map { UInt8($0) })

    @Test("a key shorter than 16 bytes is refused, naming where it came from")
    func shortKey() throws {
        let folder = try TemporaryFolder("deid-key")
        let file = folder.file("short.key")
        try Data("secret".utf8).write(to: file)
        #expect(throws: ScanDeidentificationError.self) { try ScanDeidentification(keyFile: file) }
        do {
            _ = try ScanDeidentification(keyFile: file)
        } catch {
            #expect("\(error)".hasPrefix(file.path) && "\(error)".contains("6 bytes"))
        }
    }

    @Test("the same key gives the same new SOP Instance UID; a scan with burned-in text is flagged")
    func sameKeyAndBurnedIn() throws {
        let folder = try TemporaryFolder("deid-scan")
        let original = try DICOMFile(contentsOf: Fixtures.url("dicom/CT_small.dcm"))
        let burnedIn = DICOMElement(tag: DICOMTag(0x0028, 0x0301), vr: .CS, value: .bytes(ArraySlice("YES ".utf8)))
        let marked = DICOMDataset((original.dataset.elements + [burnedIn]).sorted { $0.tag < $1.tag })
        let input = folder.file("marked.dcm")
        try DICOMWriter(sourceTransferSyntax: original.transferSyntax, name: input.path).write(marked, to: input)

        let first = try ScanDeidentification(key: key).deidentify(fileAt: input, to: folder.file("a.dcm"))
        let second = try ScanDeidentification(key: key).deidentify(fileAt: input, to: folder.file("b.dcm"))
        #expect(first.sopInstanceUID == second.sopInstanceUID)
        #expect(first.sopInstanceUID.hasPrefix("2.25."))
        #expect(first.hasBurnedInAnnotation)
        let plain = try ScanDeidentification(key: key).deidentify(fileAt: Fixtures.url("dicom/CT_small.dcm"),
                                                                   to: folder.file("c.dcm"))
        #expect(!plain.hasBurnedInAnnotation)
    }

    @Test("a file that is not DICOM is one error naming it")
    func notDICOM() throws {
        let folder = try TemporaryFolder("deid-scan")
        let text = folder.file("notes.txt")
        try Data("hello\n".utf8).write(to: text)
        do {
            try ScanDeidentification(key: key).deidentify(fileAt: text, to: folder.file("out.dcm"))
            Issue.record("a text file was de-identified")
        } catch {
            #expect("\(error)".hasPrefix(text.path))
        }
        #expect(!FileManager.default.fileExists(atPath: folder.file("out.dcm").path))
    }
}
