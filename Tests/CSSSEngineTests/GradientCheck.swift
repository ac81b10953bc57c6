import Testing
@testable import CSSSEngine

/// Central-difference checks of ``TrainableNetwork/backward(_:)``: the loss is `Σ output · R` for a fixed
/// random `R`, so its gradient at the output is `R`, and every analytic gradient (at the input and of each
/// learning parameter) is compared with `(L(θ + h) − L(θ − h)) / 2h`, with the loss summed in Double.
struct GradientCheck {
    let network: TrainableNetwork
    var input: Tensor
    var seed: UInt64 = 3
    var step: Float = 1e-2
    /// How many elements of the input and of each parameter to probe, spread evenly.
    var samples = 48

    /// The probes whose analytic and numerical gradients differ by more than a relative 1e-2 (plus a small
    /// absolute allowance for float32 rounding), and how many probes ran.
    func failures(absolute: Double = 2e-3) throws -> (checked: Int, failures: [String]) {
        let output = try network.forward(input, training: true, seed: seed)
        let weights = Tensor.random(output.shape, seed: 99)
        network.zeroGradients()
        let inputGradient = try network.backward(weights)
        var failures: [String] = [], checked = 0

        func compare(_ label: String, analytic: Float, _ loss: (Float) throws -> Double) rethrows {
            let numeric = (try loss(step) - (try loss(-step))) / (2 * Double(step))
            checked += 1
            if abs(numeric - Double(analytic)) > 1e-2 * max(abs(numeric), abs(Double(analytic))) + absolute {
                failures.append("\(label): analytic \(analytic), numeric \(numeric)")
            }
        }
        func loss(input: Tensor) throws -> Double {
            let output = try network.forward(input, training: true, seed: seed)
            return zip(output.values, weights.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        for index in Self.probes(input.count, samples) {
            try compare("input[\(index)]", analytic: inputGradient.values[index]) { delta in
                var shifted = input
                shifted.values[index] += delta
                return try loss(input: shifted)
            }
        }
        for parameter in network.parameters {
            let gradient = parameter.gradient
            for index in Self.probes(parameter.values.count, samples) {
                try compare("\(parameter.layer)/\(parameter.name)[\(index)]", analytic: gradient[index]) { delta in
                    let original = parameter.values[index]
                    defer { parameter.values[index] = original }
                    parameter.values[index] = original + delta
                    return try loss(input: input)
                }
            }
        }
        return (checked, failures)
    }

    static func probes(_ count: Int, _ samples: Int) -> [Int] {
        count <= samples ? Array(0..<count) : (0..<samples).map { $0 * count / samples }
    }
}

extension ModelGraph {
    /// A graph of the layers `build` adds after an input of `shape` (without the batch), ending at the last.
    static func small(input shape: (Int, Int, Int), seed: UInt64 = 11,
                      _ build: (inout GraphBuilder) -> Void) -> ModelGraph {
        var builder = GraphBuilder(seed: seed)
        builder.add("input", .input(height: shape.0, width: shape.1, channels: shape.2), inputs: [])
        build(&builder)
        return ModelGraph(name: "small", layers: builder.layers, outputName: builder.last)
    }
}
