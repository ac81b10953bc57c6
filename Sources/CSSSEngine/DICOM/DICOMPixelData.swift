/// The pixels of a DICOM image: its Image Pixel module (group 0028), checked, and the Pixel Data element,
/// decoded frame by frame on demand (`DICOMPixelData+Decoding.swift`).
///
/// ```swift
/// let pixels = try DICOMFile(contentsOf: url).pixelData()
/// let frame = try pixels.frame(pixels.defaultFrameIndex)   // the middle slice of a CT volume
/// if case .int16(let values) = frame.samples { … }          // stored values, before any LUT
/// ```
public struct DICOMPixelData: Sendable {
    /// Rows (0028,0010): the image height.
    public let rows: Int
    /// Columns (0028,0011): the image width.
    public let columns: Int
    /// Number of Frames (0028,0008), 1 when absent.
    public internal(set) var numberOfFrames: Int
    /// Samples per Pixel (0028,0002): 1 for gray and palette images, 3 for colour.
    public let samplesPerPixel: Int
    /// Bits Allocated (0028,0100): 1, 8, 16 or 32, the width of each stored sample.
    public let bitsAllocated: Int
    /// Bits Stored (0028,0101): how many of those bits hold the value.
    public let bitsStored: Int
    /// High Bit (0028,0102).
    public let highBit: Int
    /// Pixel Representation (0028,0103): 0 unsigned, 1 two's complement.
    public let pixelRepresentation: Int
    /// Photometric Interpretation (0028,0004) as stored (before any conversion to RGB).
    public let photometricInterpretation: DICOMPhotometricInterpretation
    /// Planar Configuration (0028,0006): 0 for `R G B R G B…`, 1 for `R R… G G… B B…`; 0 when absent.
    public let planarConfiguration: Int
    /// The transfer syntax the pixel data is encoded in.
    public let transferSyntax: DICOMTransferSyntax
    /// Modality (0008,0060), used to choose the default frame.
    public let modality: String?

    /// Whether stored values are signed.
    public var isSigned: Bool { pixelRepresentation == 1 }
    /// The number of samples in one frame.
    public var samplesPerFrame: Int { rows * columns * samplesPerPixel }

    /// The frame to show when none is chosen: the middle slice of a CT or MR volume, else the first.
    public var defaultFrameIndex: Int {
        numberOfFrames > 1 && (modality == "CT" || modality == "MR") ? numberOfFrames / 2 : 0
    }

    /// Where the frames' bytes are.
    enum Source: Sendable {
        /// Native pixel data: all frames back to back, in the file's byte order; `vr` is OB or OW.
        case native(ArraySlice<UInt8>, vr: DICOMVR, byteOrder: DICOMByteOrder)
        /// Encapsulated pixel data and, for each frame, the range of fragments that hold it.
        case encapsulated([ArraySlice<UInt8>], frames: [Range<Int>])
    }

    let source: Source
    /// The dataset the pixels belong to (palette lookup tables live there).
    let dataset: DICOMDataset
    let file: String
    let limits: DICOMLimits

    /// Reads and checks the Image Pixel module of `file`'s dataset.
    init(file: DICOMFile) throws(DICOMError) {
        let dataset = file.dataset, name = file.name
        func invalid(_ reason: String) -> DICOMError { .invalidImageAttributes(file: name, reason: reason) }
        func required(_ tag: DICOMTag, _ label: String) throws(DICOMError) -> Int {
            guard let element = dataset[tag] else { throw invalid("\(label) \(tag) is missing") }
            guard let value = element.integer else {
                throw .malformedElement(file: name, tag: tag, offset: element.offset,
                                        reason: "\(label) is '\(element.string ?? "")', not an integer")
            }
            return value
        }
        guard let pixelElement = dataset[.pixelData] else { throw .pixelDataMissing(file: name) }
        guard file.transferSyntax.pixelEncoding != .unsupported else {
            throw .unsupportedTransferSyntax(file: name, uid: file.transferSyntax.uid, name: file.transferSyntax.name)
        }

        rows = try required(.rows, "Rows")
        columns = try required(.columns, "Columns")
        bitsAllocated = try required(.bitsAllocated, "Bits Allocated")
        bitsStored = dataset.contains(.bitsStored) ? try required(.bitsStored, "Bits Stored") : bitsAllocated
        highBit = dataset.contains(.highBit) ? try required(.highBit, "High Bit") : bitsStored - 1
        pixelRepresentation = dataset.contains(.pixelRepresentation)
            ? try required(.pixelRepresentation, "Pixel Representation") : 0
        numberOfFrames = dataset.contains(.numberOfFrames) ? try required(.numberOfFrames, "Number of Frames") : 1
        planarConfiguration = dataset.contains(.planarConfiguration)
            ? try required(.planarConfiguration, "Planar Configuration") : 0
        let samples = dataset.contains(.samplesPerPixel) ? try required(.samplesPerPixel, "Samples per Pixel") : 1
        samplesPerPixel = samples
        photometricInterpretation = dataset[.photometricInterpretation]?.string
            .map(DICOMPhotometricInterpretation.init(rawValue:)) ?? (samples == 1 ? .monochrome2 : .rgb)
        transferSyntax = file.transferSyntax
        modality = dataset[.modality]?.string
        self.dataset = dataset
        self.file = name
        self.limits = file.limits

        guard (1...65535).contains(rows), (1...65535).contains(columns) else {
            throw invalid("\(columns)×\(rows) pixels")
        }
        guard [1, 8, 16, 32].contains(bitsAllocated) else { throw invalid("Bits Allocated \(bitsAllocated)") }
        // High Bit is not checked: readers (pydicom included) ignore it, and some writers get it wrong.
        guard (1...bitsAllocated).contains(bitsStored) else {
            throw invalid("Bits Stored \(bitsStored) with Bits Allocated \(bitsAllocated)")
        }
        guard pixelRepresentation == 0 || pixelRepresentation == 1 else {
            throw invalid("Pixel Representation \(pixelRepresentation)")
        }
        guard let expectedSamples = photometricInterpretation.samplesPerPixel else {
            throw invalid("Photometric Interpretation '\(photometricInterpretation)' is not supported")
        }
        guard samples == expectedSamples else {
            throw invalid("\(samples) samples per pixel for \(photometricInterpretation)")
        }
        guard planarConfiguration == 0 || planarConfiguration == 1 else {
            throw invalid("Planar Configuration \(planarConfiguration)")
        }
        guard numberOfFrames >= 1 else { throw invalid("Number of Frames \(numberOfFrames)") }
        guard numberOfFrames <= limits.maximumFrames else {
            throw .limitExceeded(file: name, what: "\(numberOfFrames) frames (at most \(limits.maximumFrames))")
        }
        guard rows * columns * samples <= limits.maximumSamplesPerFrame else {
            throw .limitExceeded(file: name, what: "\(columns)×\(rows)×\(samples) samples in a frame")
        }

        switch pixelElement.value {
        case .bytes(let bytes):
            guard !file.transferSyntax.isEncapsulated else {
                throw .malformedElement(file: name, tag: .pixelData, offset: pixelElement.offset,
                                        reason: "native pixel data in the encapsulated \(file.transferSyntax)")
            }
            source = .native(bytes, vr: pixelElement.vr, byteOrder: pixelElement.byteOrder)
        case .fragments(let fragments):
            guard file.transferSyntax.isEncapsulated else {
                throw .malformedElement(file: name, tag: .pixelData, offset: pixelElement.offset,
                                        reason: "encapsulated pixel data in \(file.transferSyntax)")
            }
            source = .encapsulated(fragments.fragments,
                                   frames: try EncapsulatedFrames.ranges(of: fragments, frameCount: numberOfFrames,
                                                                         file: name, offset: pixelElement.offset))
        case .sequence:
            throw .malformedElement(file: name, tag: .pixelData, offset: pixelElement.offset,
                                    reason: "Pixel Data is a sequence")
        }
    }
}

extension DICOMFile {
    /// The image's pixels, ready to decode frame by frame.
    ///
    /// - Throws: ``DICOMError/pixelDataMissing(file:)``, ``DICOMError/invalidImageAttributes(file:reason:)``
    ///   or ``DICOMError/malformedElement(file:tag:offset:reason:)`` when group 0028 does not describe an
    ///   image the reader can decode (Number of Frames `1A`, Bits Allocated 12…).
    public func pixelData() throws(DICOMError) -> DICOMPixelData {
        try DICOMPixelData(file: self)
    }
}
