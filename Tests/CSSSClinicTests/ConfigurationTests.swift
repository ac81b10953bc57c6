import Foundation
import Testing
@testable import CSSSClinic

@Suite("Configuration from the environment and .env")
struct ConfigurationTests {
    @Test("a .env file gives bare, quoted, exported and commented values")
    func dotEnvSyntax() throws {
        let file = try DotEnvFile(text: """
            # model settings
            MODEL_PATH=/models/lung classifier.h5  # inline comment
            export LABELS_PATH='/models/class_labels.json'
            HOSPITAL_NAME="St. Mary's\\nRadiology"

            CONFIDENCE_THRESHOLD = 0.8
            """, source: ".env")
        #expect(file.values == [
            "MODEL_PATH": "/models/lung classifier.h5",
            "LABELS_PATH": "/models/class_labels.json",
            "HOSPITAL_NAME": "St. Mary's\nRadiology",
            "CONFIDENCE_THRESHOLD": "0.8",
        ])
    }

    @Test("a malformed .env line is reported with its file and line number")
    func malformedLine() {
        #expect(throws: ConfigurationError.malformedLine(file: "/srv/.env", line: 2, reason: "expected KEY=VALUE")) {
            try DotEnvFile(text: "A=1\njust words\n", source: "/srv/.env")
        }
        #expect(throws: ConfigurationError.malformedLine(file: ".env", line: 1, reason: "unterminated \" quote")) {
            try DotEnvFile(text: "A=\"open", source: ".env")
        }
    }

    @Test("the process environment overrides .env, and empty values count as unset")
    func environmentWins() throws {
        let dotEnv = try DotEnvFile(text: "MODEL_PATH=/from/dotenv.h5\nLABELS_PATH=/from/dotenv.json", source: ".env")
        let environment = ClinicEnvironment(variables: ["MODEL_PATH": "/from/env.h5", "LABELS_PATH": ""], dotEnv: dotEnv)
        #expect(environment["MODEL_PATH"] == "/from/env.h5")
        #expect(environment["LABELS_PATH"] == nil)
    }

    @Test("the confidence threshold defaults to 0.75 and must be a number in 0…1")
    func confidenceThreshold() throws {
        #expect(try PredictionSettings(environment: ClinicEnvironment(variables: [:])).confidenceThreshold == 0.75)
        #expect(try PredictionSettings(environment: ClinicEnvironment(variables: ["CONFIDENCE_THRESHOLD": "0.9"])).confidenceThreshold == 0.9)
        #expect(throws: ConfigurationError.invalidValue(key: "CONFIDENCE_THRESHOLD", value: "75", expected: "a number from 0 to 1")) {
            try PredictionSettings(environment: ClinicEnvironment(variables: ["CONFIDENCE_THRESHOLD": "75"]))
        }
    }

    @Test(".env in the working directory is read by current(directory:)")
    func currentReadsDotEnv() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("csss-env-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data("CSSS_TEST_ONLY_SETTING=from-dotenv\n".utf8).write(to: folder.appendingPathComponent(".env"))
        #expect(try ClinicEnvironment.current(directory: folder)["CSSS_TEST_ONLY_SETTING"] == "from-dotenv")
    }
}
