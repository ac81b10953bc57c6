import ArgumentParser
import CSSSClinic
import Foundation

/// `csss view`: draws a scan in the terminal, as large as the screen allows, keeping its shape.
struct View: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show a scan in the terminal.",
        discussion: """
            Draws the image as large as the terminal allows without changing its shape, then one caption \
            line: the file's name, its size in pixels and the mode used. --mode auto picks the richest mode \
            the terminal shows: ascii when TERM is dumb or the locale is not UTF-8; sixel when the terminal \
            says it draws sixel (asked with a Device Attributes query, 250 ms at most); truecolor when \
            COLORTERM is truecolor or 24bit; 256 when TERM contains 256color; else 16. Works over SSH and \
            in tmux; redirected to a file, --mode ascii gives plain text.

            Example:
              csss view chest.jpeg
              csss view chest.jpeg --mode ascii --width 72 > chest.txt
            """
    )

    @Option(help: ArgumentHelp("How to draw the image; auto asks the terminal.", valueName: "mode"))
    var mode: ModeChoice = .auto

    @Option(help: ArgumentHelp("Columns to fit the image in. Default: the terminal's width.", valueName: "columns"))
    var width: Int?

    @Argument(help: ArgumentHelp("The scan to show (PNG or JPEG).", valueName: "image"))
    var image: String

    @Flag(help: "Show the model's Grad-CAM heatmap over the scan, with its prediction.")
    var heatmap = false

    @Option(help: ArgumentHelp("Keras model for --heatmap. Default: MODEL_PATH.", valueName: "path"))
    var model: String?

    @Option(help: ArgumentHelp("Class labels for --heatmap. Default: LABELS_PATH, then beside the model.", valueName: "path"))
    var labels: String?

    @Option(help: ArgumentHelp("Layer for --heatmap. Default: the model's last feature map.", valueName: "name"))
    var layer: String?

    /// `--mode`: a mode, or `auto` to ask the terminal.
    enum ModeChoice: ExpressibleByArgument {
        case auto
        case fixed(TerminalGraphicsMode)

        init?(argument: String) {
            if argument == "auto" {
                self = .auto
            } else if let mode = TerminalGraphicsMode(rawValue: argument) {
                self = .fixed(mode)
            } else {
                return nil
            }
        }

        static var allValueStrings: [String] { ["auto"] + TerminalGraphicsMode.allCases.map(\.rawValue) }
    }

    func validate() throws {
        if let width, width < 1 { throw ValidationError("--width must be at least 1") }
    }

    func run() throws {
        let scan: ScanImage
        var caption = ""
        do {
            if heatmap {
                let (picture, prediction) = try explainedScan()
                scan = picture
                caption = prediction
            } else {
                scan = try ScanImage(contentsOf: URL(fileURLWithPath: image))
            }
        } catch {
            printError("\(error)")  // every decoding and model error names its file or layer
            throw ExitCode(1)
        }

        let environment = ProcessInfo.processInfo.environment
        let terminal = TerminalGeometry.current(environment: environment)
        let drawing: TerminalGraphicsMode = switch mode {
        case .auto: GraphicsModeDetector.current(environment: environment).detect()
        case .fixed(let mode): mode
        }
        let renderer = TerminalImageRenderer(mode: drawing, cell: terminal.cellPixels ?? .assumed)
        // The caption (two lines with a prediction) and the shell's prompt after it stay free.
        let freeLines = heatmap ? 3 : 2
        let layout = renderer.layout(for: scan, maxColumns: width ?? terminal.columns,
                                     maxRows: terminal.rows.map { max(1, $0 - freeLines) })

        var output = renderer.render(scan, layout: layout)
        let name = URL(fileURLWithPath: image).lastPathComponent
        // On a screen of known height, a caption line wider than the screen would wrap and push the
        // image's top row off it; piped output keeps whole lines.
        let captionWidth = terminal.rows == nil ? Int.max : max(terminal.columns, 20)
        let lines = ["\(name)  \(scan.width)x\(scan.height) px  \(drawing.rawValue) mode"] + (caption.isEmpty ? [] : [caption])
        for line in lines {
            output += Array((line.count > captionWidth ? line.prefix(captionWidth - 1) + "…" : Substring(line)).utf8) + [0x0A]
        }
        try FileHandle.standardOutput.write(contentsOf: Data(output))
    }

    /// The Grad-CAM overlay of the scan and a caption naming the prediction it explains.
    private func explainedScan() throws -> (ScanImage, String) {
        let settings = try PredictionSettings(environment: ClinicEnvironment.current())
        let classifier = try ScanClassifier(model: model, labels: labels, settings: settings, threads: 1, explaining: true)
        let (record, _, overlay) = try classifier.predictAndExplain(
            imageAt: URL(fileURLWithPath: image), explanation: ExplanationRequest(layer: layer))
        guard let overlay, let explanation = record.explainability else { throw ExplanationError.notPrepared }
        let confidence = String(format: "%.1f%%", record.prediction.confidence * 100)
        let regions = explanation.isEmpty ? "empty map" : explanation.attentionRegions.joined(separator: ", ")
        return (overlay, "AI screening aid, not a diagnosis: \(record.prediction.className) \(confidence); Grad-CAM \(explanation.layer): \(regions)")
    }
}
