import CSSSEngine
import Crypto
import Foundation

/// De-identifies DICOM scans for export (DICOM PS3.15 Annex E, Basic Application Level Confidentiality
/// Profile), with new UIDs keyed by a secret: files de-identified with the same key keep their studies,
/// series and references together, and nobody without the key can map a new UID back.
///
/// ```swift
/// let session = try ScanDeidentification(keyFile: URL(fileURLWithPath: "export.key"))
/// let scan = try session.deidentify(fileAt: input, to: output)
/// ```
public struct ScanDeidentification: Sendable {
    /// The fewest key bytes accepted: the key guards 128-bit UIDs.
    public static let minimumKeyLength = 16

    private let deidentifier: DICOMDeidentifier
    private static let burnedInAnnotation = DICOMTag(0x0028, 0x0301)

    /// A session keyed by `key` (at least ``minimumKeyLength`` bytes); its new UIDs are HMAC-SHA-256 of
    /// the originals under the key.
    public init(key: Data) throws(ScanDeidentificationError) {
        guard key.count >= Self.minimumKeyLength else { throw .keyTooShort(source: "the key", length: key.count) }
        self.init(checkedKey: key)
    }

    private init(checkedKey key: Data) {
        let symmetricKey = SymmetricKey(data: key)
        deidentifier = DICOMDeidentifier(uids: DICOMUIDRemapper { bytes in
            Array(HMAC<SHA256>.authenticationCode(for: bytes, using: symmetricKey))
        })
    }

    /// A session keyed by the bytes of the file at `keyFile`.
    public init(keyFile: URL) throws(ScanDeidentificationError) {
        let key: Data
        do {
            key = try Data(contentsOf: keyFile)
        } catch {
            throw .unreadableKey(file: keyFile.path, reason: error.localizedDescription)
        }
        guard key.count >= Self.minimumKeyLength else { throw .keyTooShort(source: keyFile.path, length: key.count) }
        self.init(checkedKey: key)
    }

    /// A session with a random key: its UIDs are consistent only within this session.
    public static func withRandomKey() -> ScanDeidentification {
        var generator = SystemRandomNumberGenerator()
        let key = Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) })
        return ScanDeidentification(checkedKey: key)
    }

    /// De-identifies the DICOM file at `input` and writes it atomically to `output`.
    @discardableResult
    public func deidentify(fileAt input: URL, to output: URL) throws(ScanDeidentificationError) -> DeidentifiedScan {
        let file: DICOMFile
        do {
            file = try DICOMFile(contentsOf: input)
        } catch {
            throw .unreadable(error)
        }
        do {
            let dataset = try deidentifier.deidentify(file, to: output)
            return DeidentifiedScan(output: output, sopInstanceUID: dataset[.sopInstanceUID]?.string ?? "",
                                    hasBurnedInAnnotation: dataset[Self.burnedInAnnotation]?.string == "YES")
        } catch {
            throw .unwritable(error)
        }
    }
}

/// A de-identified file: where it was written and its new SOP Instance UID.
public struct DeidentifiedScan: Sendable {
    public let output: URL
    public let sopInstanceUID: String
    /// Whether Burned In Annotation (0028,0301) is YES: the Basic Profile removes attributes, not text
    /// drawn into the pixels (PS3.15 §E.1.1), so such a file still needs its pixels checked.
    public let hasBurnedInAnnotation: Bool
}

/// Why a scan could not be de-identified; each case names the file in one line.
public enum ScanDeidentificationError: Error, Sendable, CustomStringConvertible {
    /// The input is not a DICOM file the reader accepts.
    case unreadable(DICOMError)
    /// The output could not be written.
    case unwritable(DICOMWriteError)
    /// The key file could not be read.
    case unreadableKey(file: String, reason: String)
    /// The key is shorter than ``ScanDeidentification/minimumKeyLength``.
    case keyTooShort(source: String, length: Int)

    public var description: String {
        switch self {
        case .unreadable(let error): "\(error)"
        case .unwritable(let error): "\(error)"
        case .unreadableKey(let file, let reason): "\(file): the key cannot be read: \(reason)"
        case .keyTooShort(let source, let length):
            "\(source): the key has \(length) bytes; at least \(ScanDeidentification.minimumKeyLength) are needed"
        }
    }
}
