import CQPDF
import Foundation

/// Password protection of a report PDF: AES-256 (ISO 32000-2, security handler revision 6), done in
/// memory through qpdf's C API so that no clear copy of a report ever touches the disk.
///
/// The permissions a report carries:
/// - printing at full resolution is allowed, since a printed report is how it often reaches a clinic;
/// - modification, annotation, form filling and page assembly are refused, so that a reader's
///   software will not offer to change what the hospital sealed (``ReportSeal`` detects it anyway);
/// - text extraction is allowed, both for accessibility (screen readers must read a patient's own
///   report) and for copying: whoever holds the password can read every word, so refusing the copy
///   would protect nothing and only push people to retype findings into their records.
///
/// The metadata stream is encrypted with the rest, since a report's subject and title name a patient.
public enum PDFEncryption {
    /// Encrypts `pdf` with AES-256 (revision 6).
    ///
    /// - Parameters:
    ///   - userPassword: opens the report with the permissions above (what the patient is given).
    ///   - ownerPassword: opens it with every permission (what the hospital keeps).
    /// - Throws: ``PDFEncryptionError`` when qpdf cannot read or write the PDF.
    public static func encrypt(_ pdf: Data, userPassword: String, ownerPassword: String) throws(PDFEncryptionError) -> Data {
        try QPDFDocument(pdf, password: nil).write { qpdf in
            qpdf_set_r6_encryption_parameters2(
                qpdf, userPassword, ownerPassword,
                QPDF_TRUE,  // allow_accessibility
                QPDF_TRUE,  // allow_extract
                QPDF_FALSE,  // allow_assemble
                QPDF_FALSE,  // allow_annotate_and_form
                QPDF_FALSE,  // allow_form_filling
                QPDF_FALSE,  // allow_modify_other
                qpdf_r3p_full,
                QPDF_TRUE)  // encrypt_metadata
        }
    }

    /// Opens `pdf` with `password` and writes it back without encryption, in memory.
    ///
    /// - Throws: ``PDFEncryptionError/wrongPassword`` when the password opens neither as user nor
    ///   owner; ``PDFEncryptionError/qpdf(_:)`` for any other failure.
    public static func decrypt(_ pdf: Data, password: String) throws(PDFEncryptionError) -> Data {
        try QPDFDocument(pdf, password: password).write { qpdf in
            qpdf_set_preserve_encryption(qpdf, QPDF_FALSE)
        }
    }

    /// The keys of the document Info dictionary that are present, without their leading slash
    /// (`["Subject": "CSSS seal ABCD-EFGH-JKLM", …]`).
    ///
    /// - Parameter password: the user or owner password; `nil` for a PDF that is not encrypted.
    /// - Throws: ``PDFEncryptionError/wrongPassword`` when the password does not open it.
    public static func info(_ pdf: Data, password: String?) throws(PDFEncryptionError) -> [String: String] {
        let document = try QPDFDocument(pdf, password: password)
        return document.info(keys: infoKeys)
    }

    /// The standard Info keys of ISO 32000 (14.3.3).
    static let infoKeys = ["Title", "Author", "Subject", "Keywords", "Creator", "Producer", "CreationDate", "ModDate", "Trapped"]
}

/// Why qpdf could not process a report PDF.
public enum PDFEncryptionError: Error, Equatable, CustomStringConvertible {
    /// The password opens the PDF neither as user nor as owner.
    case wrongPassword
    /// qpdf failed; its own full message.
    case qpdf(String)

    public var description: String {
        switch self {
        case .wrongPassword: return "the password does not open the PDF"
        case .qpdf(let message): return "qpdf: \(message)"
        }
    }
}

/// One qpdf handle over a PDF in memory, cleaned up when it goes away.
private final class QPDFDocument {
    private var qpdf: qpdf_data?
    /// qpdf reads lazily from this buffer, so it must outlive every call on the handle.
    private let bytes: Data

    init(_ pdf: Data, password: String?) throws(PDFEncryptionError) {
        qpdf = qpdf_init()
        bytes = pdf
        // Errors come back through qpdf_get_error; qpdf must not also print them on our terminal.
        qpdf_silence_errors(qpdf)
        qpdf_set_suppress_warnings(qpdf, QPDF_TRUE)
        let code = bytes.withUnsafeBytes { raw in
            qpdf_read_memory(qpdf, "report.pdf", raw.baseAddress?.assumingMemoryBound(to: CChar.self),
                             UInt64(raw.count), password)
        }
        try check(code)
    }

    deinit { qpdf_cleanup(&qpdf) }

    /// Writes the document to memory after `configure` has set the writer's parameters.
    func write(_ configure: (qpdf_data?) -> Void) throws(PDFEncryptionError) -> Data {
        try check(qpdf_init_write_memory(qpdf))
        configure(qpdf)
        try check(qpdf_has_error(qpdf) != QPDF_FALSE ? Self.errorBit : 0)
        try check(qpdf_write(qpdf))
        let length = qpdf_get_buffer_length(qpdf)
        guard let buffer = qpdf_get_buffer(qpdf) else { throw .qpdf("qpdf wrote no output") }
        return Data(bytes: buffer, count: length)
    }

    /// The Info dictionary's string values for `keys`.
    func info(keys: [String]) -> [String: String] {
        var values: [String: String] = [:]
        for key in keys {
            if let value = qpdf_get_info_key(qpdf, "/" + key) { values[key] = String(cString: value) }
        }
        return values
    }

    /// `QPDF_ERRORS`, a macro (`1 << 1`) that Swift does not import.
    private static let errorBit: QPDF_ERROR_CODE = 1 << 1

    private func check(_ code: QPDF_ERROR_CODE) throws(PDFEncryptionError) {
        guard code & Self.errorBit != 0, let error = qpdf_get_error(qpdf) else { return }
        if qpdf_get_error_code(qpdf, error) == qpdf_e_password { throw .wrongPassword }
        let text = qpdf_get_error_full_text(qpdf, error).map { String(cString: $0) } ?? "unknown error"
        throw .qpdf(text)
    }
}

/// The random password that opens a report, for the patient to be told apart from the file.
public enum ReportPassword {
    /// Letters and digits that cannot be mistaken for one another when read aloud or from paper:
    /// no `0/O/o`, `1/l/I/i`.
    static let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
    /// 55 symbols carry log2(55) ≈ 5.78 bits each: 12 would give 69.4 bits, just short of the 70 a
    /// password that guards medical data offline should have, so 13 give 75.2.
    static let length = 13

    /// A new password of ``length`` characters from the system's secure random generator.
    public static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
