/// A small, fast generator (Steele, Lea & Flood's SplitMix64) whose sequence depends only on its seed, on
/// every platform and Swift version: a dataset split made with seed 42 today is the same split next year.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A value in `0..<bound`, by Lemire's multiply-and-reject, so no value is favoured.
    public mutating func next(below bound: Int) -> Int {
        precondition(bound > 0, "the bound must be positive")
        let limit = UInt64(bound)
        while true {
            let product = next().multipliedFullWidth(by: limit)
            if product.low >= (0 &- limit) % limit { return Int(product.high) }
        }
    }

    /// `elements` in a Fisher–Yates order drawn from this generator. Swift's own `shuffle(using:)` may
    /// change its algorithm between releases, so the split spells out its own.
    public mutating func shuffled<T>(_ elements: [T]) -> [T] {
        var result = elements
        guard result.count > 1 else { return result }
        for i in stride(from: result.count - 1, to: 0, by: -1) {
            result.swapAt(i, next(below: i + 1))
        }
        return result
    }

    /// A uniform float in [0, 1), from the top 24 bits.
    public mutating func unit() -> Float {
        Float(next() >> 40) * 0x1p-24
    }

    /// A uniform value in `range`.
    public mutating func uniform(_ range: ClosedRange<Float>) -> Float {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }
}
