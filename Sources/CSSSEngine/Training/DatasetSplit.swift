import Crypto
import Foundation

/// Why a dataset could not be split; each case names the file, folder or option at fault.
public enum DatasetSplitError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A ratio is negative or not a number.
    case invalidRatio(name: String, value: Double)
    /// The three ratios do not add up to 1 (within 1e-6).
    case ratiosDoNotSumToOne(train: Double, validation: Double, test: Double)
    /// The dataset folder, or one of its class folders, cannot be listed.
    case datasetUnreadable(path: String, reason: String)
    /// The dataset has no class folder.
    case noClasses(path: String)
    /// The output folder already holds files; a split never mixes with or overwrites another.
    case outputNotEmpty(path: String)
    /// The output folder is inside the dataset, where it would be read as a class.
    case outputInsideDataset(output: String, dataset: String)
    /// A file or folder of the output could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidRatio(let name, let value): "the \(name) ratio \(value) must be a number from 0 to 1"
        case .ratiosDoNotSumToOne(let train, let validation, let test):
            "the ratios must add up to 1: train \(train) + val \(validation) + test \(test) = \(train + validation + test)"
        case .datasetUnreadable(let path, let reason): "\(path): the dataset cannot be read: \(reason)"
        case .noClasses(let path): "\(path): no class folders (put each class's images in a subfolder named after it)"
        case .outputNotEmpty(let path): "\(path): the output folder is not empty; give a new or empty folder"
        case .outputInsideDataset(let output, let dataset): "\(output): the output folder is inside the dataset \(dataset)"
        case .cannotWrite(let path, let reason): "\(path): cannot be written: \(reason)"
        }
    }
}

/// The three parts of a split, named as their folders are.
public enum DatasetSplitName: String, Sendable, CaseIterable, Codable {
    case train = "train"
    case validation = "val"
    case test = "test"
}

/// Splits a class-folder dataset (see ``ClassFolderDataset``) into train, validation and test folders,
/// reproducibly, without letting the same image reach two of them.
///
/// Every file is checked with ``ScanValidator``: one that is not a usable PNG, JPEG or DICOM scan is left
/// out and listed with the reason. Files with identical bytes (SHA-256) are kept once — the first by
/// sorted path — and the others listed as duplicates, so no image is both trained and tested on.
///
/// **How many go where.** With `stratify` (the default) each class is split on its own, so every split
/// keeps the dataset's class balance; without it all files are split as one pool. A pool of `n` files is
/// shuffled with ``SplitMix64`` seeded from `seed` (and, per class, the class name), then divided by
/// largest remainders: each split gets `floor(n × ratio)`, and the files left over go to the splits with
/// the largest fractional parts (ties: train, then val, then test). When stratified, a class with at least
/// 3 files then gets at least one file in every split whose ratio is above 0, each taken from the split
/// that has the most. A class with 1 or 2 files keeps the largest-remainder result.
///
/// ```swift
/// let report = try DatasetSplitter(seed: 7).split(dataset: URL(fileURLWithPath: "scans"),
///                                                 into: URL(fileURLWithPath: "scans_split"))
/// print(report.count(of: "NORMAL", in: .test))
/// ```
public struct DatasetSplitter: Sendable {
    public let train: Double
    public let validation: Double
    public let test: Double
    public let stratify: Bool
    public let seed: UInt64
    /// What counts as a usable scan.
    public var validator = ScanValidator()

    public init(train: Double = 0.70, validation: Double = 0.15, test: Double = 0.15, stratify: Bool = true, seed: UInt64 = 42) {
        self.train = train
        self.validation = validation
        self.test = test
        self.stratify = stratify
        self.seed = seed
    }

    /// Splits the dataset at `dataset` into `output` (created if missing, refused if not empty): copies in
    /// `train/`, `val/` and `test/` (each `<class>/<path below the class folder>`), `split_log.txt` and
    /// `dataset_metadata.json`.
    ///
    /// - Throws: ``DatasetSplitError``.
    @discardableResult
    public func split(dataset: URL, into output: URL) throws(DatasetSplitError) -> DatasetSplitReport {
        let ratios = try checkedRatios()
        let root = dataset.standardizedFileURL, destination = output.standardizedFileURL
        if (destination.path + "/").hasPrefix(root.path + "/") {
            throw .outputInsideDataset(output: destination.path, dataset: root.path)
        }
        try Self.requireEmpty(destination)
        let listing = try ClassFolderDataset(root: root)
        guard !listing.classes.isEmpty else { throw .noClasses(path: root.path) }

        var unreadable = listing.strays.map { DatasetSplitReport.Unreadable(path: $0, reason: "not inside a class folder") }
        var duplicates: [DatasetSplitReport.Duplicate] = []
        var firstWithDigest: [String: String] = [:]
        var kept: [(example: ClassFolderDataset.Example, sha256: String, bytes: Data)] = []
        for example in listing.examples {
            let bytes: Data
            do { bytes = try Data(contentsOf: example.url) } catch {
                unreadable.append(.init(path: example.relativePath, reason: "cannot be read: \(error.localizedDescription)"))
                continue
            }
            if case .unusable(let why) = validator.validate(bytes, name: example.url.path) {
                unreadable.append(.init(path: example.relativePath, reason: why.description))
                continue
            }
            let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            if let original = firstWithDigest[digest] {
                duplicates.append(.init(path: example.relativePath, sameAs: original))
                continue
            }
            firstWithDigest[digest] = example.relativePath
            kept.append((example, digest, bytes))
        }

        let pools: [(name: String, indices: [Int])] = stratify
            ? listing.classes.map { name in (name, kept.indices.filter { kept[$0].example.className == name }) }
            : [("", Array(kept.indices))]
        var assignment = [DatasetSplitName](repeating: .train, count: kept.count)
        for pool in pools {
            var generator = SplitMix64(seed: seed ^ Self.fnv1a(pool.name))
            let order = generator.shuffled(pool.indices)
            let counts = SplitAllocation.counts(for: order.count, ratios: ratios, guaranteeEachSplit: stratify)
            var position = 0
            for (split, count) in zip(DatasetSplitName.allCases, counts) {
                for index in order[position..<position + count] { assignment[index] = split }
                position += count
            }
        }

        let files = kept.indices.map { index in
            DatasetSplitReport.File(path: kept[index].example.relativePath, className: kept[index].example.className,
                                    split: assignment[index], sha256: kept[index].sha256)
        }
        let report = DatasetSplitReport(seed: seed, train: train, validation: validation, test: test, stratified: stratify,
                                        classes: listing.classes, files: files, unreadable: unreadable, duplicates: duplicates)
        for (index, file) in files.enumerated() {
            try Self.write(kept[index].bytes, to: destination.appendingPathComponent(file.split.rawValue + "/" + file.path))
        }
        for split in DatasetSplitName.allCases {
            for name in listing.classes {
                try Self.makeFolder(destination.appendingPathComponent(split.rawValue + "/" + name))
            }
        }
        try Self.write(Data(report.logText.utf8), to: destination.appendingPathComponent("split_log.txt"))
        try Self.write(Data(report.metadataJSON.utf8), to: destination.appendingPathComponent("dataset_metadata.json"))
        return report
    }

    private func checkedRatios() throws(DatasetSplitError) -> [Double] {
        for (name, value) in [("train", train), ("val", validation), ("test", test)] where !(0...1).contains(value) {
            throw .invalidRatio(name: name, value: value)
        }
        guard abs(train + validation + test - 1) <= 1e-6 else {
            throw .ratiosDoNotSumToOne(train: train, validation: validation, test: test)
        }
        return [train, validation, test]
    }

    private static func requireEmpty(_ folder: URL) throws(DatasetSplitError) {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isFolder) else { return }
        guard isFolder.boolValue else { throw .cannotWrite(path: folder.path, reason: "a file is in the way") }
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        guard entries.isEmpty else { throw .outputNotEmpty(path: folder.path) }
    }

    private static func makeFolder(_ folder: URL) throws(DatasetSplitError) {
        do { try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true) } catch {
            throw .cannotWrite(path: folder.path, reason: error.localizedDescription)
        }
    }

    /// Writes the bytes that were hashed, not a second read of the source, so a copy is always the file
    /// its SHA-256 in the metadata describes.
    private static func write(_ data: Data, to url: URL) throws(DatasetSplitError) {
        try makeFolder(url.deletingLastPathComponent())
        do { try data.write(to: url, options: .atomic) } catch {
            throw .cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// FNV-1a of the class name, so each class has its own shuffle and adding a class leaves the others'
    /// splits as they were.
    static func fnv1a(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash
    }
}

/// How many of `n` files each split receives; see ``DatasetSplitter`` for the rule.
enum SplitAllocation {
    static func counts(for n: Int, ratios: [Double], guaranteeEachSplit: Bool) -> [Int] {
        let exact = ratios.map { Double(n) * $0 }
        var counts = exact.map { Int($0.rounded(.down)) }
        let byRemainder = ratios.indices.sorted { a, b in
            let ra = exact[a] - Double(counts[a]), rb = exact[b] - Double(counts[b])
            return ra != rb ? ra > rb : a < b
        }
        var left = n - counts.reduce(0, +)
        for index in byRemainder where left > 0 {
            counts[index] += 1
            left -= 1
        }
        if guaranteeEachSplit, n >= 3 {
            for index in ratios.indices where ratios[index] > 0 && counts[index] == 0 {
                let donor = counts.indices.max { counts[$0] < counts[$1] }!
                counts[donor] -= 1
                counts[index] += 1
            }
        }
        return counts
    }
}
