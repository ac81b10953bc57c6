import CSSSClinic
import Foundation
import Testing

@Suite("Classification metrics")
struct ClassificationMetricsTests {
    /// Six samples of three classes; the expected figures below were worked out by hand.
    static let labels = [0, 0, 1, 1, 2, 2]
    static let probabilities: [[Double]] = [
        [0.8, 0.1, 0.1], [0.3, 0.6, 0.1], [0.2, 0.7, 0.1],
        [0.1, 0.2, 0.7], [0.1, 0.1, 0.8], [0.2, 0.2, 0.6],
    ]

    @Test("accuracy, per-class scores, averages and confusion matrix match the hand-computed values")
    func handComputed() throws {
        let metrics = try ClassificationMetrics(trueLabels: Self.labels, probabilities: Self.probabilities,
                                                classNames: ["a", "b", "c"])
        #expect(metrics.confusionMatrix == [[1, 1, 0], [0, 1, 1], [0, 0, 2]])
        #expect(metrics.accuracy == 4.0 / 6)
        #expect(metrics.perClass.map(\.support) == [2, 2, 2])
        let expected: [(precision: Double, recall: Double, f1: Double)] = [(1, 0.5, 2.0 / 3), (0.5, 0.5, 0.5), (2.0 / 3, 1, 0.8)]
        for (scores, want) in zip(metrics.perClass, expected) {
            #expect(abs(scores.precision - want.precision) < 1e-12, "\(scores.name) precision")
            #expect(abs(scores.recall - want.recall) < 1e-12, "\(scores.name) recall")
            #expect(abs(scores.f1 - want.f1) < 1e-12, "\(scores.name) f1")
        }
        #expect(abs(metrics.macro.precision - 13.0 / 18) < 1e-12)
        #expect(abs(metrics.macro.recall - 2.0 / 3) < 1e-12)
        #expect(abs(metrics.macro.f1 - (2.0 / 3 + 0.5 + 0.8) / 3) < 1e-12)
        #expect(abs(metrics.weighted.f1 - metrics.macro.f1) < 1e-12)  // equal supports
        // Class b: positive 0.2 ties negative 0.2 (half a pair), so 6.5 of 8 pairs.
        #expect(metrics.perClass.map(\.rocAUC) == [1.0, 0.8125, 0.875])
        #expect(abs(metrics.macroROCAUC! - (1.0 + 0.8125 + 0.875) / 3) < 1e-12)
    }

    @Test("ties: tied scores count half, an argmax tie picks the first class, a class never predicted has precision 0")
    func ties() throws {
        let metrics = try ClassificationMetrics(trueLabels: [0, 1, 0, 1],
                                                probabilities: [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5], [0.1, 0.9]],
                                                classNames: ["no", "yes"])
        #expect(metrics.predictedLabels == [0, 0, 0, 1])
        #expect(metrics.perClass[1].rocAUC == 0.75)  // yes: (0.5 + 0.5 + 1 + 1) / 4
        #expect(metrics.perClass[0].rocAUC == 0.75)
        let allTied = try ClassificationMetrics(trueLabels: [0, 1, 0, 1], probabilities: Array(repeating: [0.5, 0.5], count: 4),
                                                classNames: ["no", "yes"])
        #expect(allTied.perClass.map(\.rocAUC) == [0.5, 0.5])
        #expect(allTied.perClass[1].precision == 0 && allTied.perClass[1].f1 == 0)
        #expect(allTied.accuracy == 0.5)
    }

    @Test("ROC AUC is undefined for a class without positives, and averages skip classes that never occur")
    func absentClasses() throws {
        let metrics = try ClassificationMetrics(trueLabels: [0, 0, 1], probabilities: [[0.9, 0.1, 0], [0.4, 0.6, 0], [0.2, 0.8, 0]],
                                                classNames: ["a", "b", "unused"])
        #expect(metrics.perClass[2].rocAUC == nil)
        #expect(metrics.macroROCAUC == 1.0)
        // Over a and b only: precision (1 + 0.5) / 2.
        #expect(metrics.macro.precision == 0.75)
        let json = metrics.json.text
        #expect(json.hasPrefix("{\"samples\":3,\"accuracy\":"))
        #expect(json.contains("\"class\":\"unused\",\"precision\":0,\"recall\":0,\"f1\":0,\"support\":0,\"roc_auc\":null"))
        #expect(json.hasSuffix("\"confusion_matrix\":[[1,1,0],[0,1,0],[0,0,0]]}"))
    }

    @Test("inconsistent input is refused with what is wrong")
    func errors() {
        #expect(throws: ClassificationMetricsError.noSamples) {
            try ClassificationMetrics(trueLabels: [], probabilities: [], classNames: ["a"])
        }
        #expect(throws: ClassificationMetricsError.rowWidth(row: 1, width: 1, classes: 2)) {
            try ClassificationMetrics(trueLabels: [0, 1], probabilities: [[1, 0], [1]], classNames: ["a", "b"])
        }
        #expect(throws: ClassificationMetricsError.labelOutOfRange(row: 0, label: 2, classes: 2)) {
            try ClassificationMetrics(trueLabels: [2], probabilities: [[1, 0]], classNames: ["a", "b"])
        }
    }

    static let scikitLearnAvailable: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import sklearn"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    @Test("agrees with scikit-learn on a random 4-class problem with ties",
          .enabled(if: scikitLearnAvailable, "python3 cannot import sklearn here, so the scikit-learn comparison is skipped"))
    func scikitLearn() throws {
        var generator = SystemRandomNumberGenerator()
        let k = 4, n = 200
        // Probabilities rounded to tenths, so that many scores tie.
        let probabilities: [[Double]] = (0..<n).map { _ in
            let raw = (0..<k).map { _ in Double(Int.random(in: 1...10, using: &generator)) }
            return raw.map { ($0 / raw.reduce(0, +) * 10).rounded() / 10 }
        }
        let labels = (0..<n).map { _ in Int.random(in: 0..<k, using: &generator) }
        let metrics = try ClassificationMetrics(trueLabels: labels, probabilities: probabilities, classNames: ["a", "b", "c", "d"])
        let script = """
            import json, sys
            import numpy as np
            from sklearn.metrics import accuracy_score, precision_recall_fscore_support, roc_auc_score, confusion_matrix
            d = json.load(sys.stdin)
            y, p = np.array(d["y"]), np.array(d["p"])
            pred = p.argmax(axis=1)
            out = {"accuracy": accuracy_score(y, pred), "cm": confusion_matrix(y, pred, labels=range(4)).tolist()}
            for avg in ["macro", "weighted"]:
                out[avg] = list(precision_recall_fscore_support(y, pred, average=avg, zero_division=0)[:3])
            out["auc"] = [roc_auc_score(y == c, p[:, c]) for c in range(4)]
            print(json.dumps(out))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let request = try JSONSerialization.data(withJSONObject: ["y": labels, "p": probabilities])
        input.fileHandleForWriting.write(request)
        try input.fileHandleForWriting.close()
        let reply = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let reference = try #require(try JSONSerialization.jsonObject(with: reply) as? [String: Any])
        #expect(abs(metrics.accuracy - (reference["accuracy"] as! Double)) < 1e-12)
        #expect(metrics.confusionMatrix == reference["cm"] as! [[Int]])
        let macro = reference["macro"] as! [Double], weighted = reference["weighted"] as! [Double]
        #expect(abs(metrics.macro.f1 - macro[2]) < 1e-12 && abs(metrics.macro.precision - macro[0]) < 1e-12)
        #expect(abs(metrics.weighted.f1 - weighted[2]) < 1e-12 && abs(metrics.weighted.recall - weighted[1]) < 1e-12)
        for (ours, theirs) in zip(metrics.perClass.map(\.rocAUC), reference["auc"] as! [Double]) {
            #expect(abs(ours! - theirs) < 1e-12)
        }
    }
}
