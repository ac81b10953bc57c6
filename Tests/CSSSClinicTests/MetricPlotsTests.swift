import CSSSClinic
import CSSSTestSupport
import Foundation
import Testing

@Suite("Metric plots and training history")
struct MetricPlotsTests {
    static let history = TrainingHistory(epochs: (1...12).map { epoch in
        let e = Double(epoch)
        return EpochRecord(epoch: epoch, loss: 1.2 / e + 0.05, accuracy: 1 - 0.5 / e, valLoss: 0.9 / e + 0.02 * e + 0.1,
                           valAccuracy: 0.95 - 0.4 / e - 0.004 * e, learningRate: 0.001, seconds: 31.5)
    })

    /// Saves a plot into `$CSSS_KEEP_PLOTS`, when set, for a person to look at.
    static func keep(_ png: Data, _ name: String) throws {
        guard let folder = ProcessInfo.processInfo.environment["CSSS_KEEP_PLOTS"], !folder.isEmpty else { return }
        try png.write(to: URL(fileURLWithPath: folder).appendingPathComponent(name))
    }

    /// The RGB of the pixel at (x, y) of a decoded 8-bit RGB image.
    private func pixel(_ image: ScanImage, _ x: Int, _ y: Int) -> [UInt8] {
        let rgb = image.rgbBytes(), index = 3 * (y * image.width + x)
        return Array(rgb[index..<index + 3])
    }

    @Test("the confusion matrix is a PNG whose busiest cell is darkest and whose empty cells are white")
    func confusionMatrix() throws {
        let names = ["NORMAL", "PNEUMONIA", "COVID-19 (long class name)"]
        let png = try MetricPlots.confusionMatrixPNG([[30, 2, 0], [5, 40, 1], [0, 3, 20]], classNames: names)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let folder = try TemporaryFolder("plots")
        let url = folder.file("confusion_matrix.png")
        try MetricPlots.write(png, to: url)
        try Self.keep(png, "confusion_matrix.png")
        let image = try ScanImage(contentsOf: url)
        #expect(image.width > 400 && image.height > 400)
        // Scan the image for the darkest and the whitest pixels: the 40 cell is the heading's dark blue.
        let rgb = image.rgbBytes()
        var darkest = Int.max
        for index in stride(from: 0, to: rgb.count, by: 3) {
            let sum: Int = Int(rgb[index]) + Int(rgb[index + 1]) + Int(rgb[index + 2])
            darkest = min(darkest, sum)
        }
        #expect(darkest < 3 * 110)
        #expect(pixel(image, 2, 2) == [255, 255, 255])
        #expect(throws: MetricPlotError.matrixShape(rows: 1, classes: 2)) {
            try MetricPlots.confusionMatrixPNG([[1, 2]], classNames: ["a", "b"])
        }
    }

    @Test("the training curves are a two-panel PNG with both series' colours")
    func trainingCurves() throws {
        let png = try MetricPlots.trainingCurvesPNG(Self.history)
        let folder = try TemporaryFolder("plots")
        let url = folder.file("training_curves.png")
        try MetricPlots.write(png, to: url)
        try Self.keep(png, "training_curves.png")
        let image = try ScanImage(contentsOf: url)
        #expect(image.width == 1280 && image.height == 560)
        let rgb = image.rgbBytes()
        var colours = Set<[UInt8]>()
        for index in stride(from: 0, to: rgb.count, by: 3) {
            colours.insert([rgb[index], rgb[index + 1], rgb[index + 2]])
        }
        func near(_ target: [Int]) -> Bool {
            colours.contains { (colour: [UInt8]) -> Bool in
                (0..<3).allSatisfy { (channel: Int) -> Bool in abs(Int(colour[channel]) - target[channel]) <= 2 }
            }
        }
        #expect(near([31, 102, 191]))   // train blue
        #expect(near([230, 115, 13]))   // validation orange
        #expect(near([38, 140, 64]))    // best-epoch green
        #expect(throws: MetricPlotError.emptyHistory) { try MetricPlots.trainingCurvesPNG(TrainingHistory(epochs: [])) }
    }

    @Test("history.json keeps its keys in order and reads back equal; the best epoch has the lowest val loss")
    func historyRoundTrip() throws {
        let folder = try TemporaryFolder("history")
        let url = folder.file("history.json")
        try Self.history.write(to: url)
        let text = try String(contentsOf: url, encoding: .utf8)
        #expect(text.hasPrefix("{\"epochs\":[{\"epoch\":1,\"loss\":1.25,\"accuracy\":0.5,\"val_loss\":"))
        #expect(text.contains("\"learning_rate\":0.001,\"seconds\":31.5}"))
        #expect(try TrainingHistory(contentsOf: url) == Self.history)
        // 0.9/e + 0.02e is lowest at e = √45 ≈ 6.7; epoch 7 beats 6.
        #expect(Self.history.bestEpoch?.epoch == 7)
        try Data("{\"epochs\": [{\"epoch\": 1}]}".utf8).write(to: url)
        #expect(throws: TrainingHistoryError.self) { try TrainingHistory(contentsOf: url) }
    }
}
