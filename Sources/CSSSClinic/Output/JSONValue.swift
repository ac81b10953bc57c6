import CSSSEngine

/// The ordered JSON writer every `--json` output and record uses; it lives in the engine, which writes
/// JSON too (a split's metadata), and is named here so that the commands need only the clinic.
public typealias JSONValue = CSSSEngine.JSONValue
