import CSSSTestSupport
import Foundation
import Testing

@Suite("csss split")
struct SplitCommandTests {
    /// Two classes of distinct synthetic PNGs (9 and 5), one byte-identical copy and one garbage file.
    private func makeDataset(in folder: TemporaryFolder) throws -> URL {
        let root = folder.file("dataset")
        func write(_ data: Data, _ path: String) throws {
            let url = root.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
        for i in 0..<14 {
            let png = PNGFile.data(SyntheticImages.rgb(width: 36, height: 36) { x, y in [UInt8(i * 17), UInt8(x * 7), UInt8(y * 7)] })
            try write(png, i < 9 ? "NORMAL/n\(i).png" : "PNEUMONIA/p\(i).png")
            if i == 3 { try write(png, "PNEUMONIA/copy_of_n3.png") }
        }
        try write(Data(repeating: 0x42, count: 300), "NORMAL/garbage.png")
        return root
    }

    private func metadata(_ output: URL) throws -> [String: Any] {
        let data = try Data(contentsOf: output.appendingPathComponent("dataset_metadata.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// `path → split` of every copied file.
    private func assignment(_ metadata: [String: Any]) -> [String: String] {
        let files = metadata["files"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: files.map { ($0["path"] as! String, $0["split"] as! String) })
    }

    @Test("splits reproducibly for a seed, differently for another, never putting one image in two splits")
    func split() throws {
        let folder = try TemporaryFolder("split-cli")
        let dataset = try makeDataset(in: folder)
        func run(_ name: String, seed: Int) throws -> (CommandRunner.Result, URL) {
            let output = folder.file(name)
            let result = try CommandRunner.run(["split", "--dataset", dataset.path, "--output", output.path, "--seed", String(seed)])
            return (result, output)
        }
        let (first, output) = try run("a", seed: 42)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("NORMAL"))
        #expect(first.standardOutput.contains("NORMAL/garbage.png: not a PNG, JPEG or DICOM"))
        #expect(first.standardOutput.contains("PNEUMONIA/copy_of_n3.png: same bytes as NORMAL/n3.png"))

        let meta = try metadata(output)
        #expect(meta["seed"] as? Int == 42)
        #expect(meta["label_map"] as? [String: Int] == ["NORMAL": 0, "PNEUMONIA": 1])
        let counts = try #require(meta["counts"] as? [String: [String: Int]])
        #expect(counts["train"] == ["NORMAL": 6, "PNEUMONIA": 3])
        #expect(counts["val"] == ["NORMAL": 2, "PNEUMONIA": 1])
        #expect(counts["test"] == ["NORMAL": 1, "PNEUMONIA": 1])
        let files = try #require(meta["files"] as? [[String: Any]])
        #expect(files.count == 14)
        #expect(Set(files.map { $0["sha256"] as! String }).count == 14)
        #expect((meta["unreadable"] as? [[String: String]])?.map { $0["path"] } == ["NORMAL/garbage.png"])
        #expect((meta["duplicates"] as? [[String: String]])?.first?["same_as"] == "NORMAL/n3.png")
        // The folders hold exactly what the metadata says.
        for split in ["train", "val", "test"] {
            for className in ["NORMAL", "PNEUMONIA"] {
                let names = try FileManager.default.contentsOfDirectory(atPath: output.appendingPathComponent("\(split)/\(className)").path)
                #expect(names.count == counts[split]?[className], "\(split)/\(className)")
            }
        }

        let (same, sameOutput) = try run("b", seed: 42)
        #expect(same.status == 0)
        #expect(assignment(try metadata(sameOutput)) == assignment(meta))
        let (other, otherOutput) = try run("c", seed: 7)
        #expect(other.status == 0)
        #expect(assignment(try metadata(otherOutput)) != assignment(meta))

        let refused = try CommandRunner.run(["split", "--dataset", dataset.path, "--output", output.path])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("the output folder is not empty"))
        let badRatios = try CommandRunner.run(["split", "--dataset", dataset.path, "--output", folder.file("d").path,
                                               "--train", "0.8", "--val", "0.3", "--test", "0.1"])
        #expect(badRatios.status == 1)
        #expect(badRatios.standardError.contains("must add up to 1"))
    }
}
