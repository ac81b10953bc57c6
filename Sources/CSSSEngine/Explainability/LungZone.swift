/// One sixth of the lung field on a frontal chest X-ray: the patient's right or left side, cut into upper,
/// middle and lower thirds, as radiologists describe where a finding lies on a chest film.
///
/// These are zones, not lobes. The seed reported `"right_lower_lobe"` and the like, but a lobe is anatomy that
/// a frontal film does not show by position alone: lobes overlap in projection (the lower lobes reach high
/// behind the upper ones), and the left lung has no middle lobe. A third of the image's height is a zone.
public enum LungZone: String, Sendable, CaseIterable, Codable {
    /// The upper third of the field on the patient's right.
    case rightUpper = "right_upper_zone"
    /// The middle third of the field on the patient's right.
    case rightMiddle = "right_middle_zone"
    /// The lower third of the field on the patient's right.
    case rightLower = "right_lower_zone"
    /// The upper third of the field on the patient's left.
    case leftUpper = "left_upper_zone"
    /// The middle third of the field on the patient's left.
    case leftMiddle = "left_middle_zone"
    /// The lower third of the field on the patient's left.
    case leftLower = "left_lower_zone"
}

/// Which side of the image shows the patient's right.
public enum ImageOrientation: Sendable, Equatable {
    /// The patient's right on the image's left: how PA and AP chest films are conventionally displayed, as if
    /// facing the patient. Assumed unless the scan says otherwise.
    case radiological
    /// The patient's right on the image's right, for an image known to be flipped left to right.
    case mirrored
}
