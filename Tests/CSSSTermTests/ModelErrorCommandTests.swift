import CSSSTestSupport
import Foundation
import Testing
import ZIPFoundation

@Suite("csss predict with a broken model")
struct ModelErrorCommandTests {
    @Test("a model with an unknown layer gives one line of error naming the layer",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func unknownLayer() throws {
        let folder = try TemporaryFolder("csss-model")

        // The seed's real .keras archive with one layer's class changed to one the engine does not run.
        let original = try Archive(url: Fixtures.url("models/seed_mnv2_224.keras"), accessMode: .read)
        let broken = folder.file("broken.keras")
        let copy = try Archive(url: broken, accessMode: .create)
        for entry in original {
            var contents = Data()
            _ = try original.extract(entry) { contents.append($0) }
            if entry.path == "config.json" {
                let text = String(decoding: contents, as: UTF8.self)
                    .replacingOccurrences(of: #""class_name": "GlobalAveragePooling2D""#, with: #""class_name": "LSTM""#)
                contents = Data(text.utf8)
            }
            try copy.addEntry(with: entry.path, type: .file, uncompressedSize: Int64(contents.count)) { position, size in
                contents.subdata(in: Int(position)..<Int(position) + size)
            }
        }

        let result = try CommandRunner.run(
            ["predict", "--model", broken.path, "--labels", Fixtures.url("models/seed_class_labels.json").path,
             Fixtures.url("images/cxr/\(Fixtures.chestXRayStems[0]).jpeg").path])
        #expect(result.status != 0)
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1, "\(result.standardError)")
        #expect(lines.first?.contains("global_average_pooling2d") == true, "\(result.standardError)")
        #expect(lines.first?.contains("LSTM") == true, "\(result.standardError)")
    }
}
