/// The Basic Application Level Confidentiality Profile of DICOM PS3.15 Annex E, Table E.1-1: what to do
/// with each attribute that may identify the patient, as data.
///
/// Each entry keeps the Basic Profile column's code as the standard writes it ("X/Z", "Z/D", "U"…).
/// Where the table leaves a choice, the one that keeps a Type 1 or 2 attribute present wins, so the
/// output still conforms to its IOD (PS3.15 §E.3.1): U over D over Z over X. Attributes the table does
/// not list are kept; private attributes, curve data (50xx) and overlay data and comments (60xx,3000 and
/// 60xx,4000) are removed, as the profile asks.
public struct DICOMConfidentialityProfile: Sendable {
    /// An action of PS3.15 Table E.1-1.
    public enum Action: Sendable, Equatable {
        /// D: replace with a non-zero-length dummy value of the attribute's VR.
        case dummy
        /// Z: replace with a zero-length value.
        case zero
        /// X: remove.
        case remove
        /// K: keep (items of a kept sequence are still de-identified).
        case keep
        /// C: clean; done as D, the conservative reading for text this profile cannot analyse.
        case clean
        /// U: replace the UID with a new one, consistently within the session.
        case uid

        /// The action a Basic Profile code ("X/Z/D", "U"…) comes to.
        init(code: String) {
            let choices = code.split(separator: "/")
            if choices.contains(where: { $0.hasPrefix("U") }) {
                self = .uid
            } else if choices.contains("D") {
                self = .dummy
            } else if choices.contains("Z") {
                self = .zero
            } else if choices.contains("C") {
                self = .clean
            } else if choices == ["K"] {
                self = .keep
            } else {
                self = .remove
            }
        }
    }

    /// One row of Table E.1-1.
    public struct Entry: Sendable {
        public let tag: DICOMTag
        /// The attribute's name in the standard.
        public let name: String
        /// The attribute's VR, for dummy values when the file read it as `UN` (Implicit VR).
        public let vr: DICOMVR
        /// The Basic Profile column's code, as the table writes it.
        public let code: String
        /// The action the code comes to.
        public var action: Action { Action(code: code) }
    }

    /// The rows, by tag.
    public let entries: [DICOMTag: Entry]

    /// What to do with `tag`: its row's action, removal for private, curve and overlay data, else `nil`
    /// (keep).
    public func action(for tag: DICOMTag) -> Action? {
        if tag.isPrivate { return .remove }
        if (0x5000...0x50FF).contains(tag.group) { return .remove }  // curves, retired
        if (0x6000...0x60FF).contains(tag.group), tag.element == 0x3000 || tag.element == 0x4000 { return .remove }
        return entries[tag]?.action
    }

    /// PS3.15 Table E.1-1, Basic Profile column (2024 edition): the rows for the attributes of images,
    /// structured reports and radiotherapy objects (GPS, camera and other rows for non-medical
    /// devices are left out).
    public static let basic = DICOMConfidentialityProfile(entries: Dictionary(
        basicRows.map { ($0.tag, $0) }, uniquingKeysWith: { first, _ in first }))

    private static func row(_ group: UInt16, _ element: UInt16, _ name: String, _ vr: DICOMVR,
                            _ code: String) -> Entry {
        Entry(tag: DICOMTag(group, element), name: name, vr: vr, code: code)
    }

    static let basicRows: [Entry] = [
        row(0x0008, 0x0014, "Instance Creator UID", .UI, "U"),
        row(0x0008, 0x0015, "Instance Coercion DateTime", .DT, "X"),
        row(0x0008, 0x0018, "SOP Instance UID", .UI, "U"),
        row(0x0008, 0x0020, "Study Date", .DA, "Z"),
        row(0x0008, 0x0021, "Series Date", .DA, "X/D"),
        row(0x0008, 0x0022, "Acquisition Date", .DA, "X/Z"),
        row(0x0008, 0x0023, "Content Date", .DA, "Z/D"),
        row(0x0008, 0x0024, "Overlay Date", .DA, "X"),
        row(0x0008, 0x0025, "Curve Date", .DA, "X"),
        row(0x0008, 0x002A, "Acquisition DateTime", .DT, "X/Z/D"),
        row(0x0008, 0x0030, "Study Time", .TM, "Z"),
        row(0x0008, 0x0031, "Series Time", .TM, "X/D"),
        row(0x0008, 0x0032, "Acquisition Time", .TM, "X/Z"),
        row(0x0008, 0x0033, "Content Time", .TM, "Z/D"),
        row(0x0008, 0x0034, "Overlay Time", .TM, "X"),
        row(0x0008, 0x0035, "Curve Time", .TM, "X"),
        row(0x0008, 0x0050, "Accession Number", .SH, "Z"),
        row(0x0008, 0x0058, "Failed SOP Instance UID List", .UI, "U"),
        row(0x0008, 0x0080, "Institution Name", .LO, "X/Z/D"),
        row(0x0008, 0x0081, "Institution Address", .ST, "X"),
        row(0x0008, 0x0082, "Institution Code Sequence", .SQ, "X/Z/D"),
        row(0x0008, 0x0090, "Referring Physician's Name", .PN, "Z"),
        row(0x0008, 0x0092, "Referring Physician's Address", .ST, "X"),
        row(0x0008, 0x0094, "Referring Physician's Telephone Numbers", .SH, "X"),
        row(0x0008, 0x0096, "Referring Physician Identification Sequence", .SQ, "X"),
        row(0x0008, 0x009C, "Consulting Physician's Name", .PN, "Z"),
        row(0x0008, 0x009D, "Consulting Physician Identification Sequence", .SQ, "X"),
        row(0x0008, 0x0201, "Timezone Offset From UTC", .SH, "X"),
        row(0x0008, 0x1010, "Station Name", .SH, "X/Z/D"),
        row(0x0008, 0x1030, "Study Description", .LO, "X"),
        row(0x0008, 0x103E, "Series Description", .LO, "X"),
        row(0x0008, 0x1040, "Institutional Department Name", .LO, "X"),
        row(0x0008, 0x1041, "Institutional Department Type Code Sequence", .SQ, "X"),
        row(0x0008, 0x1048, "Physician(s) of Record", .PN, "X"),
        row(0x0008, 0x1049, "Physician(s) of Record Identification Sequence", .SQ, "X"),
        row(0x0008, 0x1050, "Performing Physician's Name", .PN, "X"),
        row(0x0008, 0x1052, "Performing Physician Identification Sequence", .SQ, "X"),
        row(0x0008, 0x1060, "Name of Physician(s) Reading Study", .PN, "X"),
        row(0x0008, 0x1062, "Physician(s) Reading Study Identification Sequence", .SQ, "X"),
        row(0x0008, 0x1070, "Operators' Name", .PN, "X/Z/D"),
        row(0x0008, 0x1072, "Operator Identification Sequence", .SQ, "X/D"),
        row(0x0008, 0x1080, "Admitting Diagnoses Description", .LO, "X"),
        row(0x0008, 0x1084, "Admitting Diagnoses Code Sequence", .SQ, "X"),
        row(0x0008, 0x1110, "Referenced Study Sequence", .SQ, "X/Z"),
        row(0x0008, 0x1111, "Referenced Performed Procedure Step Sequence", .SQ, "X/Z/D"),
        row(0x0008, 0x1120, "Referenced Patient Sequence", .SQ, "X"),
        row(0x0008, 0x1155, "Referenced SOP Instance UID", .UI, "U"),
        row(0x0008, 0x1195, "Transaction UID", .UI, "U"),
        row(0x0008, 0x2111, "Derivation Description", .ST, "X"),
        row(0x0008, 0x3010, "Irradiation Event UID", .UI, "U"),
        row(0x0008, 0x4000, "Identifying Comments", .LT, "X"),
        row(0x0010, 0x0010, "Patient's Name", .PN, "Z"),
        row(0x0010, 0x0020, "Patient ID", .LO, "Z/D"),
        row(0x0010, 0x0021, "Issuer of Patient ID", .LO, "X"),
        row(0x0010, 0x0030, "Patient's Birth Date", .DA, "Z"),
        row(0x0010, 0x0032, "Patient's Birth Time", .TM, "X"),
        row(0x0010, 0x0040, "Patient's Sex", .CS, "Z"),
        row(0x0010, 0x0050, "Patient's Insurance Plan Code Sequence", .SQ, "X"),
        row(0x0010, 0x0101, "Patient's Primary Language Code Sequence", .SQ, "X"),
        row(0x0010, 0x0102, "Patient's Primary Language Modifier Code Sequence", .SQ, "X"),
        row(0x0010, 0x1000, "Other Patient IDs", .LO, "X"),
        row(0x0010, 0x1001, "Other Patient Names", .PN, "X"),
        row(0x0010, 0x1002, "Other Patient IDs Sequence", .SQ, "X"),
        row(0x0010, 0x1005, "Patient's Birth Name", .PN, "X"),
        row(0x0010, 0x1010, "Patient's Age", .AS, "X"),
        row(0x0010, 0x1020, "Patient's Size", .DS, "X"),
        row(0x0010, 0x1030, "Patient's Weight", .DS, "X"),
        row(0x0010, 0x1040, "Patient's Address", .LO, "X"),
        row(0x0010, 0x1050, "Insurance Plan Identification", .LO, "X"),
        row(0x0010, 0x1060, "Patient's Mother's Birth Name", .PN, "X"),
        row(0x0010, 0x1080, "Military Rank", .LO, "X"),
        row(0x0010, 0x1081, "Branch of Service", .LO, "X"),
        row(0x0010, 0x1090, "Medical Record Locator", .LO, "X"),
        row(0x0010, 0x2000, "Medical Alerts", .LO, "X"),
        row(0x0010, 0x2110, "Allergies", .LO, "X"),
        row(0x0010, 0x2150, "Country of Residence", .LO, "X"),
        row(0x0010, 0x2152, "Region of Residence", .LO, "X"),
        row(0x0010, 0x2154, "Patient's Telephone Numbers", .SH, "X"),
        row(0x0010, 0x2155, "Patient's Telecom Information", .LT, "X"),
        row(0x0010, 0x2160, "Ethnic Group", .SH, "X"),
        row(0x0010, 0x2180, "Occupation", .SH, "X"),
        row(0x0010, 0x21A0, "Smoking Status", .CS, "X"),
        row(0x0010, 0x21B0, "Additional Patient History", .LT, "X"),
        row(0x0010, 0x21C0, "Pregnancy Status", .US, "X"),
        row(0x0010, 0x21D0, "Last Menstrual Date", .DA, "X"),
        row(0x0010, 0x21F0, "Patient's Religious Preference", .LO, "X"),
        row(0x0010, 0x2203, "Patient's Sex Neutered", .CS, "X/Z"),
        row(0x0010, 0x2297, "Responsible Person", .PN, "X"),
        row(0x0010, 0x2299, "Responsible Organization", .LO, "X"),
        row(0x0010, 0x4000, "Patient Comments", .LT, "X"),
        row(0x0018, 0x0010, "Contrast/Bolus Agent", .LO, "Z/D"),
        row(0x0018, 0x1000, "Device Serial Number", .LO, "X/Z/D"),
        row(0x0018, 0x1002, "Device UID", .UI, "U"),
        row(0x0018, 0x1004, "Plate ID", .LO, "X"),
        row(0x0018, 0x1005, "Generator ID", .LO, "X"),
        row(0x0018, 0x1007, "Cassette ID", .LO, "X"),
        row(0x0018, 0x1008, "Gantry ID", .LO, "X"),
        row(0x0018, 0x1030, "Protocol Name", .LO, "X/D"),
        row(0x0018, 0x1400, "Acquisition Device Processing Description", .LO, "X/D"),
        row(0x0018, 0x4000, "Acquisition Comments", .LT, "X"),
        row(0x0018, 0x700A, "Detector ID", .SH, "X/D"),
        row(0x0018, 0x9424, "Acquisition Protocol Description", .LT, "X"),
        row(0x0018, 0xA003, "Contribution Description", .ST, "X"),
        row(0x0020, 0x000D, "Study Instance UID", .UI, "U"),
        row(0x0020, 0x000E, "Series Instance UID", .UI, "U"),
        row(0x0020, 0x0010, "Study ID", .SH, "Z"),
        row(0x0020, 0x0052, "Frame of Reference UID", .UI, "U"),
        row(0x0020, 0x0200, "Synchronization Frame of Reference UID", .UI, "U"),
        row(0x0020, 0x3401, "Modifying Device ID", .CS, "X"),
        row(0x0020, 0x3404, "Modifying Device Manufacturer", .LO, "X"),
        row(0x0020, 0x3406, "Modified Image Description", .LO, "X"),
        row(0x0020, 0x4000, "Image Comments", .LT, "X"),
        row(0x0020, 0x9158, "Frame Comments", .LT, "X"),
        row(0x0020, 0x9161, "Concatenation UID", .UI, "U"),
        row(0x0020, 0x9164, "Dimension Organization UID", .UI, "U"),
        row(0x0028, 0x1199, "Palette Color Lookup Table UID", .UI, "U"),
        row(0x0028, 0x1214, "Large Palette Color Lookup Table UID", .UI, "U"),
        row(0x0028, 0x4000, "Image Presentation Comments", .LT, "X"),
        row(0x0032, 0x0012, "Study ID Issuer", .LO, "X"),
        row(0x0032, 0x1020, "Scheduled Study Location", .LO, "X"),
        row(0x0032, 0x1021, "Scheduled Study Location AE Title", .AE, "X"),
        row(0x0032, 0x1030, "Reason for Study", .LO, "X"),
        row(0x0032, 0x1032, "Requesting Physician", .PN, "X"),
        row(0x0032, 0x1033, "Requesting Service", .LO, "X"),
        row(0x0032, 0x1060, "Requested Procedure Description", .LO, "X/Z"),
        row(0x0032, 0x1070, "Requested Contrast Agent", .LO, "X"),
        row(0x0032, 0x4000, "Study Comments", .LT, "X"),
        row(0x0038, 0x0010, "Admission ID", .LO, "X"),
        row(0x0038, 0x0300, "Current Patient Location", .LO, "X"),
        row(0x0038, 0x0400, "Patient's Institution Residence", .LO, "X"),
        row(0x0038, 0x0500, "Patient State", .LO, "X"),
        row(0x0038, 0x4000, "Visit Comments", .LT, "X"),
        row(0x0040, 0x0001, "Scheduled Station AE Title", .AE, "X"),
        row(0x0040, 0x0002, "Scheduled Procedure Step Start Date", .DA, "X"),
        row(0x0040, 0x0003, "Scheduled Procedure Step Start Time", .TM, "X"),
        row(0x0040, 0x0006, "Scheduled Performing Physician's Name", .PN, "X"),
        row(0x0040, 0x0007, "Scheduled Procedure Step Description", .LO, "X"),
        row(0x0040, 0x0010, "Scheduled Station Name", .SH, "X"),
        row(0x0040, 0x0011, "Scheduled Procedure Step Location", .SH, "X"),
        row(0x0040, 0x0241, "Performed Station AE Title", .AE, "X"),
        row(0x0040, 0x0242, "Performed Station Name", .SH, "X"),
        row(0x0040, 0x0243, "Performed Location", .SH, "X"),
        row(0x0040, 0x0244, "Performed Procedure Step Start Date", .DA, "X"),
        row(0x0040, 0x0245, "Performed Procedure Step Start Time", .TM, "X"),
        row(0x0040, 0x0250, "Performed Procedure Step End Date", .DA, "X"),
        row(0x0040, 0x0251, "Performed Procedure Step End Time", .TM, "X"),
        row(0x0040, 0x0253, "Performed Procedure Step ID", .SH, "X"),
        row(0x0040, 0x0254, "Performed Procedure Step Description", .LO, "X"),
        row(0x0040, 0x0275, "Request Attributes Sequence", .SQ, "X"),
        row(0x0040, 0x0280, "Comments on the Performed Procedure Step", .ST, "X"),
        row(0x0040, 0x0555, "Acquisition Context Sequence", .SQ, "X/Z"),
        row(0x0040, 0x1001, "Requested Procedure ID", .SH, "X"),
        row(0x0040, 0x1010, "Names of Intended Recipients of Results", .PN, "X"),
        row(0x0040, 0x1400, "Requested Procedure Comments", .LT, "X"),
        row(0x0040, 0x2001, "Reason for the Imaging Service Request", .LO, "X"),
        row(0x0040, 0x2008, "Order Entered By", .PN, "X"),
        row(0x0040, 0x2016, "Placer Order Number / Imaging Service Request", .LO, "Z"),
        row(0x0040, 0x2017, "Filler Order Number / Imaging Service Request", .LO, "Z"),
        row(0x0040, 0x2400, "Imaging Service Request Comments", .LT, "X"),
        row(0x0040, 0xA027, "Verifying Organization", .LO, "X"),
        row(0x0040, 0xA075, "Verifying Observer Name", .PN, "D"),
        row(0x0040, 0xA123, "Person Name", .PN, "D"),
        row(0x0040, 0xA124, "UID", .UI, "U"),
        row(0x0040, 0xA171, "Observation UID", .UI, "U"),
        // D in the 2024 edition; removed here, as earlier editions did, since the text items it holds
        // (Text Value, Person Name…) would otherwise each need a row.
        row(0x0040, 0xA730, "Content Sequence", .SQ, "X"),
        row(0x0040, 0xDB0C, "Template Extension Organization UID", .UI, "U"),
        row(0x0040, 0xDB0D, "Template Extension Creator UID", .UI, "U"),
        row(0x0070, 0x0084, "Content Creator's Name", .PN, "Z"),
        row(0x0070, 0x031A, "Fiducial UID", .UI, "U"),
        row(0x0088, 0x0140, "Storage Media File-set UID", .UI, "U"),
        row(0x3006, 0x0024, "Referenced Frame of Reference UID", .UI, "U"),
        row(0x3006, 0x00C2, "Related Frame of Reference UID", .UI, "U"),
        row(0x300A, 0x0013, "Dose Reference UID", .UI, "U"),
        row(0x4000, 0x0010, "Arbitrary", .LT, "X"),
        row(0x4000, 0x4000, "Text Comments", .LT, "X"),
        row(0x4008, 0x0042, "Results ID Issuer", .LO, "X"),
        row(0x4008, 0x0114, "Physician Approving Interpretation", .PN, "X"),
        // Dates, times and creators of the instance, of secondary capture and of calibration.
        row(0x0008, 0x0012, "Instance Creation Date", .DA, "X/D"),
        row(0x0008, 0x0013, "Instance Creation Time", .TM, "X/Z/D"),
        row(0x0008, 0x0017, "Acquisition UID", .UI, "U"),
        row(0x0008, 0x0019, "Pyramid UID", .UI, "U"),
        row(0x0008, 0x0054, "Retrieve AE Title", .AE, "X"),
        row(0x0008, 0x0055, "Station AE Title", .AE, "X"),
        row(0x0008, 0x1000, "Network ID", .AE, "X"),
        row(0x0008, 0x1140, "Referenced Image Sequence", .SQ, "X/Z/U*"),
        row(0x0008, 0x2112, "Source Image Sequence", .SQ, "X/Z/U*"),
        row(0x0018, 0x1009, "Unique Device Identifier", .UT, "X"),
        row(0x0018, 0x100A, "UDI Sequence", .SQ, "X"),
        row(0x0018, 0x100B, "Manufacturer's Device Class UID", .UI, "U"),
        row(0x0018, 0x1012, "Date of Secondary Capture", .DA, "X"),
        row(0x0018, 0x1014, "Time of Secondary Capture", .TM, "X"),
        row(0x0018, 0x1200, "Date of Last Calibration", .DA, "X"),
        row(0x0018, 0x1201, "Time of Last Calibration", .TM, "X"),
        row(0x0018, 0x1204, "Date of Manufacture", .DA, "X"),
        row(0x0018, 0x1205, "Date of Installation", .DA, "X"),
        row(0x0018, 0x2042, "Target UID", .UI, "U"),
        row(0x0018, 0x5011, "Transducer Identification Sequence", .SQ, "X"),
        row(0x0018, 0x700C, "Date of Last Detector Calibration", .DA, "X/D"),
        row(0x0018, 0x700E, "Time of Last Detector Calibration", .TM, "X/D"),
        row(0x0020, 0x3403, "Modified Image Date", .DA, "X"),
        row(0x0020, 0x3405, "Modified Image Time", .TM, "X"),
        // Clinical trial identifiers.
        row(0x0012, 0x0010, "Clinical Trial Sponsor Name", .LO, "D"),
        row(0x0012, 0x0020, "Clinical Trial Protocol ID", .LO, "D"),
        row(0x0012, 0x0021, "Clinical Trial Protocol Name", .LO, "Z"),
        row(0x0012, 0x0030, "Clinical Trial Site ID", .LO, "Z"),
        row(0x0012, 0x0031, "Clinical Trial Site Name", .LO, "Z"),
        row(0x0012, 0x0040, "Clinical Trial Subject ID", .LO, "D"),
        row(0x0012, 0x0042, "Clinical Trial Subject Reading ID", .LO, "D"),
        row(0x0012, 0x0050, "Clinical Trial Time Point ID", .LO, "Z"),
        // Visits, admissions and scheduling.
        row(0x0010, 0x1100, "Referenced Patient Photo Sequence", .SQ, "X"),
        row(0x0032, 0x1000, "Scheduled Study Start Date", .DA, "X"),
        row(0x0032, 0x1001, "Scheduled Study Start Time", .TM, "X"),
        row(0x0032, 0x1040, "Study Arrival Date", .DA, "X"),
        row(0x0032, 0x1041, "Study Arrival Time", .TM, "X"),
        row(0x0032, 0x1050, "Study Completion Date", .DA, "X"),
        row(0x0032, 0x1051, "Study Completion Time", .TM, "X"),
        row(0x0032, 0x1066, "Reason for Visit", .UT, "X"),
        row(0x0038, 0x0004, "Referenced Patient Alias Sequence", .SQ, "X"),
        row(0x0038, 0x0011, "Issuer of Admission ID", .LO, "X"),
        row(0x0038, 0x0020, "Admitting Date", .DA, "X"),
        row(0x0038, 0x0021, "Admitting Time", .TM, "X"),
        row(0x0038, 0x0030, "Discharge Date", .DA, "X"),
        row(0x0038, 0x0032, "Discharge Time", .TM, "X"),
        row(0x0038, 0x0050, "Special Needs", .LO, "X"),
        row(0x0038, 0x0060, "Service Episode ID", .LO, "X"),
        row(0x0040, 0x0009, "Scheduled Procedure Step ID", .SH, "X"),
        row(0x0040, 0x0012, "Pre-Medication", .LO, "X"),
        row(0x0040, 0x1004, "Patient Transport Arrangements", .LO, "X"),
        row(0x0040, 0x1005, "Requested Procedure Location", .LO, "X"),
        row(0x0040, 0x4023, "Referenced General Purpose Scheduled Procedure Step Transaction UID", .UI, "U"),
        // Structured reports and observers.
        row(0x0040, 0xA032, "Observation DateTime", .DT, "X/D"),
        row(0x0040, 0xA073, "Verifying Observer Sequence", .SQ, "D"),
        row(0x0040, 0xA078, "Author Observer Sequence", .SQ, "X"),
        row(0x0040, 0xA07A, "Participant Sequence", .SQ, "X"),
        row(0x0040, 0xA07C, "Custodial Organization Sequence", .SQ, "X"),
        row(0x0040, 0xA088, "Verifying Observer Identification Code Sequence", .SQ, "Z"),
        row(0x0040, 0xA120, "DateTime", .DT, "D"),
        row(0x0040, 0xA121, "Date", .DA, "D"),
        row(0x0040, 0xA122, "Time", .TM, "D"),
        row(0x0040, 0xA172, "Referenced Observation UID (Trial)", .UI, "U"),
        // Specimens, tracking, media, modifications and signatures.
        row(0x0004, 0x1511, "Referenced SOP Instance UID in File", .UI, "U"),
        row(0x0040, 0x0551, "Specimen Identifier", .LO, "D"),
        row(0x0040, 0x0554, "Specimen UID", .UI, "U"),
        row(0x0040, 0x050A, "Specimen Accession Number", .LO, "X"),
        row(0x0040, 0x06FA, "Slide Identifier", .LO, "X"),
        row(0x0050, 0x0020, "Device Description", .LO, "X"),
        row(0x0062, 0x0021, "Tracking UID", .UI, "U"),
        row(0x0064, 0x0003, "Source Frame of Reference UID", .UI, "U"),
        row(0x0088, 0x0200, "Icon Image Sequence", .SQ, "X"),
        row(0x2030, 0x0020, "Text String", .LO, "X"),
        row(0x2200, 0x0002, "Label Text", .UT, "X/Z"),
        row(0x2200, 0x0005, "Barcode Value", .LT, "X/Z"),
        row(0x0400, 0x0100, "Digital Signature UID", .UI, "U"),
        row(0x0400, 0x0404, "MAC", .OB, "X"),
        row(0x0400, 0x0550, "Modified Attributes Sequence", .SQ, "X"),
        row(0x0400, 0x0561, "Original Attributes Sequence", .SQ, "X"),
        // Radiotherapy.
        row(0x3006, 0x0002, "Structure Set Label", .SH, "D"),
        row(0x3006, 0x0004, "Structure Set Name", .LO, "X"),
        row(0x3006, 0x0008, "Structure Set Date", .DA, "Z"),
        row(0x3006, 0x0009, "Structure Set Time", .TM, "Z"),
        row(0x3006, 0x0026, "ROI Name", .LO, "Z"),
        row(0x3006, 0x0028, "ROI Description", .ST, "X"),
        row(0x3006, 0x00A6, "ROI Interpreter", .PN, "Z"),
        row(0x3008, 0x0105, "Source Serial Number", .LO, "X/Z"),
        row(0x300A, 0x0002, "RT Plan Label", .SH, "D"),
        row(0x300A, 0x0003, "RT Plan Name", .LO, "X"),
        row(0x300A, 0x0004, "RT Plan Description", .ST, "X"),
        row(0x300A, 0x0006, "RT Plan Date", .DA, "X/D"),
        row(0x300A, 0x0007, "RT Plan Time", .TM, "X/D"),
        row(0x300A, 0x0083, "Referenced Dose Reference UID", .UI, "U"),
        row(0x300A, 0x00B2, "Treatment Machine Name", .SH, "X/Z"),
        row(0x300A, 0x0700, "Treatment Session UID", .UI, "U"),
        row(0x300E, 0x0004, "Review Date", .DA, "Z"),
        row(0x300E, 0x0005, "Review Time", .TM, "Z"),
        row(0x300E, 0x0008, "Reviewer Name", .PN, "X/Z"),
        row(0x4008, 0x0040, "Results ID", .SH, "X"),
        row(0x4008, 0x0300, "Impressions", .ST, "X"),
        row(0x4008, 0x4000, "Results Comments", .ST, "X"),
        row(0xFFFA, 0xFFFA, "Digital Signatures Sequence", .SQ, "X"),
        row(0xFFFC, 0xFFFC, "Data Set Trailing Padding", .OB, "X"),
    ]
}
