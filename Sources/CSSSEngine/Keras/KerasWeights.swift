/// The stored weights of a Keras model, read on demand and matched to layers by name.
///
/// Two containers are understood:
/// - the legacy HDF5 model file (Keras 2 and Keras 3 `.h5`), where a layer's weights sit under
///   `model_weights/<top-level layer>/` and are listed by that group's `weight_names` attribute;
/// - the `model.weights.h5` of a Keras 3 `.keras` archive, where layers are groups named after their
///   class (`layers/functional/layers/conv2d_3/vars/0`).
///
/// Get one from ``KerasModelFile``; pair it with a config in ``ModelGraph/init(kerasConfig:weights:)``.
public struct KerasWeights: Sendable {
    enum Layout {
        case legacy
        case archive
    }

    let file: HDF5File
    let layout: Layout

    init(file: HDF5File) throws {
        self.file = file
        if file.contains("model_weights") {
            layout = .legacy
        } else if file.contains("layers") {
            layout = .archive
        } else {
            throw KerasModelError.unreadable(file: file.displayName,
                                             reason: "it holds no Keras weights ('model_weights' or 'layers')")
        }
    }
}

/// Where one layer's variables live, in the terms of each container.
struct KerasLayerAddress {
    /// The layer's own name.
    let name: String
    /// The top-level layer holding it (itself, or the nested model it belongs to): its legacy group.
    let topLevelName: String?
    /// Its group path under `layers/` in a Keras 3 weights file; `nil` where it has none.
    let archivePath: [String]?

    /// The address of the top-level model itself.
    static func model(named name: String) -> KerasLayerAddress {
        KerasLayerAddress(name: name, topLevelName: nil, archivePath: [])
    }

    /// The address of one of this model's layers.
    func child(_ spec: KerasLayerSpec) -> KerasLayerAddress {
        KerasLayerAddress(name: spec.name, topLevelName: topLevelName ?? spec.name,
                          archivePath: spec.archiveGroup.flatMap { group in archivePath.map { $0 + [group] } })
    }
}

/// A weight a layer needs: its Keras name and the shape its config implies (`nil` for an extent not
/// known from the config).
struct KerasWeightRequest {
    let name: String
    let shape: [Int?]
}

/// Reads layers' weights from ``KerasWeights`` for one model load, remembering each legacy group's
/// `weight_names` so a nested model's 260-name list is read once.
final class KerasWeightReader {
    private let weights: KerasWeights
    private var legacyIndexes: [String: [String: [LegacyEntry]]] = [:]

    init(_ weights: KerasWeights) {
        self.weights = weights
    }

    /// The layer's weights, in the order requested, which must be the layer's variable order (a Keras 3
    /// archive identifies variables only by position).
    ///
    /// - Throws: ``KerasModelError/missingWeight(layer:weight:)`` or
    ///   ``KerasModelError/shapeMismatch(layer:weight:expected:found:)`` naming the layer.
    func read(_ requests: [KerasWeightRequest], of address: KerasLayerAddress) throws -> [Tensor] {
        let paths = switch weights.layout {
        case .legacy: try legacyPaths(requests, of: address)
        case .archive: try archivePaths(requests, of: address)
        }
        return try zip(requests, paths).map { request, path in
            guard let path, let dataset = try weights.file.dataset(path) else {
                throw KerasModelError.missingWeight(layer: address.name, weight: request.name)
            }
            let fits = dataset.shape.count == request.shape.count
                && zip(dataset.shape, request.shape).allSatisfy { found, expected in expected.map { $0 == found } ?? true }
            guard fits else {
                throw KerasModelError.shapeMismatch(layer: address.name, weight: request.name,
                                                    expected: request.shape, found: dataset.shape)
            }
            return Tensor(shape: dataset.shape, values: try dataset.floats())
        }
    }

    /// Legacy paths: `model_weights/<top-level layer>/<entry of weight_names>`. A plain layer owns its
    /// whole group; inside a nested model's group the entry's layer part tells the layers apart.
    private func legacyPaths(_ requests: [KerasWeightRequest], of address: KerasLayerAddress) throws -> [String?] {
        guard let topLevel = address.topLevelName else { return requests.map { _ in nil } }
        let group = "model_weights/" + topLevel
        let index = try legacyIndex(group)
        let isNested = topLevel != address.name
        return try requests.map { request in
            let matches = index[request.name, default: []].filter { !isNested || $0.owner == address.name }
            guard matches.count <= 1 else {
                throw KerasModelError.invalidConfig(
                    reason: "\(group) lists weight '\(request.name)' of '\(address.name)' more than once")
            }
            return matches.first.map { group + "/" + $0.entry }
        }
    }

    /// A group's `weight_names` entries by weight name.
    ///
    /// An entry is `<layer>/<weight>`, with a `:0` suffix in Keras 2 files, which also call a depthwise
    /// kernel `depthwise_kernel` where Keras 3 says `kernel`.
    private func legacyIndex(_ group: String) throws -> [String: [LegacyEntry]] {
        if let index = legacyIndexes[group] { return index }
        let entries = try weights.file.contains(group) ? weights.file.strings(attribute: "weight_names", of: group) ?? [] : []
        let index = Dictionary(grouping: entries.map(LegacyEntry.init), by: \.weight)
        legacyIndexes[group] = index
        return index
    }

    /// Archive paths: `layers/<group>/…/vars/<index>`, after checking the group belongs to this layer.
    ///
    /// Groups are found by the config's class-name counters, which is the only way for files whose
    /// `vars` carry no `name`; where Keras wrote the name, it must agree, so a config paired with the
    /// wrong weights file fails instead of loading some other layer's weights.
    private func archivePaths(_ requests: [KerasWeightRequest], of address: KerasLayerAddress) throws -> [String?] {
        guard let groups = address.archivePath, !groups.isEmpty else { return requests.map { _ in nil } }
        let vars = "layers/" + groups.joined(separator: "/layers/") + "/vars"
        if weights.file.contains(vars), let stored = try weights.file.strings(attribute: "name", of: vars)?.first,
           stored != address.name {
            throw KerasModelError.invalidConfig(
                reason: "the config places layer '\(address.name)' at \(vars), which holds the weights of '\(stored)'")
        }
        return requests.indices.map { "\(vars)/\($0)" }
    }
}

/// One `weight_names` entry of a legacy group, split into the layer that owns it and the weight's name.
private struct LegacyEntry {
    let entry: String
    let owner: String?
    let weight: String

    init(_ entry: String) {
        self.entry = entry
        var parts = entry.split(separator: "/")
        var weight = parts.popLast().map(String.init) ?? entry
        if let colon = weight.lastIndex(of: ":"), weight[weight.index(after: colon)...].allSatisfy(\.isNumber) {
            weight = String(weight[..<colon])
        }
        self.owner = parts.last.map(String.init)
        self.weight = weight == "depthwise_kernel" ? "kernel" : weight
    }
}
