import CCairo
import CSSSTestSupport
import Foundation

/// A small real PDF drawn with cairo, and the command-line PDF tools that check what CSSS writes from
/// outside its own code.
enum ReportPDFFixture {
    /// A one-page PDF that shows `text` and carries `subject` in its Info dictionary.
    static func pdf(text: String = "Zebulon Quixote", subject: String) throws -> Data {
        let folder = try TemporaryFolder("csss-pdf")
        let path = folder.file("plain.pdf").path
        let surface = cairo_pdf_surface_create(path, 595, 842)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_SUBJECT, subject)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, "CSSS test report")
        let context = cairo_create(surface)
        cairo_select_font_face(context, "sans-serif", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(context, 18)
        cairo_move_to(context, 72, 100)
        cairo_show_text(context, text)
        cairo_destroy(context)
        cairo_surface_finish(surface)
        cairo_surface_destroy(surface)
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// What a command-line tool printed, and how it exited.
    struct ToolRun {
        var status: Int32
        var output: String
    }

    /// Runs `tool` (qpdf, pdftotext) on `pdf`, written to a temporary file that `arguments` name as
    /// `{file}`.
    static func run(_ tool: String, _ arguments: [String], on pdf: Data) throws -> ToolRun {
        let folder = try TemporaryFolder("csss-pdf")
        let file = folder.file("report.pdf")
        try pdf.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments.map { $0 == "{file}" ? file.path : $0 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return ToolRun(status: process.terminationStatus, output: String(decoding: output, as: UTF8.self))
    }
}
