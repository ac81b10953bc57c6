/// A transfer syntax: how the dataset and its pixel data are encoded, from (0002,0010).
public struct DICOMTransferSyntax: Sendable, Hashable, CustomStringConvertible {
    /// How the reader decodes pixel data in this syntax.
    enum PixelEncoding: Sendable, Hashable {
        /// Uncompressed, in the dataset's byte order.
        case native
        /// Encapsulated frames of uncompressed little-endian samples (1.2.840.10008.1.2.1.98).
        case encapsulatedNative
        case rle
        case jpeg
        case jpegLS
        case jpeg2000
        /// Known to the reader, not decoded (MPEG, HEVC, JPEG XL, JPIP…).
        case unsupported
    }

    /// The UID, `1.2.840.10008.1.2.1` for Explicit VR Little Endian.
    public let uid: String
    /// The standard's name, or `nil` for a UID the reader does not know.
    public let name: String?
    /// Whether elements carry their VR.
    public let isExplicitVR: Bool
    /// The byte order of the dataset and of native pixel data.
    public let byteOrder: DICOMByteOrder
    /// Whether everything after the file meta information is a raw deflate stream.
    public let isDeflated: Bool
    let pixelEncoding: PixelEncoding

    /// Whether pixel data is encapsulated in fragments (compressed) rather than native.
    public var isEncapsulated: Bool { pixelEncoding != .native }

    /// The name and UID, for messages.
    public var description: String { "\(name ?? "unknown transfer syntax") (\(uid))" }

    private init(_ uid: String, _ name: String, _ pixelEncoding: PixelEncoding,
                 explicitVR: Bool = true, byteOrder: DICOMByteOrder = .littleEndian, deflated: Bool = false) {
        self.uid = uid
        self.name = name
        self.isExplicitVR = explicitVR
        self.byteOrder = byteOrder
        self.isDeflated = deflated
        self.pixelEncoding = pixelEncoding
    }

    /// The syntax with `uid` (padding removed). An unknown UID is read as Explicit VR Little Endian, as
    /// every compressed syntax is; its pixel data is not decoded.
    public init(uid: String) {
        let trimmed = String(uid.prefix { $0 != "\0" && $0 != " " })
        self = Self.known[trimmed] ?? DICOMTransferSyntax(unknown: trimmed)
    }

    private init(unknown uid: String) {
        self.uid = uid
        self.name = nil
        self.isExplicitVR = true
        self.byteOrder = .littleEndian
        self.isDeflated = false
        self.pixelEncoding = .unsupported
    }

    public static let implicitVRLittleEndian = DICOMTransferSyntax(
        "1.2.840.10008.1.2", "Implicit VR Little Endian", .native, explicitVR: false)
    public static let explicitVRLittleEndian = DICOMTransferSyntax(
        "1.2.840.10008.1.2.1", "Explicit VR Little Endian", .native)
    public static let deflatedExplicitVRLittleEndian = DICOMTransferSyntax(
        "1.2.840.10008.1.2.1.99", "Deflated Explicit VR Little Endian", .native, deflated: true)
    public static let explicitVRBigEndian = DICOMTransferSyntax(
        "1.2.840.10008.1.2.2", "Explicit VR Big Endian", .native, byteOrder: .bigEndian)

    private static let all: [DICOMTransferSyntax] = [
        implicitVRLittleEndian, explicitVRLittleEndian, deflatedExplicitVRLittleEndian, explicitVRBigEndian,
        .init("1.2.840.10008.1.2.1.98", "Encapsulated Uncompressed Explicit VR Little Endian", .encapsulatedNative),
        .init("1.2.840.10008.1.2.5", "RLE Lossless", .rle),
        .init("1.2.840.10008.1.2.4.50", "JPEG Baseline (Process 1)", .jpeg),
        .init("1.2.840.10008.1.2.4.51", "JPEG Extended (Process 2 and 4)", .jpeg),
        .init("1.2.840.10008.1.2.4.57", "JPEG Lossless, Non-Hierarchical (Process 14)", .jpeg),
        .init("1.2.840.10008.1.2.4.70",
              "JPEG Lossless, Non-Hierarchical, First-Order Prediction (Process 14 [Selection Value 1])", .jpeg),
        .init("1.2.840.10008.1.2.4.80", "JPEG-LS Lossless Image Compression", .jpegLS),
        .init("1.2.840.10008.1.2.4.81", "JPEG-LS Lossy (Near-Lossless) Image Compression", .jpegLS),
        .init("1.2.840.10008.1.2.4.90", "JPEG 2000 Image Compression (Lossless Only)", .jpeg2000),
        .init("1.2.840.10008.1.2.4.91", "JPEG 2000 Image Compression", .jpeg2000),
        .init("1.2.840.10008.1.2.4.201", "High-Throughput JPEG 2000 Image Compression (Lossless Only)", .jpeg2000),
        .init("1.2.840.10008.1.2.4.202",
              "High-Throughput JPEG 2000 with RPCL Options Image Compression (Lossless Only)", .jpeg2000),
        .init("1.2.840.10008.1.2.4.203", "High-Throughput JPEG 2000 Image Compression", .jpeg2000),
        .init("1.2.840.10008.1.2.4.92", "JPEG 2000 Part 2 Multi-component Image Compression (Lossless Only)",
              .unsupported),
        .init("1.2.840.10008.1.2.4.93", "JPEG 2000 Part 2 Multi-component Image Compression", .unsupported),
        .init("1.2.840.10008.1.2.4.94", "JPIP Referenced", .unsupported),
        .init("1.2.840.10008.1.2.4.95", "JPIP Referenced Deflate", .unsupported, deflated: true),
        .init("1.2.840.10008.1.2.4.100", "MPEG2 Main Profile / Main Level", .unsupported),
        .init("1.2.840.10008.1.2.4.101", "MPEG2 Main Profile / High Level", .unsupported),
        .init("1.2.840.10008.1.2.4.102", "MPEG-4 AVC/H.264 High Profile / Level 4.1", .unsupported),
        .init("1.2.840.10008.1.2.4.103", "MPEG-4 AVC/H.264 BD-compatible High Profile / Level 4.1", .unsupported),
        .init("1.2.840.10008.1.2.4.104", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 2D Video", .unsupported),
        .init("1.2.840.10008.1.2.4.105", "MPEG-4 AVC/H.264 High Profile / Level 4.2 For 3D Video", .unsupported),
        .init("1.2.840.10008.1.2.4.106", "MPEG-4 AVC/H.264 Stereo High Profile / Level 4.2", .unsupported),
        .init("1.2.840.10008.1.2.4.107", "HEVC/H.265 Main Profile / Level 5.1", .unsupported),
        .init("1.2.840.10008.1.2.4.108", "HEVC/H.265 Main 10 Profile / Level 5.1", .unsupported),
        .init("1.2.840.10008.1.2.4.110", "JPEG XL Lossless", .unsupported),
        .init("1.2.840.10008.1.2.4.111", "JPEG XL JPEG Recompression", .unsupported),
        .init("1.2.840.10008.1.2.4.112", "JPEG XL", .unsupported),
        .init("1.2.840.10008.1.2.8.1", "Deflated Image Frame Compression", .unsupported),
    ]

    private static let known = Dictionary(all.map { ($0.uid, $0) }, uniquingKeysWith: { first, _ in first })
}
