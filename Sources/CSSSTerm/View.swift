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
        do {
            scan = try ScanImage(contentsOf: URL(fileURLWithPath: image))
        } catch {
            printError("\(error)")  // the decoder's message names the file
            throw ExitCode(1)
        }

        let environment = ProcessInfo.processInfo.environment
        let terminal = TerminalGeometry.current(environment: environment)
        let drawing: TerminalGraphicsMode = switch mode {
        case .auto: GraphicsModeDetector.current(environment: environment).detect()
        case .fixed(let mode): mode
        }
        let renderer = TerminalImageRenderer(mode: drawing, cell: terminal.cellPixels ?? .assumed)
        // Two lines stay free: the caption, and the shell's prompt after it.
        let layout = renderer.layout(for: scan, maxColumns: width ?? terminal.columns,
                                     maxRows: terminal.rows.map { max(1, $0 - 2) })

        var output = renderer.render(scan, layout: layout)
        let name = URL(fileURLWithPath: image).lastPathComponent
        output += Array("\(name)  \(scan.width)x\(scan.height) px  \(drawing.rawValue) mode\n".utf8)
        try FileHandle.standardOutput.write(contentsOf: Data(output))
    }
}
