import CSSSEngine
import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSClinic

@Suite("Report renderer")
struct ReportRendererTests {
    // MARK: Fixtures

    /// A 512×512 gray gradient standing in for a scan.
    static func gradient(size: Int = 512) -> Image {
        var samples = [UInt8](repeating: 0, count: size * size)
        for row in 0..<size {
            for column in 0..<size { samples[row * size + column] = UInt8((row + column) * 255 / (2 * size - 2)) }
        }
        return Image(width: size, height: size, colorModel: .gray, samples: .uint8(samples))
    }

    /// The gradient tinted red to yellow, standing in for a Grad-CAM overlay.
    static func heatmap(size: Int = 512) -> Image {
        var samples = [UInt8](repeating: 0, count: size * size * 3)
        for row in 0..<size {
            for column in 0..<size {
                let index = (row * size + column) * 3
                samples[index] = 255
                samples[index + 1] = UInt8(column * 255 / (size - 1))
                samples[index + 2] = UInt8(row * 128 / (size - 1))
            }
        }
        return Image(width: size, height: size, colorModel: .rgb, samples: .uint8(samples))
    }

    static func content(patientName: String = "Maria Okafor", remarks: String = "Consolidation in the right lower zone.",
                        lowConfidence: Bool = false, logoPNG: Data? = nil, imageSize: Int = 512) -> ReportContent {
        ReportContent(
            hospital: .init(name: "St Mary's Teaching Hospital", logoPNG: logoPNG),
            reportID: 123, version: 2, amendsVersion: 1,
            createdAt: Date(timeIntervalSince1970: 1_795_788_300),  // 2026-11-27 14:05 UTC
            patient: .init(name: patientName, identifier: "MRN-004217", age: 54, sex: "F"),
            scan: .init(scanID: 88, modality: "CR", bodyPart: "CHEST", date: Date(timeIntervalSince1970: 1_795_700_000),
                        format: "DICOM"),
            finding: .init(label: "Pneumonia", confidence: lowConfidence ? 0.612 : 0.873,
                           probabilities: [.init(label: "Normal", probability: lowConfidence ? 0.301 : 0.094),
                                           .init(label: "Pneumonia", probability: lowConfidence ? 0.612 : 0.873),
                                           .init(label: "Tuberculosis", probability: lowConfidence ? 0.087 : 0.033)],
                           lowConfidence: lowConfidence, threshold: 0.75, modelName: "chest-xray-mobilenetv2",
                           modelSHA256: "3f9a1c0be4d27785aa01c2d3e4f5060718293a4b5c6d7e8f9001122334455667"),
            scanImage: gradient(size: imageSize), overlay: heatmap(size: imageSize),
            attentionRegions: ["right lower zone", "right hilum"],
            remarks: remarks, doctorName: "Dr. Aisha Rahman", sealCode: "K7QM-2XPA-9D")
    }

    /// About 400 words of varied clinical prose, ending in `longRemarksEnding`.
    static let longRemarksEnding = "Closing note: repeat the radiograph in six weeks, reference zebra-quartz."
    static var longRemarks: String {
        let sentences = [
            "The patchy airspace opacity in the right lower zone is consistent with the clinical history of fever and productive cough.",
            "No pleural effusion is seen and the costophrenic angles remain sharp on both sides.",
            "The cardiac silhouette is within normal limits for a frontal projection taken in the upright position.",
            "Mediastinal contours are unremarkable; the trachea is central and the hila are of normal size and density.",
            "Compared with the previous study the opacity has increased modestly in extent, although the volume loss is minimal.",
            "The heatmap concentrates on the same region, which agrees with the visual reading and supports the model's output.",
            "Bony structures show mild degenerative change of the thoracic spine without any acute abnormality.",
        ]
        var words: [String] = []
        var index = 0
        while words.count < 400 {
            words += sentences[index % sentences.count].split(separator: " ").map(String.init)
            if index % 5 == 4 { words[words.count - 1] += "\n" }
            index += 1
        }
        return words.joined(separator: " ").replacingOccurrences(of: "\n ", with: "\n\n") + " " + longRemarksEnding
    }

    // MARK: Tools

    /// Runs a poppler tool on `pdf` and returns its standard output.
    static func run(_ tool: String, _ arguments: [String], on pdf: Data, in folder: TemporaryFolder) throws -> String {
        let file = folder.file("report-\(UUID().uuidString).pdf")
        try pdf.write(to: file)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(tool)")
        process.arguments = arguments + [file.path] + (tool == "pdftotext" ? ["-"] : [])
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let bytes = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whitespace runs folded to one space, so wrapped lines still match a sentence.
    static func folded(_ text: String) -> String {
        text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    static func info(_ pdf: Data) throws -> [String: String] {
        let folder = try TemporaryFolder("csss-report")
        var fields: [String: String] = [:]
        for line in try run("pdfinfo", [], on: pdf, in: folder).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    static func text(_ pdf: Data, pages: ClosedRange<Int>? = nil) throws -> String {
        let folder = try TemporaryFolder("csss-report")
        let range = pages.map { ["-f", String($0.lowerBound), "-l", String($0.upperBound)] } ?? []
        return try run("pdftotext", ["-layout", "-enc", "UTF-8"] + range, on: pdf, in: folder)
    }

    // MARK: Tests

    @Test("a report is a PDF returned in memory")
    func returnsPDFBytes() throws {
        let pdf = try ReportRenderer().render(Self.content())
        #expect(pdf.starts(with: Array("%PDF-".utf8)))
        #expect(String(decoding: pdf.suffix(8), as: UTF8.self).contains("%%EOF"))
    }

    @Test("a short report is one A4 page whose metadata names the report, hospital and seal but not the patient")
    func metadata() throws {
        let info = try Self.info(try ReportRenderer().render(Self.content()))
        #expect(info["Pages"] == "1")
        #expect(info["Page size"]?.hasPrefix("595.28 x 841.89 pts") == true)
        #expect(info["Title"] == "AI-Assisted Screening Report R-000123 v2")
        #expect(info["Author"] == "St Mary's Teaching Hospital")
        #expect(info["Subject"] == "CSSS seal K7QM-2XPA-9D")
        #expect(info["Creator"] == "CSSS")
        #expect(info["CreationDate"]?.contains("2026") == true)
        #expect(!info.values.contains { $0.contains("Okafor") })
    }

    @Test("the page shows patient, result, model, seal, page number and disclaimer")
    func pageText() throws {
        let text = Self.folded(try Self.text(try ReportRenderer().render(Self.content())))
        for expected in ["Maria Okafor", "MRN-004217", "Pneumonia", "87.3 %", "Page 1 of 1", "K7QM-2XPA-9D",
                         "chest-xray-mobilenetv2", "3f9a1c0be4d27785", "R-000123", "Version 2", "amends version 1",
                         "2026-11-27 14:05 UTC", "AI-Assisted Screening Report", "Dr. Aisha Rahman", "Signature",
                         "right lower zone, right hilum", "Grad-CAM heatmap", "not a diagnosis",
                         "must be reviewed by a qualified clinician"] {
            #expect(text.contains(expected), "missing \(expected)")
        }
        #expect(!text.contains("3f9a1c0be4d277855"), "only 16 hex digits of the model's hash are printed")
    }

    @Test("long remarks flow onto a second page instead of being clipped")
    func longRemarksFlow() throws {
        let pdf = try ReportRenderer().render(Self.content(remarks: Self.longRemarks))
        let info = try Self.info(pdf)
        #expect(Int(info["Pages"] ?? "") ?? 0 >= 2)
        let pageTwo = Self.folded(try Self.text(pdf, pages: 2...2))
        #expect(pageTwo.contains(Self.longRemarksEnding))
        #expect(pageTwo.contains("Page 2 of 2"))
        #expect(pageTwo.contains("K7QM-2XPA-9D"))
        let pageOne = Self.folded(try Self.text(pdf, pages: 1...1))
        #expect(pageOne.contains("Page 1 of 2"))
        #expect(pageOne.contains("The patchy airspace opacity"))
    }

    @Test("names in Latin with accents, Devanagari and Tamil come back out of the PDF",
          arguments: ["José Müller-Ñúñez", "अनन्या शर्मा", "தமிழ் செல்வன்"])
    func nonASCIINames(name: String) throws {
        let pdf = try ReportRenderer().render(Self.content(patientName: name, remarks: "Reviewed with \(name)."))
        let text = try Self.text(pdf).precomposedStringWithCanonicalMapping
        #expect(text.contains(name.precomposedStringWithCanonicalMapping))
    }

    @Test("the low-confidence warning appears only when the confidence is low")
    func lowConfidenceWarning() throws {
        let warning = "Low confidence: below the 75 % threshold — review with particular care"
        let low = Self.folded(try Self.text(try ReportRenderer().render(Self.content(lowConfidence: true))))
        let high = Self.folded(try Self.text(try ReportRenderer().render(Self.content(lowConfidence: false))))
        #expect(low.contains(warning))
        #expect(!high.contains("Low confidence"))
    }

    @Test("a logo that is not a PNG is rejected with the setting's name")
    func malformedLogo() throws {
        #expect(throws: ReportRenderingError.logoNotPNG) {
            try ReportRenderer().render(Self.content(logoPNG: Data("<svg/>".utf8)))
        }
        // A PNG signature followed by garbage is no better.
        let truncated = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 1, 2, 3])
        #expect(throws: ReportRenderingError.logoNotPNG) {
            try ReportRenderer().render(Self.content(logoPNG: truncated))
        }
        #expect(ReportRenderingError.logoNotPNG.description == "HOSPITAL_LOGO is not a PNG image")
    }

    @Test("with a PNG logo and a low-confidence warning, a short report still fits one page")
    func logoIsDrawn() throws {
        let logo = try Self.heatmap(size: 64).pngData()
        let pdf = try ReportRenderer().render(Self.content(lowConfidence: true, logoPNG: logo))
        #expect(try Self.info(pdf)["Pages"] == "1")
        #expect(pdf.count > (try ReportRenderer().render(Self.content(lowConfidence: true))).count)
    }

    @Test("a report with a 1024×1024 scan renders well under 300 ms")
    func renderingSpeed() throws {
        let content = Self.content(remarks: Self.longRemarks, imageSize: 1024)
        let renderer = ReportRenderer()
        _ = try renderer.render(content)
        var times: [Double] = []
        for _ in 0..<5 {
            let start = ContinuousClock.now
            _ = try renderer.render(content)
            let elapsed = ContinuousClock.now - start
            times.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
        let median = times.sorted()[2]
        #expect(median < 0.3, "median \(median) s")
    }
}
