import CCairo
import CPango
import Foundation

/// Why a plot could not be drawn or saved.
public enum MetricPlotError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The confusion matrix is not square with one row per class name.
    case matrixShape(rows: Int, classes: Int)
    /// The history has no epoch to draw.
    case emptyHistory
    /// cairo failed.
    case drawing(String)
    /// The PNG could not be written.
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .matrixShape(let rows, let classes): "the confusion matrix has \(rows) rows for \(classes) classes"
        case .emptyHistory: "the training history has no epochs"
        case .drawing(let message): message
        case .cannotWrite(let path, let reason): "\(path): the plot cannot be written: \(reason)"
        }
    }
}

/// PNG charts of an evaluation: the confusion matrix as a heatmap and the training curves.
///
/// ```swift
/// let png = try MetricPlots.confusionMatrixPNG(metrics.confusionMatrix, classNames: metrics.classNames)
/// try MetricPlots.write(png, to: URL(fileURLWithPath: "confusion_matrix.png"))
/// ```
public enum MetricPlots {
    static let titleFont = ReportFont(points: 20, bold: true)
    static let labelFont = ReportFont(points: 14)
    static let axisFont = ReportFont(points: 15, bold: true)
    static let white = ReportColor(red: 1, green: 1, blue: 1)
    static let trainColor = ReportColor(red: 0.12, green: 0.40, blue: 0.75)
    static let validationColor = ReportColor(red: 0.90, green: 0.45, blue: 0.05)
    static let bestColor = ReportColor(red: 0.15, green: 0.55, blue: 0.25)
    static let grid = ReportColor(red: 0.88, green: 0.89, blue: 0.91)

    /// Writes `png` to `url` whole or not at all.
    public static func write(_ png: Data, to url: URL) throws(MetricPlotError) {
        do { try png.write(to: url, options: .atomic) } catch {
            throw .cannotWrite(path: url.path, reason: error.localizedDescription)
        }
    }

    /// A heatmap of `matrix` (rows true, columns predicted) with each cell's count, the class names on
    /// both axes (turned 45° when they do not fit under their column), a title and a colour bar.
    public static func confusionMatrixPNG(_ matrix: [[Int]], classNames: [String],
                                          title: String = "Confusion matrix") throws(MetricPlotError) -> Data {
        let k = classNames.count
        guard matrix.count == k, matrix.allSatisfy({ $0.count == k }), k > 0 else {
            throw .matrixShape(rows: matrix.count, classes: k)
        }
        let cell = max(44.0, min(120.0, 640.0 / Double(k)))
        let probe = try surface(width: 10, height: 10)
        let labels = classNames.map { probe.canvas.text($0, font: labelFont) }
        let labelWidth = min(260, labels.map(\.width).max() ?? 0)
        let rotate = labels.contains { $0.width > cell - 6 }
        // A label turned 45° needs width·sin 45° below the grid.
        let bottomRoom = rotate ? labelWidth * 0.71 + 24 : 28
        let left = 70 + labelWidth + 12, top = 80.0
        let grid = cell * Double(k)
        let width = Int(left + grid + 150), height = Int(top + grid + bottomRoom + 60)

        let plot = try surface(width: width, height: height)
        let canvas = plot.canvas
        let heading = canvas.text(title, font: titleFont)
        canvas.draw(heading, x: (Double(width) - heading.width) / 2, y: 24, color: .heading)
        let peak = max(1, matrix.flatMap { $0 }.max() ?? 1)

        for row in 0..<k {
            for column in 0..<k {
                let fraction = Double(matrix[row][column]) / Double(peak)
                let x = left + Double(column) * cell, y = top + Double(row) * cell
                canvas.fillRect(x: x, y: y, width: cell, height: cell, color: heat(fraction))
                let count = canvas.text(String(matrix[row][column]), font: ReportFont(points: min(18, cell / 3), bold: row == column))
                canvas.draw(count, x: x + (cell - count.width) / 2, y: y + (cell - count.height) / 2,
                            color: fraction > 0.5 ? white : .text)
            }
        }
        plot.outline(x: left, y: top, width: grid, height: grid, color: .rule)

        for (index, label) in labels.enumerated() {
            let shown = label.width > labelWidth ? canvas.text(classNames[index], font: labelFont, width: labelWidth, ellipsize: true) : label
            // Row labels, right-aligned against the grid.
            canvas.draw(shown, x: left - 10 - shown.width, y: top + (Double(index) + 0.5) * cell - shown.height / 2)
            let centre = left + (Double(index) + 0.5) * cell
            if rotate {
                // Turned so that the label's end meets the column's centre just below the grid.
                let angle = -Double.pi / 4
                let dx = shown.width * cos(angle), dy = shown.width * sin(angle)
                plot.drawRotated(shown, x: centre - dx - 4, y: top + grid + 8 - dy - 4, angle: angle)
            } else {
                canvas.draw(shown, x: centre - shown.width / 2, y: top + grid + 6)
            }
        }
        let predictedAxis = canvas.text("Predicted class", font: axisFont)
        canvas.draw(predictedAxis, x: left + (grid - predictedAxis.width) / 2, y: top + grid + bottomRoom + 8, color: .heading)
        let trueAxis = canvas.text("True class", font: axisFont)
        plot.drawRotated(trueAxis, x: 22, y: top + (grid + trueAxis.width) / 2, angle: -Double.pi / 2, color: .heading)

        // The colour bar, 0 at the bottom, the largest count at the top.
        let barX = left + grid + 40, barWidth = 22.0
        let steps = 64
        for step in 0..<steps {
            let fraction = Double(step) / Double(steps - 1)
            let y = top + grid - Double(step + 1) * grid / Double(steps)
            canvas.fillRect(x: barX, y: y, width: barWidth, height: grid / Double(steps) + 0.5, color: heat(fraction))
        }
        plot.outline(x: barX, y: top, width: barWidth, height: grid, color: .rule)
        // Whole counts only, each at its own height: a tick never claims a count the bar does not show there.
        for value in Set([0, peak / 2, peak]).sorted() {
            let fraction = Double(value) / Double(peak)
            let tick = canvas.text(String(value), font: labelFont)
            canvas.draw(tick, x: barX + barWidth + 6, y: top + grid * (1 - fraction) - tick.height / 2)
        }
        return try png(plot)
    }

    /// Two panels, accuracy and loss by epoch, each with the training and validation lines, a grid, a
    /// legend and a dashed marker at ``TrainingHistory/bestEpoch``.
    public static func trainingCurvesPNG(_ history: TrainingHistory, title: String = "Training history") throws(MetricPlotError) -> Data {
        guard !history.epochs.isEmpty else { throw .emptyHistory }
        let plot = try surface(width: 1280, height: 560)
        let heading = plot.canvas.text(title, font: titleFont)
        plot.canvas.draw(heading, x: (plot.width - heading.width) / 2, y: 18, color: .heading)
        let best = history.bestEpoch?.epoch
        let epochs = history.epochs.map { Double($0.epoch) }
        CurvePanel(title: "Accuracy", x: 80, y: 80, width: 520, height: 380, epochs: epochs,
                   train: history.epochs.map(\.accuracy), validation: history.epochs.map(\.valAccuracy),
                   bestEpoch: best, fraction: true).draw(on: plot)
        CurvePanel(title: "Loss", x: 720, y: 80, width: 520, height: 380, epochs: epochs,
                   train: history.epochs.map(\.loss), validation: history.epochs.map(\.valLoss),
                   bestEpoch: best, fraction: false).draw(on: plot)
        return try png(plot)
    }

    /// White to the report's dark blue.
    static func heat(_ fraction: Double) -> ReportColor {
        let f = max(0, min(1, fraction)), target = ReportColor.heading
        return ReportColor(red: 1 + (target.red - 1) * f, green: 1 + (target.green - 1) * f, blue: 1 + (target.blue - 1) * f)
    }

    private static func surface(width: Int, height: Int) throws(MetricPlotError) -> PlotSurface {
        do { return try PlotSurface(width: width, height: height) } catch { throw .drawing(error.description) }
    }

    private static func png(_ plot: PlotSurface) throws(MetricPlotError) -> Data {
        do { return try plot.pngData() } catch { throw .drawing(error.description) }
    }
}
