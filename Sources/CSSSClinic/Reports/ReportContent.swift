import CSSSEngine
import Foundation

/// Everything a report page shows, gathered before drawing so that the drawing is a pure function
/// of it (``ReportRenderer``).
public struct ReportContent: Sendable {
    /// Who issues the report.
    public struct Hospital: Sendable, Equatable {
        /// `HOSPITAL_NAME`.
        public var name: String
        /// The PNG at `HOSPITAL_LOGO`, if any.
        public var logoPNG: Data?

        public init(name: String, logoPNG: Data? = nil) {
            self.name = name
            self.logoPNG = logoPNG
        }
    }

    /// The patient block.
    public struct Patient: Sendable, Equatable {
        public var name: String
        /// The medical record number.
        public var identifier: String
        /// Whole years at the report's date, when the birth date is known.
        public var age: Int?
        /// F, M, O or U.
        public var sex: String?

        public init(name: String, identifier: String, age: Int?, sex: String?) {
            self.name = name
            self.identifier = identifier
            self.age = age
            self.sex = sex
        }
    }

    /// The scan block.
    public struct Scan: Sendable, Equatable {
        public var scanID: Int64
        public var modality: String?
        public var bodyPart: String?
        /// When the scan was imported.
        public var date: Date
        /// PNG, JPEG or DICOM.
        public var format: String

        public init(scanID: Int64, modality: String?, bodyPart: String?, date: Date, format: String) {
            self.scanID = scanID
            self.modality = modality
            self.bodyPart = bodyPart
            self.date = date
            self.format = format
        }
    }

    /// One class's probability, in the model's output order.
    public struct ClassProbability: Sendable, Equatable {
        public var label: String
        public var probability: Double

        public init(label: String, probability: Double) {
            self.label = label
            self.probability = probability
        }
    }

    /// What the model said, and which model said it.
    public struct Finding: Sendable, Equatable {
        public var label: String
        public var confidence: Double
        public var probabilities: [ClassProbability]
        /// The top class's probability is under the threshold: the report warns.
        public var lowConfidence: Bool
        public var threshold: Double
        public var modelName: String
        public var modelSHA256: String
        /// A demo model spoke: the report says ``ModelCard/demoWarning`` where the result is.
        public var demoModel: Bool

        public init(label: String, confidence: Double, probabilities: [ClassProbability], lowConfidence: Bool,
                    threshold: Double, modelName: String, modelSHA256: String, demoModel: Bool = false) {
            self.demoModel = demoModel
            self.label = label
            self.confidence = confidence
            self.probabilities = probabilities
            self.lowConfidence = lowConfidence
            self.threshold = threshold
            self.modelName = modelName
            self.modelSHA256 = modelSHA256
        }
    }

    public var hospital: Hospital
    public var reportID: Int64
    public var version: Int
    /// The version this one amends (`nil` for the first).
    public var amendsVersion: Int?
    public var createdAt: Date
    public var patient: Patient
    public var scan: Scan
    public var finding: Finding
    /// The scan as the model saw it, in colour or gray (RGB).
    public var scanImage: Image
    /// The scan with its Grad-CAM heatmap blended over it, the same size as ``scanImage``.
    public var overlay: Image
    /// The regions the model attended to, in words ("right lower zone"), strongest first.
    public var attentionRegions: [String]
    /// The doctor's remarks; may be long, and in any script.
    public var remarks: String
    /// The doctor who signs.
    public var doctorName: String
    /// The seal's short code, printed so a reader can check it (``ReportSeal``).
    public var sealCode: String

    public init(hospital: Hospital, reportID: Int64, version: Int, amendsVersion: Int?, createdAt: Date,
                patient: Patient, scan: Scan, finding: Finding, scanImage: Image, overlay: Image,
                attentionRegions: [String], remarks: String, doctorName: String, sealCode: String) {
        self.hospital = hospital
        self.reportID = reportID
        self.version = version
        self.amendsVersion = amendsVersion
        self.createdAt = createdAt
        self.patient = patient
        self.scan = scan
        self.finding = finding
        self.scanImage = scanImage
        self.overlay = overlay
        self.attentionRegions = attentionRegions
        self.remarks = remarks
        self.doctorName = doctorName
        self.sealCode = sealCode
    }

    /// The sentence every report carries, on every page.
    public static let disclaimer = "AI-assisted screening, not a diagnosis. The model's result supports a clinician's "
        + "reading and never replaces it; every finding must be reviewed by a qualified clinician."
}
