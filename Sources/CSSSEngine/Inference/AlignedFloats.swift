/// Float storage on 64-byte boundaries, so vector loads never straddle a cache line: packed weights,
/// and the arena a plan's activations live in.
///
/// Weights are written once while a plan is compiled and only read afterwards, which is what makes
/// sharing them between threads safe; an arena is written by the team running its plan, which the
/// ``Network`` lock keeps to one run at a time.
final class AlignedFloats: @unchecked Sendable {
    let count: Int
    let baseAddress: UnsafeMutablePointer<Float>

    /// Zero-filled storage for `count` floats.
    init(count: Int) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * MemoryLayout<Float>.stride,
                                                   alignment: 64)
        baseAddress = raw.initializeMemory(as: Float.self, repeating: 0, count: max(count, 1))
    }

    /// A copy of `values`, followed by zeros up to the next multiple of `multiple`.
    convenience init(_ values: [Float], paddedTo multiple: Int = 1) {
        self.init(count: (values.count + multiple - 1) / multiple * multiple)
        values.withUnsafeBufferPointer { source in
            guard let source = source.baseAddress else { return }
            baseAddress.update(from: source, count: values.count)
        }
    }

    /// Storage filled by `fill`, which receives the zeroed buffer.
    convenience init(count: Int, fill: (UnsafeMutablePointer<Float>) -> Void) {
        self.init(count: count)
        fill(baseAddress)
    }

    deinit {
        baseAddress.deallocate()
    }
}
