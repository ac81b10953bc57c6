import Foundation

/// The loss a classifier trains on: softmax of the logits, then cross-entropy with the true class,
/// weighted per class and averaged over the batch as Keras does (`Σ wᵢ · ceᵢ / N`).
public enum SoftmaxCrossEntropy {
    /// The loss of a batch of logits `[N, classes]` against `labels` (one class index per row).
    ///
    /// - Parameter classWeights: A weight per class (Keras's `class_weight`); `nil` weighs all classes 1.
    /// - Returns: The loss, its gradient with respect to the logits (`wᵢ · (pᵢ − onehotᵢ) / N` per row),
    ///   and the softmax probabilities.
    /// - Precondition: `logits` is `[labels.count, classes]`, every label is in `0..<classes`, and
    ///   `classWeights`, when given, has one weight per class.
    /// - Complexity: O(N · classes).
    public static func evaluate(logits: Tensor, labels: [Int],
                                classWeights: [Float]?) -> (loss: Float, gradient: Tensor, probabilities: Tensor) {
        precondition(logits.shape.count == 2 && logits.shape[0] == labels.count,
                     "logits of shape \(logits.shape) for \(labels.count) labels")
        let rows = labels.count, classes = logits.shape[1]
        precondition(classWeights == nil || classWeights!.count == classes, "class weights for another class count")
        var probabilities = logits, gradient = logits
        var total: Double = 0
        for row in 0..<rows {
            let label = labels[row]
            precondition((0..<classes).contains(label), "label \(label) outside 0..<\(classes)")
            let range = row * classes..<(row + 1) * classes
            // Shifting by the largest logit keeps exp from overflowing; log-sum-exp gives the loss without
            // taking the log of a probability that rounded to zero.
            let peak = logits.values[range].max()!
            var sum: Double = 0
            for index in range { sum += exp(Double(logits.values[index] - peak)) }
            let logSum = log(sum) + Double(peak)
            let weight = classWeights?[label] ?? 1
            total += Double(weight) * (logSum - Double(logits.values[row * classes + label]))
            for index in range {
                let probability = Float(exp(Double(logits.values[index]) - logSum))
                probabilities.values[index] = probability
                let target: Float = index == row * classes + label ? 1 : 0
                gradient.values[index] = weight * (probability - target) / Float(rows)
            }
        }
        return (Float(total / Double(max(rows, 1))), gradient, probabilities)
    }
}
