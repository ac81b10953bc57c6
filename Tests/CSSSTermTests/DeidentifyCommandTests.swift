import CSSSTestSupport
import Foundation
import Testing

@Suite("csss deidentify", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct DeidentifyCommandTests {
    @Test("two scans are written, a text file gets one error line naming it, exit status 1")
    func mixedInputs() throws {
        let folder = try TemporaryFolder("csss-deid")
        let notes = folder.file("notes.txt")
        try Data("not a scan\n".utf8).write(to: notes)
        let out = folder.file("export")
        let result = try CommandRunner.run(["deidentify", Fixtures.url("dicom/CT_small.dcm").path, notes.path,
                                            Fixtures.url("dicom/MR_small_implicit.dcm").path, "--out", out.path])
        #expect(result.status == 1)
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(written == ["CT_small.deid.dcm", "MR_small_implicit.deid.dcm"])
        #expect(result.standardOutput.split(separator: "\n").count == 2, "\(result.standardOutput)")
        let errors = result.standardError.split(separator: "\n")
        #expect(errors.count == 1 && errors[0].contains(notes.path), "\(result.standardError)")
        let mode = try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    @Test("the same --key-file gives the same UIDs in two runs; without one, --help says UIDs hold for one run")
    func keyFile() throws {
        let folder = try TemporaryFolder("csss-deid")
        let key = folder.file("export.key")
        try Data((0..<32).map { UInt8($0) }).write(to: key)
        let input = Fixtures.url("dicom/CT_small.dcm").path
        var outputs: [Data] = []
        for run in ["a", "b"] {
            let out = folder.file(run)
            let result = try CommandRunner.run(["deidentify", input, "--out", out.path, "--key-file", key.path])
            #expect(result.status == 0, "\(result.standardError)")
            outputs.append(try Data(contentsOf: out.appendingPathComponent("CT_small.deid.dcm")))
        }
        #expect(outputs[0] == outputs[1])
        let help = try CommandRunner.run(["deidentify", "--help"])
        #expect(help.standardOutput.contains("consistent within this run only"))
    }

    @Test("two inputs of the same name get two outputs, not one overwritten")
    func sameName() throws {
        let folder = try TemporaryFolder("csss-deid")
        let input = Fixtures.url("dicom/CT_small.dcm").path
        let out = folder.file("export")
        let result = try CommandRunner.run(["deidentify", input, input, "--out", out.path])
        #expect(result.status == 0, "\(result.standardError)")
        let written = try FileManager.default.contentsOfDirectory(atPath: out.path).sorted()
        #expect(written == ["CT_small-2.deid.dcm", "CT_small.deid.dcm"])
    }
}
