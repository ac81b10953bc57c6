import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

@Suite("Clinic: import sources")
struct ImportSourceTests {
    static func write(_ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("x".utf8).write(to: url)
    }

    @Test("a folder yields its regular files recursively, sorted, without hidden ones")
    func folderIsExpanded() throws {
        let folder = try TemporaryFolder("csss-import")
        for name in ["scans/b.png", "scans/a.png", "scans/sub/c.dcm", "scans/.DS_Store", "scans/.hidden/d.png", "single.jpg"] {
            try Self.write(folder.file(name))
        }
        let source = ImportSource(arguments: ["scans", "single.jpg"], currentDirectory: folder.url)
        #expect(source.refusals.isEmpty)
        #expect(source.files.map { $0.path.replacingOccurrences(of: folder.url.path + "/", with: "") }
            == ["scans/a.png", "scans/b.png", "scans/sub/c.dcm", "single.jpg"])
    }

    @Test("a path with '..' and a missing file are refused by name, the rest still listed")
    func parentReferenceIsRefused() throws {
        let folder = try TemporaryFolder("csss-import")
        try Self.write(folder.file("inside/a.png"))
        let source = ImportSource(arguments: ["inside/../inside/a.png", "../etc/passwd", "inside/a.png", "nope.png"],
                                  currentDirectory: folder.url)
        #expect(source.refusals.map(\.reason) == [.parentReference, .parentReference, .notFound])
        #expect(source.refusals.first?.description.contains("inside/../inside/a.png") == true)
        #expect(source.files.count == 1)
    }

    @Test("a link inside the folder to a file outside it is refused; one to a file inside is followed")
    func linksInsideFolders() throws {
        let folder = try TemporaryFolder("csss-import")
        try Self.write(folder.file("outside/secret.png"))
        try Self.write(folder.file("scans/real.png"))
        let fileManager = FileManager.default
        try fileManager.createSymbolicLink(at: folder.file("scans/escape.png"), withDestinationURL: folder.file("outside/secret.png"))
        try fileManager.createSymbolicLink(atPath: folder.file("scans/inner.png").path, withDestinationPath: "real.png")
        let source = ImportSource(arguments: ["scans"], currentDirectory: folder.url)
        #expect(source.files.map(\.lastPathComponent) == ["inner.png", "real.png"])
        #expect(source.refusals.count == 1)
        let refusal = try #require(source.refusals.first)
        #expect(refusal.path.hasSuffix("scans/escape.png"))
        guard case .linkOutsideFolder = refusal.reason else { Issue.record("wrong reason \(refusal.reason)"); return }
    }

    @Test("a link given as an argument is followed to a regular file, not to a folder")
    func linksOnTheCommandLine() throws {
        let folder = try TemporaryFolder("csss-import")
        try Self.write(folder.file("elsewhere/scan.png"))
        let fileManager = FileManager.default
        try fileManager.createSymbolicLink(at: folder.file("to-file.png"), withDestinationURL: folder.file("elsewhere/scan.png"))
        try fileManager.createSymbolicLink(at: folder.file("to-folder"), withDestinationURL: folder.file("elsewhere"))
        try fileManager.createSymbolicLink(at: folder.file("dangling.png"), withDestinationURL: folder.file("gone.png"))
        let source = ImportSource(arguments: ["to-file.png", "to-folder", "dangling.png"], currentDirectory: folder.url)
        #expect(source.files.map(\.lastPathComponent) == ["to-file.png"])
        #expect(source.refusals.map(\.path) == ["to-folder", "dangling.png"])
        #expect(source.refusals.last?.reason == .brokenLink)
    }
}
