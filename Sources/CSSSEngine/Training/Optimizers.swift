import Foundation

/// Updates the learning parameters of a ``TrainableNetwork`` from their accumulated gradients.
///
/// A step reads ``TrainableParameter/gradient`` and leaves it as it is; zero the gradients with
/// ``TrainableNetwork/zeroGradients()`` before the next backward pass.
public protocol Optimizer {
    /// Applies one update to every learning parameter of `network`.
    mutating func step(_ network: TrainableNetwork)
    /// The step size; a schedule may change it between steps.
    var learningRate: Float { get set }
}

/// Keras's Adam: moment estimates with bias correction folded into the step size,
/// `w -= lr · √(1 − β₂ᵗ) / (1 − β₁ᵗ) · m / (√v + ε)`.
public struct Adam: Optimizer {
    public var learningRate: Float
    public var beta1: Float
    public var beta2: Float
    /// Keras's default is 1e-7 (not the paper's 1e-8).
    public var epsilon: Float
    /// The steps taken so far.
    public private(set) var iterations = 0
    /// The first and second moments by parameter identity; the parameter is held so its identity stays
    /// unique while the state exists.
    private var moments: [ObjectIdentifier: (parameter: TrainableParameter, m: [Float], v: [Float])] = [:]

    public init(learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-7) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
    }

    public mutating func step(_ network: TrainableNetwork) {
        iterations += 1
        let t = Double(iterations)
        let alpha = Float(Double(learningRate) * (1 - pow(Double(beta2), t)).squareRoot() / (1 - pow(Double(beta1), t)))
        for parameter in network.parameters {
            let key = ObjectIdentifier(parameter)
            var state = moments[key] ?? (parameter, [Float](repeating: 0, count: parameter.values.count),
                                         [Float](repeating: 0, count: parameter.values.count))
            for index in parameter.values.indices {
                let g = parameter.gradient[index]
                state.m[index] = beta1 * state.m[index] + (1 - beta1) * g
                state.v[index] = beta2 * state.v[index] + (1 - beta2) * g * g
                parameter.values[index] -= alpha * state.m[index] / (state.v[index].squareRoot() + epsilon)
            }
            moments[key] = state
        }
    }
}

/// Keras's SGD: `velocity = momentum · velocity − lr · g; w += velocity` (plain `w -= lr · g` at momentum 0).
public struct SGD: Optimizer {
    public var learningRate: Float
    public var momentum: Float
    private var velocities: [ObjectIdentifier: (parameter: TrainableParameter, velocity: [Float])] = [:]

    public init(learningRate: Float = 0.01, momentum: Float = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
    }

    public mutating func step(_ network: TrainableNetwork) {
        for parameter in network.parameters {
            let key = ObjectIdentifier(parameter)
            var state = velocities[key] ?? (parameter, [Float](repeating: 0, count: parameter.values.count))
            for index in parameter.values.indices {
                state.velocity[index] = momentum * state.velocity[index] - learningRate * parameter.gradient[index]
                parameter.values[index] += state.velocity[index]
            }
            velocities[key] = state
        }
    }
}
