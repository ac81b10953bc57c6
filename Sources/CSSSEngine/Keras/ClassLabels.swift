import Foundation

/// The names of a classifier's outputs, in output order: `names[i]` is what output `i` means.
///
/// Read from the JSON that ships beside a model, written either as a list in output order
/// (`["COVID", "Lung_Opacity", …]`) or as an object from index to name (`{"0": "COVID", "1": …}`),
/// whose keys must be exactly `0..<n`.
public struct ClassLabels: Sendable, Equatable {
    /// The class names, in output order.
    public var names: [String]

    /// Creates labels from names already in output order.
    public init(names: [String]) {
        self.names = names
    }

    /// Reads a labels file.
    ///
    /// - Throws: ``ClassLabelsError`` naming the file.
    public init(contentsOf url: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ClassLabelsError(source: url.lastPathComponent, reason: "the file cannot be read")
        }
        try self.init(json: data, source: url.lastPathComponent)
    }

    /// Parses labels JSON.
    ///
    /// - Parameter source: where the JSON came from (a file name), for errors.
    /// - Throws: ``ClassLabelsError`` naming `source`.
    public init(json: Data, source: String) throws {
        let fail = { (reason: String) in ClassLabelsError(source: source, reason: reason) }
        guard let value = try? JSONSerialization.jsonObject(with: json) else { throw fail("it is not JSON") }
        if let list = value as? [Any] {
            guard let names = list as? [String] else { throw fail("the list holds something other than names") }
            self.init(names: names)
        } else if let object = value as? [String: Any] {
            var byIndex: [Int: String] = [:]
            for (key, name) in object {
                guard let index = Int(key), index >= 0 else { throw fail("key '\(key)' is not an output index") }
                guard let name = name as? String else { throw fail("the name for index \(index) is not text") }
                guard byIndex.updateValue(name, forKey: index) == nil else { throw fail("index \(index) appears twice") }
            }
            let gaps = (0..<byIndex.count).filter { byIndex[$0] == nil }
            guard gaps.isEmpty else {
                let listed = gaps.prefix(3).map(String.init).joined(separator: ", ")
                let verb = gaps.count == 1 ? "is" : "are"
                throw fail("the indices must be 0 to \(byIndex.count - 1), but \(listed) \(verb) missing")
            }
            self.init(names: (0..<byIndex.count).compactMap { byIndex[$0] })
        } else {
            throw fail("it is neither a list of names nor an object from index to name")
        }
        guard !names.isEmpty else { throw fail("it names no classes") }
    }
}

/// Why a class labels file could not be read.
public struct ClassLabelsError: Error, Equatable, CustomStringConvertible {
    /// Where the labels came from (a file name).
    public var source: String
    /// What is wrong, in words.
    public var reason: String

    public var description: String {
        "class labels \(source) are invalid: \(reason)"
    }
}
