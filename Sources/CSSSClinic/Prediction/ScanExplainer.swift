import CSSSEngine
import Foundation

/// What to explain about a prediction, and where the picture goes (`csss predict --heatmap`).
public struct ExplanationRequest: Sendable, Equatable {
    /// Where the overlay PNG is written; `nil` keeps it in memory only (`csss view --heatmap`).
    public var heatmapURL: URL?
    /// The convolutional layer to explain; `nil` for the model's last feature map.
    public var layer: String?
    /// The class to explain, by label; `nil` for the predicted one.
    public var className: String?

    public init(heatmapURL: URL? = nil, layer: String? = nil, className: String? = nil) {
        self.heatmapURL = heatmapURL
        self.layer = layer
        self.className = className
    }
}

/// Grad-CAM for a ``ScanClassifier``'s predictions: the map, its overlay on the scan as a PNG, and the
/// lung zones where it is strongest.
public final class ScanExplainer: Sendable {
    private let explainer: GradCAMExplainer
    private let labels: ClassLabels
    private let overlay = HeatmapOverlay()
    private let zones = AttentionRegionFinder()

    /// Compiles the model's graph for Grad-CAM.
    public init(graph: ModelGraph, labels: ClassLabels, threads: Int) throws {
        explainer = try GradCAMExplainer(graph: graph, threads: threads)
        self.labels = labels
    }

    /// The layer explained when the request names none.
    public var defaultLayer: String { explainer.defaultLayer }

    /// Explains the scan's prediction as `request` asks, and writes the overlay where it says.
    ///
    /// - Parameters:
    ///   - input: the scan as the network takes it (one image).
    ///   - predictedClass: the index to explain when the request names no class.
    /// - Returns: the record's explainability and the overlay itself.
    /// - Throws: ``ExplanationError/unknownClass(_:known:)``, the engine's Grad-CAM errors (an unknown or
    ///   non-spatial layer), and the PNG writer's errors naming the file.
    public func explain(_ scan: Image, input: Tensor, predictedClass: Int,
                        request: ExplanationRequest) throws -> (explainability: Explainability, overlay: Image) {
        let classIndex = try request.className.map(classIndex(named:)) ?? predictedClass
        let result = try explainer.explain(input, layer: request.layer, classIndex: classIndex)
        let map = try Heatmap(width: result.width, height: result.height, values: result.map)
        let picture = overlay.overlay(map, on: scan)
        try request.heatmapURL.map { try picture.writePNG(to: $0) }
        let explainability = Explainability(
            layer: result.layer,
            className: labels.names[result.classIndex],
            heatmapPath: request.heatmapURL?.path,
            map: Self.rows(result.map, width: result.width),
            mapLinear: Self.rows(result.linear, width: result.width),
            isEmpty: result.isEmpty,
            attentionRegions: zones.regions(in: map).map(\.rawValue))
        return (explainability, picture)
    }

    private func classIndex(named name: String) throws -> Int {
        guard let index = labels.names.firstIndex(of: name) else {
            throw ExplanationError.unknownClass(name, known: labels.names)
        }
        return index
    }

    private static func rows(_ values: [Float], width: Int) -> [[Double]] {
        stride(from: 0, to: values.count, by: width).map { start in
            values[start..<start + width].map(Double.init)
        }
    }
}

/// The Grad-CAM part of a ``PredictionRecord``.
public struct Explainability: Sendable, Equatable {
    /// The explained layer.
    public var layer: String
    /// The explained class.
    public var className: String
    /// The overlay PNG, when one was written.
    public var heatmapPath: String?
    /// The normalised map in [0, 1], rows at the layer's resolution, top row first.
    public var map: [[Double]]
    /// The same before the ReLU and the normalisation.
    public var mapLinear: [[Double]]
    /// Whether no position speaks for the class: the map is all zeros, and the overlay shows none.
    public var isEmpty: Bool
    /// The lung zones where the map is strongest, strongest first.
    public var attentionRegions: [String]

    /// `{"layer", "class", "heatmap", "map", "map_linear", "empty", "attention_regions"}`.
    public var json: JSONValue {
        .object([
            ("layer", .string(layer)),
            ("class", .string(className)),
            ("heatmap", heatmapPath.map(JSONValue.string) ?? .null),
            ("map", .array(map.map { .array($0.map(JSONValue.number)) })),
            ("map_linear", .array(mapLinear.map { .array($0.map(JSONValue.number)) })),
            ("empty", .bool(isEmpty)),
            ("attention_regions", .array(attentionRegions.map(JSONValue.string))),
        ])
    }
}

/// Why an explanation could not be made as asked.
public enum ExplanationError: Error, Equatable, CustomStringConvertible {
    /// `--class` names no class of the model.
    case unknownClass(String, known: [String])
    /// An explanation was asked of a ``ScanClassifier`` made without `explaining: true`.
    case notPrepared

    public var description: String {
        switch self {
        case .unknownClass(let name, let known):
            "the model has no class '\(name)'; its classes are \(known.joined(separator: ", "))"
        case .notPrepared:
            "Grad-CAM was not prepared: make the classifier with explaining: true"
        }
    }
}
