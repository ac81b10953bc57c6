import Foundation
import Testing
@testable import CSSSClinic

@Suite("Prediction records")
struct PredictionRecordTests {
    @Test("a record encodes as the seed's JSON, keys and classes in order")
    func seedLayout() throws {
        let record = PredictionRecord(
            image: "/scans/a.png",
            timestamp: Date(timeIntervalSince1970: 1_795_000_000.25),
            model: .init(path: "/m/lung.h5", sha256: "ab12", inputSize: [224, 224]),
            prediction: .init(className: "Normal", confidence: 0.5,
                              probabilities: [("COVID", 0.25), ("Normal", 0.5), ("Lung_Opacity", 0.25)]),
            lowConfidence: true,
            inferenceMilliseconds: 12.34567)
        let line = record.jsonLine()
        #expect(line == #"{"image":"/scans/a.png","timestamp":"2026-11-18T11:06:40.250Z","model":{"path":"/m/lung.h5","sha256":"ab12","input_size":[224,224]},"prediction":{"class":"Normal","confidence":0.5,"probabilities":{"COVID":0.25,"Normal":0.5,"Lung_Opacity":0.25}},"low_confidence":true,"inference_ms":12.346}"#)
    }
}
