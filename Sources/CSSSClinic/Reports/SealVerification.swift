import Foundation

/// What ``ReportSeal/verify(_:trustedKey:password:)`` found: a report sealed by the trusted key and
/// unchanged since, or the first check that failed.
public enum SealVerification: Sendable, Equatable, CustomStringConvertible {
    /// The seal holds: these facts, with this code, were sealed by `signedBy` at `at` (ISO-8601).
    case valid(facts: ReportFacts, code: String, signedBy: String, at: String)
    /// The seal does not hold, for this reason.
    case invalid(Failure)

    /// Why a seal does not hold, one case per check.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// The file has no seal trailer.
        case notSealed
        /// A trailer is there but cannot be read; what is wrong with it.
        case malformedTrailer(String)
        /// The seal was made with a key other than the trusted one.
        case unknownKey(fingerprint: String)
        /// The PDF bytes differ from those sealed, or bytes follow the seal.
        case altered
        /// The facts in the trailer are not those signed.
        case factsSignatureInvalid
        /// The trailer's code is not the one its signature gives.
        case codeMismatch
        /// The given password opens the PDF neither as user nor as owner.
        case wrongPassword
        /// The PDF opened but qpdf could not read it.
        case unreadablePDF(String)
        /// The code the PDF carries (its Info Subject) is not the seal's.
        case printedCodeMismatch

        public var description: String {
            switch self {
            case .notSealed: return "not a sealed CSSS report"
            case .malformedTrailer(let detail): return "the seal trailer is malformed: \(detail)"
            case .unknownKey(let fingerprint): return "sealed by an unknown key \(fingerprint)"
            case .altered: return "the PDF was altered after sealing"
            case .factsSignatureInvalid: return "the sealed facts were altered: their signature is invalid"
            case .codeMismatch: return "the seal's code does not match its signature"
            case .wrongPassword: return "the password does not open the report"
            case .unreadablePDF(let detail): return "the report PDF cannot be read: \(detail)"
            case .printedCodeMismatch: return "the report's printed seal code does not match"
            }
        }
    }

    /// Whether the seal holds.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    /// One line for `csss report verify`.
    public var description: String {
        switch self {
        case .valid(let facts, let code, let hospital, let issuedAt):
            return "valid: report \(facts.reportID) version \(facts.version), seal \(code), "
                + "sealed by \(hospital) at \(issuedAt)"
        case .invalid(let failure):
            return "INVALID: \(failure.description)"
        }
    }
}

/// A seal trailer read back from a file.
struct SealTrailer: Decodable {
    var format: Int
    var facts: ReportFacts
    var factsSignature: Data
    var fileSHA256: Data
    var fileSignature: Data
    var publicKey: Data
    var code: String

    enum CodingKeys: String, CodingKey {
        case format, facts, factsSignature = "facts_signature", fileSHA256 = "file_sha256"
        case fileSignature = "file_signature", publicKey = "public_key", code
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(Int.self, forKey: .format)
        guard format == ReportSeal.format else {
            throw SealVerification.Failure.malformedTrailer("unsupported seal format \(format)")
        }
        facts = try container.decode(ReportFacts.self, forKey: .facts)
        func base64(_ key: CodingKeys) throws -> Data {
            guard let data = Data(base64Encoded: try container.decode(String.self, forKey: key)) else {
                throw SealVerification.Failure.malformedTrailer("\(key.rawValue) is not base64")
            }
            return data
        }
        factsSignature = try base64(.factsSignature)
        fileSignature = try base64(.fileSignature)
        publicKey = try base64(.publicKey)
        let hash = try container.decode(String.self, forKey: .fileSHA256)
        guard let hashBytes = Self.bytes(hex: hash), hashBytes.count == 32 else {
            throw SealVerification.Failure.malformedTrailer("file_sha256 is not 64 hex digits")
        }
        fileSHA256 = hashBytes
        code = try container.decode(String.self, forKey: .code)
    }

    /// Splits a sealed file into the PDF bytes the seal covers and its trailer.
    static func split(_ file: Data) -> Result<(pdf: Data, trailer: SealTrailer), SealVerification.Failure> {
        guard let range = file.range(of: ReportSeal.marker, options: .backwards) else { return .failure(.notSealed) }
        // The marker counts only at the start of a line; elsewhere it is just bytes of the PDF.
        guard range.lowerBound > file.startIndex,
              file[range.lowerBound - 1] == UInt8(ascii: "\n") || file[range.lowerBound - 1] == UInt8(ascii: "\r")
        else { return .failure(.notSealed) }
        let rest = file[range.upperBound...]
        guard let newline = rest.firstIndex(of: UInt8(ascii: "\n")) else {
            return .failure(.malformedTrailer("it is cut short"))
        }
        let line = rest[..<newline]
        let pdf = Data(file[..<range.lowerBound])
        // After the trailer line only the copy of the PDF's own end may follow (see ``ReportSeal``):
        // anything else, such as an incremental update, changes what a reader shows.
        guard Data(rest[(newline + 1)...]) == ReportSeal.endOfFile(of: pdf) else { return .failure(.altered) }
        guard let json = Data(base64Encoded: Data(line)) else {
            return .failure(.malformedTrailer("it is not base64"))
        }
        do {
            let trailer = try JSONDecoder().decode(SealTrailer.self, from: json)
            return .success((pdf, trailer))
        } catch let failure as SealVerification.Failure {
            return .failure(failure)
        } catch {
            return .failure(.malformedTrailer("its JSON does not hold a seal"))
        }
    }

    private static func bytes(hex: String) -> Data? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes = Data(capacity: digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}
