import CCairo
import Foundation

/// One panel of the training curves: a metric's training and validation values by epoch.
struct CurvePanel {
    var title: String
    var x: Double, y: Double, width: Double, height: Double
    var epochs: [Double]
    var train: [Double]
    var validation: [Double]
    var bestEpoch: Int?
    /// Accuracy: the axis runs within 0…1.
    var fraction: Bool

    func draw(on plot: PlotSurface) {
        let canvas = plot.canvas
        let heading = canvas.text(title, font: MetricPlots.axisFont)
        canvas.draw(heading, x: x + (width - heading.width) / 2, y: y - 30, color: .heading)

        let (low, high) = valueRange()
        let firstEpoch = epochs.min()!, lastEpoch = epochs.max()!
        let (epochLow, epochHigh) = firstEpoch == lastEpoch ? (firstEpoch - 1, lastEpoch + 1) : (firstEpoch, lastEpoch)
        func point(_ epoch: Double, _ value: Double) -> (Double, Double) {
            (x + (epoch - epochLow) / (epochHigh - epochLow) * width, y + height - (value - low) / (high - low) * height)
        }

        // Grid and value ticks.
        for step in 0...5 {
            let value = low + (high - low) * Double(step) / 5
            let (_, py) = point(epochLow, value)
            plot.line(from: (x, py), to: (x + width, py), color: MetricPlots.grid, width: 1)
            let tick = canvas.text(Self.format(value), font: MetricPlots.labelFont)
            canvas.draw(tick, x: x - 8 - tick.width, y: py - tick.height / 2, color: .muted)
        }
        for epoch in epochTicks(low: epochLow, high: epochHigh) {
            let (px, _) = point(epoch, low)
            plot.line(from: (px, y), to: (px, y + height), color: MetricPlots.grid, width: 1)
            let tick = canvas.text(String(Int(epoch)), font: MetricPlots.labelFont)
            canvas.draw(tick, x: px - tick.width / 2, y: y + height + 6, color: .muted)
        }
        plot.outline(x: x, y: y, width: width, height: height, color: .rule)
        let axis = canvas.text("Epoch", font: MetricPlots.labelFont)
        canvas.draw(axis, x: x + (width - axis.width) / 2, y: y + height + 28, color: .text)

        if let bestEpoch {
            let (px, _) = point(Double(bestEpoch), low)
            plot.line(from: (px, y), to: (px, y + height), color: MetricPlots.bestColor, width: 1.5, dash: [6, 4])
            if let index = epochs.firstIndex(of: Double(bestEpoch)), validation[index].isFinite {
                let marker = point(Double(bestEpoch), validation[index])
                plot.dot(at: marker, radius: 7, color: MetricPlots.bestColor)
            }
        }
        series(train, color: MetricPlots.trainColor, on: plot, point: point)
        series(validation, color: MetricPlots.validationColor, on: plot, point: point)
        legend(on: plot)
    }

    private func series(_ values: [Double], color: ReportColor, on plot: PlotSurface,
                        point: (Double, Double) -> (Double, Double)) {
        // A run without validation images has no validation values (NaN): that curve is not drawn.
        let points = zip(epochs, values).filter { $0.1.isFinite }.map { point($0, $1) }
        guard !points.isEmpty else { return }
        plot.canvas.setColor(color)
        cairo_set_line_width(plot.cairo, 2.5)
        for (index, p) in points.enumerated() {
            if index == 0 { cairo_move_to(plot.cairo, p.0, p.1) } else { cairo_line_to(plot.cairo, p.0, p.1) }
        }
        cairo_stroke(plot.cairo)
        for p in points where points.count <= 40 { plot.dot(at: p, radius: 3.5, color: color) }
    }

    /// A boxed key in the panel's corner away from where the curves usually are: bottom right for
    /// accuracy (which rises), top right for loss (which falls).
    private func legend(on plot: PlotSurface) {
        var entries = [("train", MetricPlots.trainColor), ("validation", MetricPlots.validationColor)]
        if let bestEpoch { entries.append(("best epoch (\(bestEpoch), lowest val loss)", MetricPlots.bestColor)) }
        let blocks = entries.map { plot.canvas.text($0.0, font: MetricPlots.labelFont) }
        let boxWidth = (blocks.map(\.width).max() ?? 0) + 52, lineHeight = 22.0
        let boxHeight = Double(entries.count) * lineHeight + 12
        let left = x + width - boxWidth - 10
        let top = fraction ? y + height - boxHeight - 10 : y + 10
        plot.canvas.box(x: left, y: top, width: boxWidth, height: boxHeight, fill: ReportColor(red: 1, green: 1, blue: 1), edge: .rule)
        for (index, entry) in entries.enumerated() {
            let rowY = top + 6 + Double(index) * lineHeight + lineHeight / 2
            plot.line(from: (left + 10, rowY), to: (left + 36, rowY), color: entry.1, width: 2.5,
                      dash: index == 2 ? [6, 4] : [])
            plot.canvas.draw(blocks[index], x: left + 44, y: rowY - blocks[index].height / 2)
        }
    }

    /// Accuracy from a tenth below its lowest value (or 0) to 1; loss from 0 to a little above its highest.
    private func valueRange() -> (Double, Double) {
        let values = (train + validation).filter(\.isFinite)
        let lowest = values.min() ?? 0, highest = values.max() ?? 1
        if fraction {
            let low = max(0, (lowest * 10).rounded(.down) / 10 - 0.1)
            return (low, low < 1 ? 1 : low + 0.1)
        }
        let top = highest > 0 ? highest * 1.1 : 1
        return (min(0, lowest), top)
    }

    /// Whole epochs at a step that gives at most about 10 ticks.
    private func epochTicks(low: Double, high: Double) -> [Double] {
        let span = max(1, high - low)
        let step = [1.0, 2, 5, 10, 20, 50, 100, 200, 500].first { span / $0 <= 10 } ?? (span / 10).rounded(.up)
        let first = (low / step).rounded(.up) * step
        return stride(from: first, through: high, by: step).filter { $0 >= low && $0 == $0.rounded() }
    }

    private static func format(_ value: Double) -> String {
        String(format: abs(value) >= 10 ? "%.0f" : "%.2f", value)
    }
}
