/// Which fragments of encapsulated pixel data make up each frame (PS3.5 §A.4).
enum EncapsulatedFrames {
    /// The fragment ranges of `frameCount` frames: from the Basic Offset Table when it is filled in and
    /// agrees with the fragments; else one fragment per frame when the counts match, all fragments for a
    /// single frame, or, for JPEG-family codestreams split over several fragments, a new frame after each
    /// fragment that ends with an end-of-image marker (`FF D9`, also JPEG 2000's end of codestream).
    static func ranges(of fragments: DICOMFragments, frameCount: Int, file: String,
                       offset: Int) throws(DICOMError) -> [Range<Int>] {
        let count = fragments.fragments.count
        func failure(_ reason: String) -> DICOMError {
            .malformedElement(file: file, tag: .pixelData, offset: offset, reason: reason)
        }
        guard count > 0 else { throw failure("encapsulated pixel data without any fragment") }

        if let ranges = fromOffsetTable(fragments), ranges.count == frameCount { return ranges }
        if count == frameCount { return (0..<count).map { $0..<$0 + 1 } }
        if frameCount == 1 { return [0..<count] }
        guard count > frameCount else {
            throw failure("\(count) fragments for \(frameCount) frames")
        }
        var ranges: [Range<Int>] = []
        var first = 0
        for (index, fragment) in fragments.fragments.enumerated() where endsWithEndOfImage(fragment) {
            ranges.append(first..<index + 1)
            first = index + 1
        }
        if first < count { ranges.append(first..<count) }
        guard ranges.count == frameCount else {
            throw failure("\(count) fragments without an offset table cannot be split into \(frameCount) frames")
        }
        return ranges
    }

    /// The ranges the Basic Offset Table gives, or `nil` when it is empty or points between fragments.
    private static func fromOffsetTable(_ fragments: DICOMFragments) -> [Range<Int>]? {
        let table = fragments.basicOffsetTable
        guard !table.isEmpty else { return nil }
        let indices = Dictionary(fragments.fragmentOffsets.enumerated().map { ($1, $0) },
                                 uniquingKeysWith: { first, _ in first })
        var starts: [Int] = []
        for offset in table {
            guard let index = indices[Int(offset)],
                  index > (starts.last ?? -1) else { return nil }
            starts.append(index)
        }
        guard starts.first == 0 else { return nil }
        return starts.indices.map { starts[$0]..<(($0 + 1 < starts.count) ? starts[$0 + 1] : fragments.fragments.count) }
    }

    /// Whether the fragment ends with `FF D9`, allowing the even-length padding byte after it.
    private static func endsWithEndOfImage(_ fragment: ArraySlice<UInt8>) -> Bool {
        var end = fragment.endIndex
        while end > fragment.startIndex, fragment[end - 1] == 0 { end -= 1 }
        return end - fragment.startIndex >= 2 && fragment[end - 2] == 0xFF && fragment[end - 1] == 0xD9
    }
}
