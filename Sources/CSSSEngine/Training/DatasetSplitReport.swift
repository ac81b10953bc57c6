import Foundation

/// What ``DatasetSplitter/split(dataset:into:)`` did: where each file went, and what it left out and why.
public struct DatasetSplitReport: Sendable, Equatable {
    /// A file that was copied into a split.
    public struct File: Sendable, Equatable {
        /// Its path below the dataset root (`NORMAL/1.png`); the copy is at `<split>/<path>` in the output.
        public let path: String
        public let className: String
        public let split: DatasetSplitName
        /// The lowercase hex SHA-256 of its bytes.
        public let sha256: String
    }

    /// A file left out because it is not a usable scan.
    public struct Unreadable: Sendable, Equatable {
        public let path: String
        /// Why, in words (``ScanRejection``'s description).
        public let reason: String
    }

    /// A file left out because an earlier file (by sorted path) has the same bytes.
    public struct Duplicate: Sendable, Equatable {
        public let path: String
        /// The kept file it duplicates.
        public let sameAs: String
    }

    public let seed: UInt64
    public let train: Double
    public let validation: Double
    public let test: Double
    public let stratified: Bool
    /// The class names, sorted; a class's index in the label map is its position here.
    public let classes: [String]
    /// The copied files, sorted by path.
    public let files: [File]
    public let unreadable: [Unreadable]
    public let duplicates: [Duplicate]

    /// How many files of `className` went to `split`.
    public func count(of className: String, in split: DatasetSplitName) -> Int {
        files.count { $0.className == className && $0.split == split }
    }

    /// How many files went to `split`, all classes together.
    public func count(in split: DatasetSplitName) -> Int {
        files.count { $0.split == split }
    }

    /// `split_log.txt`: the settings, a per-class table, and every file left out with the reason.
    public var logText: String {
        var lines = [
            "Dataset split",
            "seed \(seed), ratios train \(train) / val \(validation) / test \(test), \(stratified ? "stratified by class" : "not stratified")",
            "",
        ]
        let width = max(5, classes.map(\.count).max() ?? 0)
        func row(_ name: String, _ cells: [String]) -> String {
            name.padding(toLength: width, withPad: " ", startingAt: 0) + cells.map { String(repeating: " ", count: max(0, 7 - $0.count)) + $0 }.joined()
        }
        lines.append(row("class", ["train", "val", "test", "total"]))
        for name in classes {
            let counts = DatasetSplitName.allCases.map { count(of: name, in: $0) }
            lines.append(row(name, (counts + [counts.reduce(0, +)]).map(String.init)))
        }
        let totals = DatasetSplitName.allCases.map { count(in: $0) }
        lines.append(row("all", (totals + [files.count]).map(String.init)))
        lines.append("")
        lines.append("Unreadable files left out: \(unreadable.count)")
        lines += unreadable.map { "  \($0.path): \($0.reason)" }
        lines.append("Duplicate files left out: \(duplicates.count)")
        lines += duplicates.map { "  \($0.path): same bytes as \($0.sameAs)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `dataset_metadata.json`, its keys always in this order: `seed`, `ratios`, `stratified`,
    /// `label_map`, `counts`, `files`, `unreadable`, `duplicates`.
    public var metadataJSON: String {
        let splits = DatasetSplitName.allCases
        let document: JSONValue = .object([
            ("seed", .integer(Int(truncatingIfNeeded: seed))),
            ("ratios", .object([("train", .number(train)), ("val", .number(validation)), ("test", .number(test))])),
            ("stratified", .bool(stratified)),
            ("label_map", .object(classes.enumerated().map { ($1, .integer($0)) })),
            ("counts", .object(splits.map { split in
                (split.rawValue, .object(classes.map { ($0, .integer(count(of: $0, in: split))) }))
            })),
            ("files", .array(files.map {
                .object([("path", .string($0.path)), ("class", .string($0.className)),
                         ("split", .string($0.split.rawValue)), ("sha256", .string($0.sha256))])
            })),
            ("unreadable", .array(unreadable.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
            ("duplicates", .array(duplicates.map { .object([("path", .string($0.path)), ("same_as", .string($0.sameAs))]) })),
        ])
        return document.text + "\n"
    }
}
