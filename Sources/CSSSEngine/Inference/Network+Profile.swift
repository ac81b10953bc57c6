import Foundation

/// How long one step of a ``Network`` took: what ``Network/profile(_:repetitions:)`` reports.
public struct StepTiming: Sendable {
    /// The graph layers the step computes (a convolution with the layers fused into it).
    public var layers: [String]
    public var kind: StepKind
    /// The median over the repetitions, in seconds, including the wait for the slowest thread.
    public var seconds: Double
}

extension Network {
    /// Runs `input` `repetitions` times and times each step, to see where the time goes.
    ///
    /// The batch runs as one plan split layer by layer across all threads, as a single image does in
    /// ``run(_:)``; a larger batch there is spread a whole image per thread instead.
    ///
    /// - Throws: ``NetworkError/inputShapeMismatch(layer:expected:actual:)`` for an input of the wrong shape.
    public func profile(_ input: Tensor, repetitions: Int = 10) throws(NetworkError) -> [StepTiming] {
        let expected = [inputShape.height, inputShape.width, inputShape.channels]
        guard input.shape.count == 4, input.shape[0] > 0, Array(input.shape.dropFirst()) == expected else {
            throw .inputShapeMismatch(layer: program.inputLayer, expected: expected, actual: input.shape)
        }
        let images = input.shape[0]
        let steps = program.steps.count
        var samples = [[UInt64]](repeating: [], count: steps)
        lock.lock()
        defer { lock.unlock() }
        let results = BatchResults(program: program, images: images)
        input.values.withUnsafeBufferPointer { values in
            for _ in 0..<max(repetitions, 1) {
                var last = DispatchTime.now().uptimeNanoseconds
                runTogether(images: 0..<images, input: values.baseAddress!, into: results) { step in
                    let now = DispatchTime.now().uptimeNanoseconds
                    samples[step].append(now - last)
                    last = now
                }
            }
        }
        return zip(program.steps, samples).map { planned, times in
            StepTiming(layers: planned.layers, kind: planned.step.kind,
                       seconds: Double(times.sorted()[times.count / 2]) / 1e9)
        }
    }
}
