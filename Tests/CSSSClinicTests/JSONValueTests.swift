import Foundation
import Testing
@testable import CSSSClinic

@Suite("Ordered JSON")
struct JSONValueTests {
    @Test("objects keep their key order and the text parses back to the same values")
    func orderAndRoundTrip() throws {
        let value = JSONValue.object([
            ("zeta", .string("a \"quoted\" line\nand a tab\t and \u{1}")),
            ("alpha", .array([.integer(3), .number(0.1), .number(2), .number(1e-7), .bool(false), .null])),
        ])
        #expect(value.text == #"{"zeta":"a \"quoted\" line\nand a tab\t and \u0001","alpha":[3,0.1,2,1e-07,false,null]}"#)
        let parsed = try #require(try JSONSerialization.jsonObject(with: Data(value.text.utf8)) as? [String: Any])
        #expect(parsed["zeta"] as? String == "a \"quoted\" line\nand a tab\t and \u{1}")
        #expect((parsed["alpha"] as? [Any])?.count == 6)
    }

    @Test("non-finite numbers become null rather than invalid JSON")
    func nonFinite() {
        #expect(JSONValue.array([.number(.nan), .number(.infinity)]).text == "[null,null]")
    }
}
