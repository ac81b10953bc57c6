import Crypto
import Foundation

/// The hospital's seal on a report: an Ed25519 signature over the report's ``ReportFacts`` and over the
/// exact bytes of its encrypted PDF, carried in a one-line trailer after the PDF's `%%EOF`, where PDF
/// readers do not look.
///
/// Sealing takes two steps, because the short code is printed inside the PDF it seals:
/// 1. ``code(for:key:)`` signs the facts and derives the code from that signature; the report is
///    drawn with the code (on the page, and as its Info Subject `CSSS seal <code>`) and encrypted;
/// 2. ``seal(encryptedPDF:facts:key:hospital:)`` appends the trailer.
///
/// The code is `XXXX-XXXX-XXXX`: the first 12 base 32 characters (60 bits) of SHA-256 of the facts
/// signature. Step 2 signs the facts again and must reach the same code, which holds because Ed25519
/// signatures are deterministic (RFC 8032 §5.1.6), as swift-crypto's are where it runs on BoringSSL
/// (Linux). Apple's CryptoKit randomises Ed25519 signatures, so on macOS step 2 would not reproduce
/// step 1's code; the test "the code is stable for the same facts and key" guards that. Verification
/// never re-signs: it checks the stored signature and recomputes the code from it, on any platform.
///
/// A trailer reads `%CSSS-SEAL <base64 of JSON>\n`, the JSON's keys in this order: `format` (1),
/// `facts`, `facts_signature`, `file_sha256` (hex, of every byte before the trailer),
/// `file_signature` (over those 32 hash bytes followed by the facts' ``ReportFacts/canonicalBytes``),
/// `public_key` (raw, base64) and `code`.
///
/// The trailer line is followed by a copy of the PDF's own last `startxref … %%EOF` lines: readers
/// (qpdf among them) look for `startxref` only in a file's last 1024 bytes, which a trailer alone
/// outgrows. The copy points at the same cross-reference section, so it changes nothing a reader
/// shows, and verification accepts nothing after the trailer but that exact copy.
public enum ReportSeal {
    /// Starts the trailer line.
    static let marker = Data("%CSSS-SEAL ".utf8)
    /// The trailer layout this version writes and reads.
    static let format = 1

    /// Signs `facts` and returns the short code to print on the report.
    public static func code(for facts: ReportFacts, key: Curve25519.Signing.PrivateKey) -> String {
        code(forSignature: signFacts(facts, key: key))
    }

    /// The subject a sealed report's Info dictionary carries, which ``verify(_:trustedKey:password:)``
    /// compares with the seal when given the password.
    public static func pdfSubject(code: String) -> String {
        "CSSS seal \(code)"
    }

    /// Appends the seal trailer to an encrypted report drawn with ``code(for:key:)``'s code.
    ///
    /// - Parameter hospital: the issuing hospital's name, which must be `facts.hospital`: the seal
    ///   signs the facts, so the facts' name is the one a verifier is shown.
    public static func seal(encryptedPDF: Data, facts: ReportFacts, key: Curve25519.Signing.PrivateKey,
                            hospital: String) -> Data {
        assert(hospital == facts.hospital, "the seal's hospital must be the facts' hospital")
        var pdf = encryptedPDF
        // The trailer must start a line of its own, after `%%EOF`.
        if pdf.last != UInt8(ascii: "\n") { pdf.append(UInt8(ascii: "\n")) }
        let factsSignature = signFacts(facts, key: key)
        let fileHash = Data(SHA256.hash(data: pdf))
        let fileSignature = try! key.signature(for: fileHash + facts.canonicalBytes)  // fails only if the RNG does
        let trailer: JSONValue = .object([
            ("format", .integer(format)),
            ("facts", facts.json),
            ("facts_signature", .string(factsSignature.base64EncodedString())),
            ("file_sha256", .string(hex(fileHash))),
            ("file_signature", .string(fileSignature.base64EncodedString())),
            ("public_key", .string(key.publicKey.rawRepresentation.base64EncodedString())),
            ("code", .string(code(forSignature: factsSignature))),
        ])
        return pdf + marker + Data(trailer.text.utf8).base64EncodedData() + Data("\n".utf8) + endOfFile(of: pdf)
    }

    /// The PDF's last lines from `startxref` on (`startxref\n1234\n%%EOF\n`), or nothing when it has none.
    static func endOfFile(of pdf: Data) -> Data {
        guard let range = pdf.range(of: Data("startxref".utf8), options: .backwards) else { return Data() }
        return Data(pdf[range.lowerBound...])
    }

    /// Checks a sealed report against the hospital's public key and, when `password` is given, that
    /// the PDF opens with it and carries the seal's code.
    ///
    /// Every failure is a result, not an error: ``SealVerification/invalid(_:)`` says which check failed.
    public static func verify(_ file: Data, trustedKey: Curve25519.Signing.PublicKey,
                              password: String?) -> SealVerification {
        let trailer: SealTrailer
        let pdf: Data
        switch SealTrailer.split(file) {
        case .failure(let failure): return .invalid(failure)
        case .success(let parts): (pdf, trailer) = parts
        }
        guard trailer.publicKey == trustedKey.rawRepresentation else {
            return .invalid(.unknownKey(fingerprint: fingerprint(ofRawKey: trailer.publicKey)))
        }
        let canonical = trailer.facts.canonicalBytes
        guard trustedKey.isValidSignature(trailer.factsSignature, for: canonical) else {
            return .invalid(.factsSignatureInvalid)
        }
        let code = code(forSignature: trailer.factsSignature)
        guard trailer.code == code else { return .invalid(.codeMismatch) }
        let fileHash = Data(SHA256.hash(data: pdf))
        guard fileHash == trailer.fileSHA256,
              trustedKey.isValidSignature(trailer.fileSignature, for: fileHash + canonical) else {
            return .invalid(.altered)
        }
        if let password {
            let info: [String: String]
            do {
                info = try PDFEncryption.info(pdf, password: password)
            } catch .wrongPassword {
                return .invalid(.wrongPassword)
            } catch {
                return .invalid(.unreadablePDF(error.description))
            }
            guard info["Subject"] == pdfSubject(code: code) else { return .invalid(.printedCodeMismatch) }
        }
        return .valid(facts: trailer.facts, code: code, signedBy: trailer.facts.hospital, at: trailer.facts.issuedAt)
    }

    /// A short, stable name for a public key: the first 8 bytes of SHA-256 of its raw form, in hex.
    public static func fingerprint(of key: Curve25519.Signing.PublicKey) -> String {
        fingerprint(ofRawKey: key.rawRepresentation)
    }

    static func fingerprint(ofRawKey raw: Data) -> String {
        hex(Data(SHA256.hash(data: raw).prefix(8)))
    }

    static func signFacts(_ facts: ReportFacts, key: Curve25519.Signing.PrivateKey) -> Data {
        try! key.signature(for: facts.canonicalBytes)  // Ed25519 signing fails only if the RNG does
    }

    /// `XXXX-XXXX-XXXX` from the first 12 base 32 characters of SHA-256 of the facts signature.
    static func code(forSignature signature: Data) -> String {
        let characters = Array(Base32.encode(Array(SHA256.hash(data: signature))).prefix(12))
        return stride(from: 0, to: 12, by: 4).map { String(characters[$0..<$0 + 4]) }.joined(separator: "-")
    }

    static func hex(_ bytes: Data) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }
}
