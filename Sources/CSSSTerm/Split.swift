import ArgumentParser
import CSSSClinic
import CSSSEngine
import Foundation

/// `csss split`: divides a class-folder dataset into train, validation and test folders for training.
struct Split: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Split a dataset of class folders into train, val and test copies.",
        discussion: """
            DATASET holds one folder per class (its name is the class) with PNG, JPEG or DICOM files at \
            any depth; hidden files are skipped. Files that are not usable scans are left out and listed \
            with the reason, and files with identical bytes (SHA-256) are kept once, so no image lands in \
            two splits. Each class is shuffled with the seed and divided by the ratios; a class of 3 or \
            more files gets at least one file in each split. OUTPUT must be new or empty: it receives \
            train/, val/ and test/ (copies), split_log.txt and dataset_metadata.json. The same seed always \
            gives the same split.

            Example:
              csss split --dataset chest_xray --output chest_xray_split --train 0.8 --val 0.1 --test 0.1 --seed 7
            """
    )

    @Option(help: ArgumentHelp("The dataset: one folder per class.", valueName: "dir"))
    var dataset: String

    @Option(help: ArgumentHelp("Where the split goes (must be new or empty).", valueName: "dir"))
    var output: String

    @Option(help: "Fraction of each class for training.")
    var train = 0.70

    @Option(help: "Fraction of each class for validation.")
    var val = 0.15

    @Option(help: "Fraction of each class for testing.")
    var test = 0.15

    @Flag(inversion: .prefixedNo, help: "Split each class on its own, keeping the class balance in every split.")
    var stratify = true

    @Option(help: "Seed of the shuffle; the same seed gives the same split.")
    var seed: UInt64 = 42

    func run() throws {
        let splitter = DatasetSplitter(train: train, validation: val, test: test, stratify: stratify, seed: seed)
        let report: DatasetSplitReport
        do {
            report = try splitter.split(dataset: URL(fileURLWithPath: dataset), into: URL(fileURLWithPath: output))
        } catch {
            printError(error.description)
            throw ExitCode(1)
        }
        print(report.logText, terminator: "")
        print("Wrote \(report.files.count) files to \(output) (split_log.txt, dataset_metadata.json)")
    }
}
