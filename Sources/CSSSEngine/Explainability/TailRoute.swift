/// Which layers a Grad-CAM tail runs: those after the explained layer on a path to the model's score.
///
/// The score is the pre-softmax logit where the model has one: a final Dense layer's softmax activation is
/// left out, and a final softmax Activation layer is replaced by its input. Layers after the explained
/// one that the score does not depend on are skipped; layers before it that a tail layer also reads (the
/// shortcut of a residual block the explained layer is inside) are constants to the tail.
struct TailRoute {
    /// The layer whose output is the score.
    let score: String
    /// Whether the score layer is a Dense layer whose softmax activation the score leaves out.
    let dropsSoftmax: Bool
    /// The layers to run, in graph order.
    let layers: [Layer]
    /// Layers outside the tail that it reads, in the order it first reads them.
    let constants: [String]

    /// - Throws: ``GradCAMError/disconnected(layer:)`` when the score does not depend on `feature`.
    init(graph: ModelGraph, from feature: String) throws(GradCAMError) {
        (score, dropsSoftmax) = Self.score(of: graph)
        var descendants: Set = [feature]
        for layer in graph.layers where layer.inputs.contains(where: descendants.contains) {
            descendants.insert(layer.name)
        }
        guard descendants.contains(score) else { throw .disconnected(layer: feature) }
        let ancestors = Self.ancestors(of: score, in: graph)
        layers = graph.layers.filter {
            $0.name != feature && descendants.contains($0.name) && ancestors.contains($0.name)
        }
        var constants: [String] = []
        for input in layers.flatMap(\.inputs) where !descendants.contains(input) && !constants.contains(input) {
            constants.append(input)
        }
        self.constants = constants
    }

    /// The layer whose output is the model's score, and whether it is a Dense layer whose softmax the
    /// score leaves out. Dropout after the last layer is looked through, as ``Network`` does.
    static func score(of graph: ModelGraph) -> (layer: String, dropsSoftmax: Bool) {
        var name = graph.outputName
        while let layer = graph.layer(named: name), case .dropout = layer.operation, let input = layer.inputs.first {
            name = input
        }
        guard let layer = graph.layer(named: name) else { return (name, false) }
        switch layer.operation {
        case .activation(.softmax):
            return (layer.inputs.first ?? name, false)
        case .dense(let dense) where dense.activation == .softmax:
            return (name, true)
        default:
            return (name, false)
        }
    }

    /// `name` and every layer it depends on.
    static func ancestors(of name: String, in graph: ModelGraph) -> Set<String> {
        var ancestors: Set = [name]
        for layer in graph.layers.reversed() where ancestors.contains(layer.name) {
            ancestors.formUnion(layer.inputs)
        }
        return ancestors
    }
}

