import CSSSClinic
import Foundation

/// The readable form of `csss predict`: one line per scan, framed by the reminder that these are
/// screening aids.
struct PredictionTable {
    let threshold: Double

    var header: String {
        """
        AI-assisted screening result: not a diagnosis. A clinician must review every finding.
        \(pad("image", 36)) \(pad("class", 28)) \(pad("confidence", 10))  \(pad("ms", 7))
        """
    }

    func row(for record: PredictionRecord) -> String {
        let name = URL(fileURLWithPath: record.image).lastPathComponent
        let confidence = String(format: "%.1f%%", record.prediction.confidence * 100)
        let flag = (record.lowConfidence ? "  low confidence" : "") + (record.demoModel ? "  \(ModelCard.demoWarning)" : "")
        let line = "\(pad(name, 36)) \(pad(record.prediction.className, 28)) \(pad(confidence, 10))  \(pad(String(format: "%.1f", record.inferenceMilliseconds), 7))\(flag)"
        guard let explanation = record.explainability else { return line }
        let regions = explanation.isEmpty
            ? "no region speaks for \(explanation.className) (empty map)"
            : "strongest in \(explanation.attentionRegions.joined(separator: ", "))"
        return line + "\n    Grad-CAM at \(explanation.layer): \(regions); overlay \(explanation.heatmapPath ?? "not written")"
    }

    var footer: String {
        String(format: "Low confidence: below %.0f%% (CONFIDENCE_THRESHOLD).", threshold * 100)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width)) : text + String(repeating: " ", count: width - text.count)
    }
}

/// Writes a line to standard error, prefixed with the program's name.
func printError(_ message: String) {
    FileHandle.standardError.write(Data("csss: \(message)\n".utf8))
}
