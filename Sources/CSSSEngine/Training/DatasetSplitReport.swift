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
        let document: MetadataJSON = .object([
            ("seed", .unsigned(seed)),
            ("ratios", .object([("train", .number(train)), ("val", .number(validation)), ("test", .number(test))])),
            ("stratified", .bool(stratified)),
            ("label_map", .object(classes.enumerated().map { ($1, .unsigned(UInt64($0))) })),
            ("counts", .object(splits.map { split in
                (split.rawValue, .object(classes.map { ($0, .unsigned(UInt64(count(of: $0, in: split)))) }))
            })),
            ("files", .array(files.map {
                .object([("path", .string($0.path)), ("class", .string($0.className)),
                         ("split", .string($0.split.rawValue)), ("sha256", .string($0.sha256))])
            })),
            ("unreadable", .array(unreadable.map { .object([("path", .string($0.path)), ("reason", .string($0.reason))]) })),
            ("duplicates", .array(duplicates.map { .object([("path", .string($0.path)), ("same_as", .string($0.sameAs))]) })),
        ])
        return document.text(indent: "") + "\n"
    }
}

/// The engine's own ordered JSON writer: the metadata's keys must keep their order (Foundation's
/// `JSONEncoder` on Linux does not), and the clinic's `JSONValue` is out of the engine's reach.
enum MetadataJSON {
    case string(String)
    case number(Double)
    case unsigned(UInt64)
    case bool(Bool)
    indirect case array([MetadataJSON])
    indirect case object([(String, MetadataJSON)])

    /// Indented with two spaces a level; scalar-only arrays and small objects stay on one line.
    func text(indent: String) -> String {
        switch self {
        case .string(let string): return Self.quoted(string)
        case .number(let number):
            guard number.isFinite else { return "null" }
            return number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .unsigned(let value): return String(value)
        case .bool(let value): return value ? "true" : "false"
        case .array(let elements):
            guard !elements.isEmpty else { return "[]" }
            let inner = indent + "  "
            return "[\n" + elements.map { inner + $0.text(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let members):
            guard !members.isEmpty else { return "{}" }
            if members.allSatisfy({ $0.1.isScalar }) {
                return "{" + members.map { Self.quoted($0.0) + ": " + $0.1.text(indent: "") }.joined(separator: ", ") + "}"
            }
            let inner = indent + "  "
            return "{\n" + members.map { inner + Self.quoted($0.0) + ": " + $0.1.text(indent: inner) }.joined(separator: ",\n")
                + "\n" + indent + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private static func quoted(_ string: String) -> String {
        var output = "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output + "\""
    }
}
