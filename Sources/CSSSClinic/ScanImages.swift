import CSSSEngine

/// A decoded scan or overlay as pixels (gray or RGB, 8 or 16 bits a sample): the engine's ``Image``, named
/// for the clinic so that the terminal can draw one without importing the engine.
///
/// ```swift
/// let scan = try ScanImage(contentsOf: URL(fileURLWithPath: "chest.jpeg"))
/// ```
public typealias ScanImage = CSSSEngine.Image
