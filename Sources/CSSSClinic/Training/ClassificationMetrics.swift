import Foundation

/// Why metrics could not be computed from the given labels and probabilities.
public enum ClassificationMetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// There are no samples.
    case noSamples
    /// The number of true labels and of probability rows differ.
    case countMismatch(labels: Int, probabilityRows: Int)
    /// A probability row does not have one value per class.
    case rowWidth(row: Int, width: Int, classes: Int)
    /// A true label is not an index into the class names.
    case labelOutOfRange(row: Int, label: Int, classes: Int)

    public var description: String {
        switch self {
        case .noSamples: "no samples to evaluate"
        case .countMismatch(let labels, let rows): "\(labels) true labels but \(rows) probability rows"
        case .rowWidth(let row, let width, let classes): "probability row \(row) has \(width) values for \(classes) classes"
        case .labelOutOfRange(let row, let label, let classes): "true label \(label) of sample \(row) is not one of the \(classes) classes"
        }
    }
}

/// How well a classifier did on labelled samples: accuracy, per-class precision, recall, F1 and ROC AUC,
/// their averages, and the confusion matrix.
///
/// The predicted class of a sample is the one with the highest probability (the first, on a tie). A ratio
/// whose denominator is 0 (precision of a class never predicted, F1 when both are 0) is 0, as
/// scikit-learn's `zero_division` default gives. Macro and weighted averages are over the classes that
/// occur as a true or a predicted label — scikit-learn's default label set — so a model with 19 labels
/// evaluated on 2 of them is not averaged over 17 empty classes.
///
/// ROC AUC is one-vs-rest: for class c, the probability that a random sample of c has a higher
/// probability of c than a random sample of another class, ties counting one half (the Mann–Whitney U
/// statistic, which equals the area under the trapezoidal ROC curve). It is `nil` for a class without
/// positive or without negative samples; the macro average is over the classes where it is defined.
///
/// ```swift
/// let metrics = try ClassificationMetrics(trueLabels: [0, 1], probabilities: [[0.9, 0.1], [0.3, 0.7]],
///                                         classNames: ["NORMAL", "PNEUMONIA"])
/// print(metrics.accuracy)   // 1.0
/// ```
public struct ClassificationMetrics: Sendable, Equatable {
    /// One class's figures.
    public struct ClassScores: Sendable, Equatable {
        public let name: String
        public let precision: Double
        public let recall: Double
        public let f1: Double
        /// How many samples truly are of this class.
        public let support: Int
        /// One-vs-rest ROC AUC, `nil` when the class has no positive or no negative samples.
        public let rocAUC: Double?
    }

    /// Precision, recall and F1 averaged over classes.
    public struct Averages: Sendable, Equatable {
        public let precision: Double
        public let recall: Double
        public let f1: Double
    }

    public let classNames: [String]
    public let sampleCount: Int
    /// The fraction of samples whose predicted class is the true one.
    public let accuracy: Double
    /// One entry per class, in the order of ``classNames``.
    public let perClass: [ClassScores]
    /// The unweighted mean over the classes that occur.
    public let macro: Averages
    /// The mean over the classes that occur, weighted by support.
    public let weighted: Averages
    /// The mean of the defined per-class ROC AUCs, `nil` when none is defined.
    public let macroROCAUC: Double?
    /// `confusionMatrix[t][p]`: how many samples of true class t were predicted as p.
    public let confusionMatrix: [[Int]]
    /// The predicted class of each sample.
    public let predictedLabels: [Int]

    /// Computes every figure.
    ///
    /// - Complexity: O(n·k + k·n log n) for n samples and k classes.
    public init(trueLabels: [Int], probabilities: [[Double]], classNames: [String]) throws(ClassificationMetricsError) {
        let k = classNames.count, n = trueLabels.count
        guard n > 0 else { throw .noSamples }
        guard probabilities.count == n else { throw .countMismatch(labels: n, probabilityRows: probabilities.count) }
        for (row, label) in trueLabels.enumerated() {
            guard probabilities[row].count == k else { throw .rowWidth(row: row, width: probabilities[row].count, classes: k) }
            guard (0..<k).contains(label) else { throw .labelOutOfRange(row: row, label: label, classes: k) }
        }
        let predicted = probabilities.map { row in row.indices.max { row[$0] < row[$1] || (row[$0] == row[$1] && $0 > $1) }! }
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
        for (truth, guess) in zip(trueLabels, predicted) { matrix[truth][guess] += 1 }

        var scores: [ClassScores] = []
        for c in 0..<k {
            let truePositives = matrix[c][c]
            let support = matrix[c].reduce(0, +)
            let predictedCount = matrix.reduce(0) { $0 + $1[c] }
            let precision = Self.ratio(truePositives, predictedCount)
            let recall = Self.ratio(truePositives, support)
            let f1 = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0
            let auc = Self.rocAUC(scores: probabilities.map { $0[c] }, positives: trueLabels.map { $0 == c })
            scores.append(ClassScores(name: classNames[c], precision: precision, recall: recall, f1: f1, support: support, rocAUC: auc))
        }
        let present = (0..<k).filter { c in scores[c].support > 0 || matrix.contains { $0[c] > 0 } }
        func average(_ weight: (Int) -> Double) -> Averages {
            let total = present.reduce(0) { $0 + weight($1) }
            func mean(_ value: KeyPath<ClassScores, Double>) -> Double {
                total > 0 ? present.reduce(0) { $0 + weight($1) * scores[$1][keyPath: value] } / total : 0
            }
            return Averages(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1))
        }
        let aucs = scores.compactMap(\.rocAUC)

        self.classNames = classNames
        self.sampleCount = n
        self.accuracy = Double((0..<k).reduce(0) { $0 + matrix[$1][$1] }) / Double(n)
        self.perClass = scores
        self.macro = average { _ in 1 }
        self.weighted = average { Double(scores[$0].support) }
        self.macroROCAUC = aucs.isEmpty ? nil : aucs.reduce(0, +) / Double(aucs.count)
        self.confusionMatrix = matrix
        self.predictedLabels = predicted
    }

    private static func ratio(_ numerator: Int, _ denominator: Int) -> Double {
        denominator > 0 ? Double(numerator) / Double(denominator) : 0
    }

    /// The Mann–Whitney statistic from average ranks: (sum of positives' ranks − P(P+1)/2) / (P·N).
    static func rocAUC(scores: [Double], positives: [Bool]) -> Double? {
        let positiveCount = positives.count { $0 }, negativeCount = positives.count - positiveCount
        guard positiveCount > 0, negativeCount > 0 else { return nil }
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var rankSum = 0.0
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, scores[order[end + 1]] == scores[order[start]] { end += 1 }
            // Tied scores share the mean of the ranks they span (ranks are 1-based).
            let meanRank = Double(start + end + 2) / 2
            for position in start...end where positives[order[position]] { rankSum += meanRank }
            start = end + 1
        }
        let p = Double(positiveCount), q = Double(negativeCount)
        return (rankSum - p * (p + 1) / 2) / (p * q)
    }

    /// `metrics.json`: `samples`, `accuracy`, `classes`, `per_class` [{`class`, `precision`, `recall`,
    /// `f1`, `support`, `roc_auc`}], `macro_avg` {`precision`, `recall`, `f1`, `roc_auc`},
    /// `weighted_avg` {`precision`, `recall`, `f1`}, `confusion_matrix` (rows true, columns predicted, in
    /// the order of `classes`).
    public var json: JSONValue {
        func optional(_ value: Double?) -> JSONValue { value.map(JSONValue.number) ?? .null }
        return .object([
            ("samples", .integer(sampleCount)),
            ("accuracy", .number(accuracy)),
            ("classes", .array(classNames.map(JSONValue.string))),
            ("per_class", .array(perClass.map { scores in
                .object([("class", .string(scores.name)), ("precision", .number(scores.precision)),
                         ("recall", .number(scores.recall)), ("f1", .number(scores.f1)),
                         ("support", .integer(scores.support)), ("roc_auc", optional(scores.rocAUC))])
            })),
            ("macro_avg", .object([("precision", .number(macro.precision)), ("recall", .number(macro.recall)),
                                   ("f1", .number(macro.f1)), ("roc_auc", optional(macroROCAUC))])),
            ("weighted_avg", .object([("precision", .number(weighted.precision)), ("recall", .number(weighted.recall)),
                                      ("f1", .number(weighted.f1))])),
            ("confusion_matrix", .array(confusionMatrix.map { .array($0.map(JSONValue.integer)) })),
        ])
    }
}
