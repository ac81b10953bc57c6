import CCairo
import CPango
import Foundation

/// The report's sections, top to bottom, each advancing the composer's cursor.
extension ReportComposer {
    /// Logo and hospital on the left, the report's identity on the right, a dark rule under both.
    func drawHeader() {
        let top = y
        var textLeft = left
        var logoHeight = 0.0
        if let logo {
            let aspect = Double(cairo_image_surface_get_width(logo.surface))
                / Double(cairo_image_surface_get_height(logo.surface))
            let logoWidth = min(ReportPage.logoHeight * aspect, 50 * ReportPage.millimetre)
            let drawn = canvas.image(logo.surface, fittingX: left, y: top, width: logoWidth, height: ReportPage.logoHeight)
            textLeft = drawn.x + drawn.width + 10
            logoHeight = ReportPage.logoHeight
        }
        let rightWidth = 165.0
        let rightLeft = left + width - rightWidth
        var version = "Version \(content.version)"
        if let amends = content.amendsVersion { version += ", amends version \(amends)" }
        var rightY = top
        for (line, font, color) in [
            ("Report \(ReportFormat.reportID(content.reportID))", ReportFont.result, ReportColor.heading),
            (version, ReportFont.label, ReportColor.text),
            ("Created \(ReportFormat.dateTime(content.createdAt))", ReportFont.label, ReportColor.muted),
        ] {
            rightY += canvas.write(line, font: font, x: rightLeft, y: rightY, width: rightWidth, color: color,
                                   alignment: PANGO_ALIGN_RIGHT) + 1
        }
        let textWidth = rightLeft - 10 - textLeft
        let name = canvas.text(content.hospital.name, font: .hospital, width: textWidth)
        let title = canvas.text("AI-Assisted Screening Report", font: .title, width: textWidth)
        let textHeight = name.height + 2 + title.height
        // Centre the two lines against the logo when there is one.
        let textTop = top + max(0, (logoHeight - textHeight) / 2)
        canvas.draw(name, x: textLeft, y: textTop, color: .heading)
        canvas.draw(title, x: textLeft, y: textTop + name.height + 2, color: .text)
        y = max(top + logoHeight, textTop + textHeight, rightY) + 6
        canvas.rule(x: left, y: y, width: width, color: .heading, lineWidth: 1.5)
        y += 12
    }

    /// Patient and scan in two light boxes of equal height.
    func drawPatientAndScan() {
        let patient = content.patient, scan = content.scan
        let boxes: [(String, [(String, String)])] = [
            ("Patient", [
                ("Name", patient.name),
                ("MRN", patient.identifier),
                ("Age", patient.age.map { "\($0) years" } ?? "—"),
                ("Sex", ReportFormat.sex(patient.sex)),
            ]),
            ("Scan", [
                ("Scan ID", String(scan.scanID)),
                ("Modality", scan.modality ?? "—"),
                ("Body part", scan.bodyPart ?? "—"),
                ("Format", scan.format),
                ("Date", ReportFormat.dateTime(scan.date)),
            ]),
        ]
        let gap = 12.0, padding = 8.0, labelWidth = 60.0
        let boxWidth = (width - gap) / 2
        let valueWidth = boxWidth - 2 * padding - labelWidth
        let laidOut = boxes.map { title, rows in
            (canvas.text(title, font: .boxHeading), rows.map { label, value in
                (canvas.text(label, font: .label, width: labelWidth - 4),
                 canvas.text(value, font: .body, width: valueWidth))
            })
        }
        let heights = laidOut.map { heading, rows in
            heading.height + 4 + rows.reduce(0) { $0 + max($1.0.height, $1.1.height) + 2 }
        }
        let boxHeight = heights.max()! + 2 * padding
        ensureSpace(boxHeight)
        for (index, (heading, rows)) in laidOut.enumerated() {
            let x = left + Double(index) * (boxWidth + gap)
            canvas.box(x: x, y: y, width: boxWidth, height: boxHeight, fill: .boxFill, edge: .rule)
            var rowY = y + padding
            canvas.draw(heading, x: x + padding, y: rowY, color: .heading)
            rowY += heading.height + 4
            for (label, value) in rows {
                // The label's smaller type sits on the value's baseline region, nudged down a point.
                canvas.draw(label, x: x + padding, y: rowY + 1, color: .muted)
                canvas.draw(value, x: x + padding + labelWidth, y: rowY, color: .text)
                rowY += max(label.height, value.height) + 2
            }
        }
        y += boxHeight + 12
    }

    /// The predicted class, a bar per class, the low-confidence warning and the model's identity.
    func drawResult() {
        let finding = content.finding
        let headline = canvas.text("Predicted class: \(finding.label)    Confidence: \(ReportFormat.percent(finding.confidence))",
                                   font: .result, width: width)
        sectionHeading("AI result", keepWith: headline.height)
        canvas.draw(headline, x: left, y: y, color: .text)
        y += headline.height + 6

        let labelWidth = 130.0, percentWidth = 50.0, rowHeight = 15.0
        let trackLeft = left + labelWidth + 6
        let trackWidth = width - labelWidth - 6 - percentWidth - 6
        let top = finding.probabilities.firstIndex { $0.label == finding.label }
            ?? finding.probabilities.indices.max { finding.probabilities[$0].probability < finding.probabilities[$1].probability }
        for (index, entry) in finding.probabilities.enumerated() {
            ensureSpace(rowHeight)
            let isTop = index == top
            let label = canvas.text(entry.label, font: ReportFont(points: 9, bold: isTop), width: labelWidth, ellipsize: true)
            canvas.draw(label, x: left, y: y + (rowHeight - label.height) / 2, color: isTop ? .heading : .text)
            let barY = y + (rowHeight - 8) / 2
            canvas.fillRect(x: trackLeft, y: barY, width: trackWidth, height: 8, color: .barTrack)
            let fraction = min(1, max(0, entry.probability))
            canvas.fillRect(x: trackLeft, y: barY, width: trackWidth * fraction, height: 8,
                            color: isTop ? .barTop : .barOther)
            let percent = canvas.text(ReportFormat.percent(entry.probability), font: ReportFont(points: 9, bold: isTop),
                                      width: percentWidth, alignment: PANGO_ALIGN_RIGHT)
            canvas.draw(percent, x: left + width - percentWidth, y: y + (rowHeight - percent.height) / 2,
                        color: isTop ? .heading : .text)
            y += rowHeight
        }
        y += 6

        if finding.demoModel {
            let warning = canvas.text(ModelCard.demoWarning, font: ReportFont(points: 11, bold: true), width: width - 24)
            let boxHeight = warning.height + 12
            ensureSpace(boxHeight)
            canvas.box(x: left, y: y, width: width, height: boxHeight, fill: .warningFill, edge: .warningEdge, lineWidth: 1.5)
            canvas.draw(warning, x: left + 14, y: y + 6, color: .warningText)
            y += boxHeight + 8
        }

        if finding.lowConfidence {
            let threshold = (finding.threshold * 100).rounded() == finding.threshold * 100
                ? String(format: "%.0f %%", finding.threshold * 100) : ReportFormat.percent(finding.threshold)
            let warning = canvas.text("Low confidence: below the \(threshold) threshold — review with particular care",
                                      font: ReportFont(points: 10, bold: true), width: width - 24)
            let boxHeight = warning.height + 12
            ensureSpace(boxHeight)
            canvas.box(x: left, y: y, width: width, height: boxHeight, fill: .warningFill, edge: .warningEdge, lineWidth: 1)
            canvas.fillRect(x: left, y: y, width: 4, height: boxHeight, color: .warningEdge)
            canvas.draw(warning, x: left + 14, y: y + 6, color: .warningText)
            y += boxHeight + 8
        }

        let model = canvas.text("Model: \(finding.modelName)    SHA-256: \(finding.modelSHA256.prefix(16))",
                                font: .small, width: width)
        ensureSpace(model.height)
        canvas.draw(model, x: left, y: y, color: .muted)
        y += model.height + 12
    }

    /// The scan and its heatmap side by side, captioned, then the attention regions.
    func drawImages() {
        let gap = 12.0, frameHeight = 160.0
        let frameWidth = (width - gap) / 2
        let caption = canvas.text("Scan", font: .label)
        sectionHeading("Images", keepWith: frameHeight + 4 + caption.height)
        for (index, (bitmap, title)) in [(scan, "Scan"), (overlay, "Grad-CAM heatmap")].enumerated() {
            let x = left + Double(index) * (frameWidth + gap)
            canvas.box(x: x, y: y, width: frameWidth, height: frameHeight, fill: .boxFill, edge: .rule)
            canvas.image(bitmap.surface, fittingX: x + 4, y: y + 4, width: frameWidth - 8, height: frameHeight - 8)
            canvas.write(title, font: .label, x: x, y: y + frameHeight + 4, width: frameWidth, color: .muted,
                         alignment: PANGO_ALIGN_CENTER)
        }
        y += frameHeight + 4 + caption.height + 8
        let regions = content.attentionRegions.isEmpty ? "none reported" : content.attentionRegions.joined(separator: ", ")
        let attention = canvas.text("Attention regions: \(regions)", font: .body, width: width)
        ensureSpace(attention.height)
        canvas.draw(attention, x: left, y: y, color: .text)
        y += attention.height + 12
    }

    /// The remarks, line by line so a long text continues on the next page instead of being clipped.
    func drawRemarks() {
        let remarks = content.remarks.trimmingCharacters(in: .whitespacesAndNewlines)
        let block = canvas.text(remarks.isEmpty ? "No remarks." : remarks,
                                font: ReportFont(points: 10, italic: remarks.isEmpty), width: width)
        let leading = 2.0
        let iterator = pango_layout_get_iter(block.layout)!
        defer { pango_layout_iter_free(iterator) }
        var first = true, atPageTop = false
        repeat {
            var logical = PangoRectangle()
            pango_layout_iter_get_line_extents(iterator, nil, &logical)
            let lineHeight = Double(logical.height) / Double(PANGO_SCALE)
            let baseline = Double(pango_layout_iter_get_baseline(iterator) - logical.y) / Double(PANGO_SCALE)
            if first {
                sectionHeading("Doctor's remarks", keepWith: lineHeight)
                first = false
            } else if y + lineHeight > ReportPage.contentBottom {
                newPage()
                y += canvas.write("Doctor's remarks (continued)", font: ReportFont(points: 10, bold: true),
                                  x: left, y: y, width: width, color: .heading) + 4
                atPageTop = true
            }
            // A blank line between paragraphs is not worth starting a page with.
            let line = pango_layout_iter_get_line_readonly(iterator)
            if atPageTop, let line, line.pointee.length == 0 { continue }
            atPageTop = false
            if canvas.isDrawing, let line {
                canvas.setColor(remarks.isEmpty ? .muted : .text)
                cairo_move_to(canvas.cairo, left + Double(logical.x) / Double(PANGO_SCALE), y + baseline)
                pango_cairo_show_layout_line(canvas.cairo, line)
            }
            y += lineHeight + leading
        } while pango_layout_iter_next_line(iterator) != 0
        y += 10
    }

    /// The reviewing doctor and a line to sign on, kept together.
    func drawSignature() {
        let label = canvas.text("Reviewing clinician", font: .label)
        let name = canvas.text(content.doctorName, font: ReportFont(points: 11, bold: true), width: width / 2 - 10)
        let lineGap = 26.0
        ensureSpace(max(label.height + 2 + name.height, lineGap + 4 + label.height))
        canvas.draw(label, x: left, y: y, color: .muted)
        canvas.draw(name, x: left, y: y + label.height + 2, color: .text)
        let lineWidth = 200.0, lineLeft = left + width - lineWidth
        canvas.rule(x: lineLeft, y: y + lineGap, width: lineWidth, color: .text, lineWidth: 0.8)
        canvas.write("Signature", font: .label, x: lineLeft, y: y + lineGap + 3, width: lineWidth / 2, color: .muted)
        canvas.write("Date: \(ReportFormat.day(content.createdAt))", font: .label, x: lineLeft + lineWidth / 2,
                     y: y + lineGap + 3, width: lineWidth / 2, color: .muted, alignment: PANGO_ALIGN_RIGHT)
        y += max(label.height + 2 + name.height, lineGap + 4 + label.height) + 8
    }
}
