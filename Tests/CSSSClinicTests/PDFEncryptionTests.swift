import Foundation
import Testing
@testable import CSSSClinic

@Suite("PDF encryption")
struct PDFEncryptionTests {
    private let user = "user-Pw7kq"
    private let owner = "owner-Hx3Rt9"
    private let subject = "CSSS seal ZEBU-LONQ-XOTE"

    private func encrypted() throws -> Data {
        try PDFEncryption.encrypt(ReportPDFFixture.pdf(subject: subject), userPassword: user, ownerPassword: owner)
    }

    @Test("a report is AES-256 revision 6, printable, and not modifiable")
    func encryptionParameters() throws {
        let run = try ReportPDFFixture.run("qpdf", ["--show-encryption", "--password=\(owner)", "{file}"], on: encrypted())
        #expect(run.status == 0, "\(run.output)")
        #expect(run.output.contains("R = 6"))
        #expect(run.output.contains("stream encryption method: AESv3"))
        #expect(run.output.contains("string encryption method: AESv3"))
        #expect(run.output.contains("print high resolution: allowed"))
        #expect(run.output.contains("modify other: not allowed"))
        #expect(run.output.contains("modify annotations: not allowed"))
        #expect(run.output.contains("modify forms: not allowed"))
        #expect(run.output.contains("modify document assembly: not allowed"))
        #expect(run.output.contains("extract for accessibility: allowed"))
    }

    @Test("the user password opens the text; no password opens nothing")
    func userPasswordOpensText() throws {
        let pdf = try encrypted()
        let opened = try ReportPDFFixture.run("pdftotext", ["-upw", user, "{file}", "-"], on: pdf)
        #expect(opened.status == 0)
        #expect(opened.output.contains("Zebulon Quixote"))
        let refused = try ReportPDFFixture.run("pdftotext", ["{file}", "-"], on: pdf)
        #expect(refused.status != 0)
        #expect(!refused.output.contains("Zebulon"))
    }

    @Test("the encrypted bytes hold neither the text nor the subject in clear")
    func nothingInClear() throws {
        let plain = try ReportPDFFixture.pdf(subject: subject)
        // The fixture's subject is in clear before encryption, so its absence after means something.
        #expect(plain.range(of: Data(subject.utf8)) != nil)
        let pdf = try PDFEncryption.encrypt(plain, userPassword: user, ownerPassword: owner)
        #expect(pdf.range(of: Data("Zebulon".utf8)) == nil)
        #expect(pdf.range(of: Data(subject.utf8)) == nil)
        #expect(pdf.range(of: Data("ZEBU-LONQ".utf8)) == nil)
    }

    @Test("decrypting with the user or owner password gives a PDF that opens without one")
    func decryptRoundTrip() throws {
        let pdf = try encrypted()
        for password in [user, owner] {
            let plain = try PDFEncryption.decrypt(pdf, password: password)
            #expect(try PDFEncryption.info(plain, password: nil)["Subject"] == subject)
            let text = try ReportPDFFixture.run("pdftotext", ["{file}", "-"], on: plain)
            #expect(text.status == 0)
            #expect(text.output.contains("Zebulon Quixote"))
        }
    }

    @Test("a wrong password is reported as such")
    func wrongPassword() throws {
        let pdf = try encrypted()
        #expect(throws: PDFEncryptionError.wrongPassword) { try PDFEncryption.decrypt(pdf, password: "not-it") }
        #expect(throws: PDFEncryptionError.wrongPassword) { try PDFEncryption.info(pdf, password: nil) }
    }

    @Test("info reads the Subject and Title through the encryption")
    func infoReadsSubject() throws {
        let info = try PDFEncryption.info(encrypted(), password: user)
        #expect(info["Subject"] == subject)
        #expect(info["Title"] == "CSSS test report")
    }

    @Test("bytes that are not a PDF are a qpdf error, not a crash")
    func notAPDF() {
        #expect {
            try PDFEncryption.encrypt(Data("hello".utf8), userPassword: user, ownerPassword: owner)
        } throws: { error in
            guard case .qpdf(let message) = error as? PDFEncryptionError else { return false }
            return !message.isEmpty
        }
    }

    @Test("a report password is 13 characters without look-alikes, and differs each time")
    func passwords() {
        let passwords = (0..<200).map { _ in ReportPassword.generate() }
        let allowed = Set(ReportPassword.alphabet)
        for password in passwords {
            #expect(password.count == ReportPassword.length)
            #expect(password.allSatisfy(allowed.contains))
        }
        #expect(Set(passwords).count == passwords.count)
        #expect(Set(ReportPassword.alphabet).isDisjoint(with: "0O1lIio"))
        #expect(Double(ReportPassword.length) * log2(Double(ReportPassword.alphabet.count)) >= 70)
    }
}
