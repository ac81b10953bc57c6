import Testing
import CSSSEngine

extension Tensor {
    /// The largest absolute difference from `other`, or infinity when the shapes differ.
    func maxDifference(from other: Tensor) -> Float {
        guard shape == other.shape else { return .infinity }
        return zip(values, other.values).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    /// The largest magnitude, to scale a tolerance by.
    var maxMagnitude: Float {
        values.reduce(0) { max($0, abs($1)) }
    }

    /// Whether every value is within `relative` of `reference`'s largest magnitude (at least 1).
    func matches(_ reference: Tensor, relative: Float = 1e-5) -> Bool {
        maxDifference(from: reference) <= relative * max(reference.maxMagnitude, 1)
    }
}

/// Expects `actual` within `relative` of `reference` (see ``Tensor/matches(_:relative:)``), reporting the
/// largest difference rather than every value when it is not.
func expectClose(_ actual: Tensor?, _ reference: Tensor?, relative: Float = 1e-5, _ what: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let actual, let reference else {
        Issue.record("\(what) is missing", sourceLocation: sourceLocation)
        return
    }
    let difference = actual.maxDifference(from: reference)
    let close = actual.matches(reference, relative: relative)
    #expect(close, "\(what): shape \(actual.shape) vs \(reference.shape), max difference \(difference)",
            sourceLocation: sourceLocation)
}
