import Foundation

/// The files an import's `FILE...` arguments name: a file is itself; a folder is its regular files,
/// recursively, sorted by path, hidden ones skipped.
///
/// Paths that could reach outside what the user named are refused, one refusal per path, never a
/// crash: any path with a `..` component, and a symbolic link inside a folder whose target lies
/// outside that folder. A link given directly as an argument is followed when it resolves to a
/// regular file.
///
/// ```swift
/// for item in ImportSource(arguments: ["scans/", "extra.dcm"]).items {
///     switch item {
///     case .file(let url): print("import \(url.path)")
///     case .refused(let refusal): print(refusal)
///     }
/// }
/// ```
public struct ImportSource: Sendable {
    /// One path to import, or why it is refused.
    public enum Item: Sendable, Equatable {
        case file(URL)
        case refused(ImportRefusal)
    }

    /// Every file and refusal, in argument order (each folder's entries sorted by path).
    public let items: [Item]

    /// The files to import.
    public var files: [URL] {
        items.compactMap { if case .file(let url) = $0 { url } else { nil } }
    }

    /// The refused paths.
    public var refusals: [ImportRefusal] {
        items.compactMap { if case .refused(let refusal) = $0 { refusal } else { nil } }
    }

    /// Expands `arguments`, relative paths being taken from `currentDirectory`.
    public init(arguments: [String],
                currentDirectory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)) {
        items = arguments.flatMap { Self.expand($0, currentDirectory: currentDirectory) }
    }

    private static func expand(_ argument: String, currentDirectory: URL) -> [Item] {
        guard !argument.split(separator: "/").contains("..") else {
            return [.refused(ImportRefusal(path: argument, reason: .parentReference))]
        }
        let url = argument.hasPrefix("/") ? URL(fileURLWithPath: argument)
            : currentDirectory.appendingPathComponent(argument)
        switch kind(of: url.path) {
        case .missing: return [.refused(ImportRefusal(path: argument, reason: .notFound))]
        case .regular: return [.file(url)]
        case .other: return [.refused(ImportRefusal(path: argument, reason: .notARegularFile))]
        case .directory:
            guard let root = realPath(url.path) else { return [.refused(ImportRefusal(path: argument, reason: .notFound))] }
            return walk(url, root: root).sorted { path(of: $0) < path(of: $1) }
        case .symlink:
            guard let target = realPath(url.path) else {
                return [.refused(ImportRefusal(path: argument, reason: .brokenLink))]
            }
            guard kind(of: target) == .regular else {
                return [.refused(ImportRefusal(path: argument, reason: .linkNotToRegularFile(target: target)))]
            }
            return [.file(url)]
        }
    }

    /// The folder's entries below `folder`; `root` is the resolved folder the user named, which
    /// links must not lead out of.
    private static func walk(_ folder: URL, root: String) -> [Item] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        } catch {
            return [.refused(ImportRefusal(path: folder.path, reason: .unreadableFolder(error.localizedDescription)))]
        }
        var items: [Item] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let url = folder.appendingPathComponent(name)
            switch kind(of: url.path) {
            case .regular: items.append(.file(url))
            case .directory: items += walk(url, root: root)
            case .missing: continue  // removed while being listed
            case .other: items.append(.refused(ImportRefusal(path: url.path, reason: .notARegularFile)))
            case .symlink:
                guard let target = realPath(url.path) else {
                    items.append(.refused(ImportRefusal(path: url.path, reason: .brokenLink)))
                    continue
                }
                guard target.hasPrefix(root.hasSuffix("/") ? root : root + "/") else {
                    items.append(.refused(ImportRefusal(path: url.path, reason: .linkOutsideFolder(target: target, folder: root))))
                    continue
                }
                // A link to a folder is not followed: it could loop, and its files are listed anyway.
                guard kind(of: target) == .regular else {
                    items.append(.refused(ImportRefusal(path: url.path, reason: .linkNotToRegularFile(target: target))))
                    continue
                }
                items.append(.file(url))
            }
        }
        return items
    }

    private static func path(of item: Item) -> String {
        switch item {
        case .file(let url): url.path
        case .refused(let refusal): refusal.path
        }
    }

    private enum Kind { case missing, regular, directory, symlink, other }

    /// The type of the entry itself, not following a link.
    private static func kind(of path: String) -> Kind {
        var status = stat()
        guard lstat(path, &status) == 0 else { return .missing }
        switch status.st_mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFLNK: return .symlink
        default: return .other
        }
    }

    private static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}

/// A path an import will not read, and why.
public struct ImportRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why a path is refused.
    public enum Reason: Sendable, Equatable {
        /// The path has a `..` component.
        case parentReference
        /// A link inside the folder points outside it.
        case linkOutsideFolder(target: String, folder: String)
        /// A link resolves to something other than a regular file (a folder, a device…).
        case linkNotToRegularFile(target: String)
        /// A link whose target does not exist.
        case brokenLink
        /// Nothing exists at the path.
        case notFound
        /// A device, socket or pipe.
        case notARegularFile
        /// A folder that cannot be listed.
        case unreadableFolder(String)
    }

    /// The reason's kind without its paths, for the audit trail (paths can carry patient names).
    var kind: String {
        switch reason {
        case .parentReference: "path with '..'"
        case .linkOutsideFolder: "link out of the folder"
        case .linkNotToRegularFile: "link to a non-file"
        case .brokenLink: "broken link"
        case .notFound: "not found"
        case .notARegularFile: "not a regular file"
        case .unreadableFolder: "unreadable folder"
        }
    }

    /// The path as given or as found in a folder.
    public let path: String
    public let reason: Reason

    public var description: String {
        switch reason {
        case .parentReference: "\(path): refused, the path contains '..'"
        case .linkOutsideFolder(let target, let folder): "\(path): refused, a link to \(target), outside \(folder)"
        case .linkNotToRegularFile(let target): "\(path): refused, a link to \(target), which is not a regular file"
        case .brokenLink: "\(path): refused, a link to nothing"
        case .notFound: "\(path): no such file or folder"
        case .notARegularFile: "\(path): not a regular file"
        case .unreadableFolder(let reason): "\(path): cannot list the folder: \(reason)"
        }
    }
}
