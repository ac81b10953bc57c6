import Foundation

/// The `KEY=VALUE` settings of a `.env` file, as python-dotenv and docker-compose read them.
///
/// Blank lines and `#` comments are skipped; `export KEY=VALUE` is accepted; a value may be single-quoted
/// (taken literally), double-quoted (with `\n`, `\t`, `\"` and `\\` escapes) or bare (trimmed, and cut at
/// ` #`, an inline comment).
public struct DotEnvFile: Sendable, Equatable {
    /// The settings in file order; a key given twice keeps its last value.
    public private(set) var values: [String: String] = [:]

    /// Reads and parses the file.
    ///
    /// - Throws: ``ConfigurationError/unreadableFile(_:reason:)`` or ``ConfigurationError/malformedLine(file:line:reason:)``.
    public init(contentsOf url: URL) throws {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError.unreadableFile(url.path, reason: error.localizedDescription)
        }
        try self.init(text: text, source: url.path)
    }

    /// Parses the text of a `.env` file; `source` names it in errors.
    public init(text: String, source: String) throws {
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.hasSuffix("\r") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let equals = line.firstIndex(of: "=") else {
                throw ConfigurationError.malformedLine(file: source, line: index + 1, reason: "expected KEY=VALUE")
            }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard key.first.map({ $0.isLetter || $0 == "_" }) == true,
                  key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else {
                throw ConfigurationError.malformedLine(file: source, line: index + 1, reason: "'\(key)' is not a variable name")
            }
            let rawValue = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            values[key] = try Self.value(rawValue, file: source, line: index + 1)
        }
    }

    private static func value(_ raw: String, file: String, line: Int) throws -> String {
        guard let quote = raw.first, quote == "'" || quote == "\"" else {
            let uncommented = raw.range(of: " #").map { String(raw[..<$0.lowerBound]) } ?? raw
            return uncommented.trimmingCharacters(in: .whitespaces)
        }
        let body = raw.dropFirst()
        guard let closing = body.lastIndex(of: quote) else {
            throw ConfigurationError.malformedLine(file: file, line: line, reason: "unterminated \(quote) quote")
        }
        let content = String(body[..<closing])
        guard quote == "\"" else { return content }
        var result = ""
        var escaping = false
        for character in content {
            if escaping {
                switch character {
                case "n": result.append("\n")
                case "t": result.append("\t")
                default: result.append(character)
                }
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}
