import Foundation
import Testing
@testable import CSSSStore

@Suite("Data directory")
struct DataDirectoryTests {
    @Test("CSSS_HOME wins over XDG_DATA_HOME, which wins over HOME")
    func locationFollowsTheEnvironment() {
        #expect(DataDirectory(environment: ["CSSS_HOME": "/srv/csss", "XDG_DATA_HOME": "/x", "HOME": "/h"]).url.path == "/srv/csss")
        #expect(DataDirectory(environment: ["XDG_DATA_HOME": "/x", "HOME": "/h"]).url.path == "/x/csss")
        #expect(DataDirectory(environment: ["HOME": "/h"]).url.path == "/h/.local/share/csss")
    }

    @Test("prepare creates the folder readable by its owner only, and tightens an open one")
    func prepareRestrictsPermissions() throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("csss-dd-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let directory = DataDirectory(url: parent.appendingPathComponent("nested/home"))
        try directory.prepare()
        #expect(try mode(of: directory.url) == 0o700)

        chmod(directory.url.path, 0o755)
        try directory.prepare()
        #expect(try mode(of: directory.url) == 0o700)
    }

    @Test("a file in the way is reported, not replaced")
    func fileInTheWayIsAnError() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("csss-dd-\(UUID().uuidString)")
        try Data("x".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: DataDirectoryError.notADirectory(file.path)) { try DataDirectory(url: file).prepare() }
        #expect(try Data(contentsOf: file) == Data("x".utf8))
    }

    private func mode(of url: URL) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        return (attributes[.posixPermissions] as? Int ?? -1) & 0o777
    }
}
