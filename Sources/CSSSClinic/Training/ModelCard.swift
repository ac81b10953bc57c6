import Foundation

/// What a trained model says about itself (`model_card.json` beside it).
public enum ModelCard {
    /// The file name of the card beside a trained model.
    public static let fileName = "model_card.json"

    /// What every screen, report and record shows for a demo model's predictions.
    public static let demoWarning = "DEMO MODEL — NOT FOR CLINICAL USE"

    /// Whether the model file at `model` has a card marking it as a demo.
    public static func isDemo(model: URL) -> Bool {
        let card = model.deletingLastPathComponent().appendingPathComponent(fileName)
        guard let data = try? Data(contentsOf: card),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["demo"] as? Bool == true
    }
}
