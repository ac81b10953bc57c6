import Crypto
import Foundation
import Testing
@testable import CSSSClinic

@Suite("Report seal")
struct ReportSealTests {
    private let key = try! Curve25519.Signing.PrivateKey(rawRepresentation: Data(repeating: 7, count: 32))
    private let password = "Pw7kqRt3mXn9a"
    private let facts = ReportFacts(
        reportID: 41, version: 2, amendsVersion: 1, patientID: 7, scanID: 93,
        scanSHA256: String(repeating: "ab", count: 32), modelName: "chest-xray-v3",
        modelSHA256: String(repeating: "cd", count: 32), label: "pneumonia", confidence: 0.9731,
        issuedAt: "2025-03-14T09:26:53Z", issuedBy: 12, doctorName: "Dr. Ada Okafor", hospital: "St. Brigid's")

    /// A report drawn with its code as subject, encrypted, then sealed: the two steps in order.
    private func sealedReport(facts: ReportFacts? = nil, subjectCode: String? = nil) throws -> Data {
        let facts = facts ?? self.facts
        let code = ReportSeal.code(for: facts, key: key)
        let plain = try ReportPDFFixture.pdf(subject: ReportSeal.pdfSubject(code: subjectCode ?? code))
        let encrypted = try PDFEncryption.encrypt(plain, userPassword: password, ownerPassword: "owner-\(password)")
        return ReportSeal.seal(encryptedPDF: encrypted, facts: facts, key: key, hospital: facts.hospital)
    }

    private func failure(_ result: SealVerification) -> SealVerification.Failure? {
        if case .invalid(let failure) = result { return failure }
        return nil
    }

    /// The trailer's JSON, for tests that tamper with it.
    private func trailerJSON(_ file: Data) throws -> (pdf: Data, json: [String: Any]) {
        let range = try #require(file.range(of: ReportSeal.marker, options: .backwards))
        let rest = file[range.upperBound...]
        let base64 = rest[..<rest.firstIndex(of: UInt8(ascii: "\n"))!]
        let json = try #require(Data(base64Encoded: Data(base64)))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        return (Data(file[..<range.lowerBound]), object)
    }

    private func withTrailer(_ pdf: Data, _ json: [String: Any]) throws -> Data {
        let data = try JSONSerialization.data(withJSONObject: json)
        return pdf + ReportSeal.marker + data.base64EncodedData() + Data("\n".utf8) + ReportSeal.endOfFile(of: pdf)
    }

    @Test("a sealed report verifies, with and without its password")
    func sealVerifies() throws {
        let file = try sealedReport()
        let code = ReportSeal.code(for: facts, key: key)
        let expected = SealVerification.valid(facts: facts, code: code, signedBy: "St. Brigid's", at: "2025-03-14T09:26:53Z")
        #expect(ReportSeal.verify(file, trustedKey: key.publicKey, password: nil) == expected)
        #expect(ReportSeal.verify(file, trustedKey: key.publicKey, password: password) == expected)
        #expect(expected.description.hasPrefix("valid: report 41 version 2, seal \(code), sealed by St. Brigid's"))
    }

    @Test("the code is XXXX-XXXX-XXXX in base 32 and stable for the same facts and key")
    func codeFormat() throws {
        let code = ReportSeal.code(for: facts, key: key)
        #expect(code.wholeMatch(of: /[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}/) != nil)
        #expect(ReportSeal.code(for: facts, key: key) == code)
        var other = facts
        other.confidence = 0.9732
        #expect(ReportSeal.code(for: other, key: key) != code)
        let otherKey = Curve25519.Signing.PrivateKey()
        #expect(ReportSeal.code(for: facts, key: otherKey) != code)
    }

    @Test("the canonical facts are sorted JSON with every key, null included")
    func canonicalFacts() {
        let text = facts.json.text
        #expect(text.hasPrefix(#"{"amends_version":1,"confidence":0.9731,"doctor_name":"Dr. Ada Okafor","hospital":"#))
        var first = facts
        first.amendsVersion = nil
        #expect(first.json.text.hasPrefix(#"{"amends_version":null,"#))
        #expect(String(decoding: facts.canonicalBytes, as: UTF8.self) == "CSSS report facts v1\n" + text)
    }

    @Test("PDF tools still read a sealed report, without warnings")
    func toolsReadSealedReport() throws {
        let file = try sealedReport()
        #expect(file.suffix(1024).range(of: Data("startxref".utf8)) != nil)
        let check = try ReportPDFFixture.run("qpdf", ["--check", "--password=\(password)", "{file}"], on: file)
        #expect(check.status == 0, "\(check.output)")
        let text = try ReportPDFFixture.run("pdftotext", ["-upw", password, "{file}", "-"], on: file)
        #expect(text.status == 0)
        #expect(text.output.contains("Zebulon Quixote"))
    }

    @Test("one flipped byte in the PDF is an alteration")
    func flippedByte() throws {
        var file = try sealedReport()
        file[file.startIndex + 400] ^= 0x01
        #expect(failure(ReportSeal.verify(file, trustedKey: key.publicKey, password: nil)) == .altered)
        #expect(SealVerification.invalid(.altered).description == "INVALID: the PDF was altered after sealing")
    }

    @Test("bytes appended after the seal, or a changed end copy, are an alteration")
    func appendedUpdate() throws {
        let sealed = try sealedReport()
        let appended = sealed + Data("1 0 obj\n<<>>\nendobj\n%%EOF\n".utf8)
        #expect(failure(ReportSeal.verify(appended, trustedKey: key.publicKey, password: nil)) == .altered)
        let range = try #require(sealed.range(of: Data("startxref\n".utf8), options: .backwards))
        let repointed = Data(sealed[..<range.upperBound]) + Data("9\n%%EOF\n".utf8)
        #expect(failure(ReportSeal.verify(repointed, trustedKey: key.publicKey, password: nil)) == .altered)
    }

    @Test("a fact changed in the trailer breaks its signature")
    func changedFact() throws {
        let (pdf, json) = try trailerJSON(sealedReport())
        var changed = json
        var factsObject = try #require(json["facts"] as? [String: Any])
        factsObject["label"] = "normal"
        changed["facts"] = factsObject
        let file = try withTrailer(pdf, changed)
        #expect(failure(ReportSeal.verify(file, trustedKey: key.publicKey, password: nil)) == .factsSignatureInvalid)
    }

    @Test("a hash recomputed over a changed PDF still fails its signature")
    func forgedHash() throws {
        var (pdf, json) = try trailerJSON(sealedReport())
        pdf[pdf.startIndex + 400] ^= 0x01
        json["file_sha256"] = ReportSeal.hex(Data(SHA256.hash(data: pdf)))
        let file = try withTrailer(pdf, json)
        #expect(failure(ReportSeal.verify(file, trustedKey: key.publicKey, password: nil)) == .altered)
    }

    @Test("a changed code in the trailer is a code mismatch")
    func changedCode() throws {
        var (pdf, json) = try trailerJSON(sealedReport())
        json["code"] = "AAAA-BBBB-CCCC"
        let file = try withTrailer(pdf, json)
        #expect(failure(ReportSeal.verify(file, trustedKey: key.publicKey, password: nil)) == .codeMismatch)
    }

    @Test("a seal by another key names that key's fingerprint")
    func unknownKey() throws {
        let file = try sealedReport()
        let trusted = Curve25519.Signing.PrivateKey().publicKey
        let result = ReportSeal.verify(file, trustedKey: trusted, password: nil)
        let fingerprint = ReportSeal.fingerprint(of: key.publicKey)
        #expect(failure(result) == .unknownKey(fingerprint: fingerprint))
        #expect(result.description == "INVALID: sealed by an unknown key \(fingerprint)")
        #expect(fingerprint.count == 16)
    }

    @Test("a file without a trailer, or with its trailer cut off, is not sealed")
    func notSealed() throws {
        let file = try sealedReport()
        let range = try #require(file.range(of: ReportSeal.marker, options: .backwards))
        let bare = Data(file[..<range.lowerBound])
        #expect(failure(ReportSeal.verify(bare, trustedKey: key.publicKey, password: nil)) == .notSealed)
        #expect(ReportSeal.verify(bare, trustedKey: key.publicKey, password: nil).description
            == "INVALID: not a sealed CSSS report")
        let cut = Data(file[..<(range.upperBound + 40)])
        guard case .malformedTrailer = failure(ReportSeal.verify(cut, trustedKey: key.publicKey, password: nil)) else {
            Issue.record("a trailer cut short must be malformed")
            return
        }
    }

    @Test("a trailer that is not base64 JSON of a seal is malformed")
    func malformedTrailer() throws {
        let (pdf, json) = try trailerJSON(sealedReport())
        let garbage = pdf + ReportSeal.marker + Data("@@not base64@@\n".utf8) + ReportSeal.endOfFile(of: pdf)
        guard case .malformedTrailer = failure(ReportSeal.verify(garbage, trustedKey: key.publicKey, password: nil)) else {
            Issue.record("garbage must be malformed")
            return
        }
        var future = json
        future["format"] = 2
        let result = ReportSeal.verify(try withTrailer(pdf, future), trustedKey: key.publicKey, password: nil)
        #expect(failure(result) == .malformedTrailer("unsupported seal format 2"))
    }

    @Test("a wrong password is reported, and a printed code that is not the seal's is caught")
    func passwordChecks() throws {
        let file = try sealedReport()
        let wrong = ReportSeal.verify(file, trustedKey: key.publicKey, password: "not-the-password")
        #expect(failure(wrong) == .wrongPassword)
        #expect(wrong.description == "INVALID: the password does not open the report")
        let misprinted = try sealedReport(subjectCode: "AAAA-BBBB-CCCC")
        #expect(failure(ReportSeal.verify(misprinted, trustedKey: key.publicKey, password: password)) == .printedCodeMismatch)
        // Without the password the printed code cannot be read, so only the seal itself is checked.
        #expect(ReportSeal.verify(misprinted, trustedKey: key.publicKey, password: nil).isValid)
    }
}
