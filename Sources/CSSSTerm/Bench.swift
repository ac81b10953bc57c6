import ArgumentParser
import CSSSClinic
import Foundation

/// `csss bench`: how fast the engine runs a model on this machine.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure inference latency and throughput.",
        discussion: """
            Times the network alone after warm-up: median and p90 latency per call and images per second. \
            With --image, decoding and preprocessing that scan are timed apart. With --json the last line \
            is {"model", "input_size", "threads", "batch", "runs", "latency_ms": {"median", "p90"}, "images_per_s"}. \
            --gradcam adds what Grad-CAM of one image costs on top of its inference ("gradcam" in the JSON).

            Example:
              csss bench --model lung_classifier.h5 --threads 1 --batch 1 --runs 100 --json
            """
    )

    @Option(help: ArgumentHelp("Keras model file. Default: MODEL_PATH.", valueName: "path"))
    var model: String?

    @Option(help: "CPU cores the network may use.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "Images per call.")
    var batch: Int = 1

    @Option(help: "Timed calls, after 3 warm-up calls.")
    var runs: Int = 50

    @Option(help: ArgumentHelp("A scan to fill the batch with; its preprocessing is timed apart.", valueName: "path"))
    var image: String?

    @Flag(help: "End with the result as one JSON line.")
    var json = false

    @Flag(help: "Also time Grad-CAM of one image on top of its inference.")
    var gradcam = false

    @Option(help: ArgumentHelp("The layer --gradcam explains. Default: the model's last feature map.", valueName: "name"))
    var layer: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard batch >= 1 else { throw ValidationError("--batch must be at least 1") }
        guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        let settings = try PredictionSettings(environment: ClinicEnvironment.current())
        guard let modelPath = model ?? settings.modelPath else {
            throw ValidationError("no model: pass --model FILE or set MODEL_PATH")
        }
        let result = try InferenceBenchmark(modelPath: modelPath, threads: threads, batchSize: batch,
                                            runs: runs, imagePath: image,
                                            gradCAMLayer: gradcam ? (layer ?? "") : nil).run()
        print("""
            model      \(result.model)
            input      \(result.inputSize.map(String.init).joined(separator: "x")), batch \(result.batch), \(result.threads) thread(s), \(result.runs) runs
            latency    median \(String(format: "%.2f", result.latency.median)) ms, p90 \(String(format: "%.2f", result.latency.p90)) ms
            throughput \(String(format: "%.1f", result.imagesPerSecond)) images/s
            """)
        if let preprocess = result.preprocessMilliseconds {
            print("preprocess \(String(format: "%.2f", preprocess)) ms per image (decode + resize + scale), not included above")
        }
        if let cost = result.gradCAM {
            print("grad-cam   \(cost.layer): \(String(format: "%.2f", cost.explainMedian)) ms with its inference, \(String(format: "%.2f", cost.inferenceMedian)) ms without: +\(String(format: "%.0f", cost.overheadFraction * 100))% of one inference")
        }
        if json { print(result.json.text) }
    }
}
