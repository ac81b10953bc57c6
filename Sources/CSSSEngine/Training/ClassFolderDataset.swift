import Foundation

/// A dataset laid out as one folder per class: every subfolder of the root is a class named after it, and
/// every file under it, at any depth, is one of its examples.
///
/// Hidden files and folders (names starting with ".") are skipped: they are the file system's or an
/// editor's, not scans. Files directly in the root belong to no class and are listed in ``strays``.
///
/// ```swift
/// let dataset = try ClassFolderDataset(root: URL(fileURLWithPath: "chest_xray/test"))
/// print(dataset.classes)   // ["NORMAL", "PNEUMONIA"]
/// ```
public struct ClassFolderDataset: Sendable {
    /// One file of the dataset.
    public struct Example: Sendable, Equatable {
        /// The path below the root, `/`-separated, starting with the class folder (`NORMAL/a/1.png`).
        public let relativePath: String
        /// The class: the name of the top-level folder it is in.
        public let className: String
        /// Where the file is.
        public let url: URL
    }

    /// The root folder.
    public let root: URL
    /// The class names, sorted (by Unicode scalars, so the order does not depend on the locale).
    public let classes: [String]
    /// Every file in a class folder, sorted by ``Example/relativePath``.
    public let examples: [Example]
    /// Paths (relative to the root) of files that are in no class folder.
    public let strays: [String]

    /// Lists the dataset at `root`.
    ///
    /// - Throws: ``DatasetSplitError/datasetUnreadable(path:reason:)`` when the root is not a readable
    ///   folder or a class folder cannot be listed.
    public init(root: URL) throws(DatasetSplitError) {
        let manager = FileManager.default
        var isFolder: ObjCBool = false
        guard manager.fileExists(atPath: root.path, isDirectory: &isFolder), isFolder.boolValue else {
            throw .datasetUnreadable(path: root.path, reason: "not a folder")
        }
        self.root = root
        let top: [String]
        do { top = try manager.contentsOfDirectory(atPath: root.path) } catch {
            throw .datasetUnreadable(path: root.path, reason: error.localizedDescription)
        }
        var classes: [String] = [], strays: [String] = [], examples: [Example] = []
        for name in top.sorted(by: Self.codeOrder) where !name.hasPrefix(".") {
            let url = root.appendingPathComponent(name)
            var entryIsFolder: ObjCBool = false
            _ = manager.fileExists(atPath: url.path, isDirectory: &entryIsFolder)
            guard entryIsFolder.boolValue else { strays.append(name); continue }
            classes.append(name)
            examples += try Self.files(under: url, prefix: name, className: name)
        }
        self.classes = classes
        self.strays = strays
        self.examples = examples.sorted { Self.codeOrder($0.relativePath, $1.relativePath) }
    }

    private static func files(under folder: URL, prefix: String, className: String) throws(DatasetSplitError) -> [Example] {
        let manager = FileManager.default
        let names: [String]
        do { names = try manager.contentsOfDirectory(atPath: folder.path) } catch {
            throw .datasetUnreadable(path: folder.path, reason: error.localizedDescription)
        }
        var result: [Example] = []
        for name in names.sorted(by: codeOrder) where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            var isFolder: ObjCBool = false
            _ = manager.fileExists(atPath: url.path, isDirectory: &isFolder)
            if isFolder.boolValue {
                result += try files(under: url, prefix: prefix + "/" + name, className: className)
            } else {
                result.append(Example(relativePath: prefix + "/" + name, className: className, url: url))
            }
        }
        return result
    }

    /// Ordering by Unicode scalar values: the same on every machine, whatever its locale.
    static func codeOrder(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
