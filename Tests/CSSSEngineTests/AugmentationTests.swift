import Testing
@testable import CSSSEngine

@Suite("Augmentation")
struct AugmentationTests {
    /// A 4×6 image whose every value is different, in -1…1.
    static let image = Tensor(shape: [4, 6, 3], values: (0..<72).map { Float($0) / 36 - 1 })

    static func none() -> Augmentation {
        var augmentation = Augmentation()
        augmentation.rotationDegrees = 0
        augmentation.shift = 0
        augmentation.zoom = 1...1
        augmentation.horizontalFlip = false
        augmentation.verticalFlip = false
        augmentation.brightness = 1...1
        return augmentation
    }

    @Test("with every range at zero it is the identity")
    func identity() {
        var generator = SplitMix64(seed: 1)
        #expect(Self.none().apply(to: Self.image, using: &generator).values == Self.image.values)
    }

    @Test("the same seed gives the same image; another seed a different one; values stay in range")
    func seeded() {
        var first = SplitMix64(seed: 7), second = SplitMix64(seed: 7), third = SplitMix64(seed: 8)
        let a = Augmentation().apply(to: Self.image, using: &first)
        #expect(a == Augmentation().apply(to: Self.image, using: &second))
        #expect(a != Augmentation().apply(to: Self.image, using: &third))
        #expect(a.values.allSatisfy { (-1...1).contains($0) })
    }

    @Test("a horizontal flip mirrors columns exactly")
    func flip() {
        var flip = Self.none()
        flip.horizontalFlip = true
        // Draw seeds until one flips (each draw is a coin toss).
        for seed in UInt64(0)..<20 {
            var generator = SplitMix64(seed: seed)
            let out = flip.apply(to: Self.image, using: &generator)
            guard out != Self.image else { continue }
            for y in 0..<4 { for x in 0..<6 { for c in 0..<3 {
                #expect(out.values[(y * 6 + x) * 3 + c] == Self.image.values[(y * 6 + (5 - x)) * 3 + c])
            } } }
            return
        }
        Issue.record("no seed in 0..<20 flipped")
    }

    @Test("brightness scales intensity from black, and clips at white")
    func brightness() {
        var bright = Self.none()
        bright.brightness = 1.2...1.2
        var generator = SplitMix64(seed: 3)
        let out = bright.apply(to: Tensor(shape: [1, 1, 3], values: [-1, 0, 1]), using: &generator)
        #expect(out.values[0] == -1)
        #expect(abs(out.values[1] - 0.2) < 1e-6)
        #expect(out.values[2] == 1)
    }
}
