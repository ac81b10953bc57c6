import Foundation

/// The `config` object of one Keras layer, with typed reads that fail with an error naming the layer
/// and the key.
///
/// Keras 2 and Keras 3 write the same arguments in slightly different shapes (an int or a pair, an axis
/// or a list of one axis); the readers here accept both so the interpreter need not care.
struct KerasLayerConfig {
    /// The layer's name, for errors.
    let layer: String
    let values: [String: Any]

    func has(_ key: String) -> Bool {
        guard let value = values[key] else { return false }
        return !(value is NSNull)
    }

    /// The largest size, count or stride accepted, far above any real model's, so that arithmetic on
    /// shapes cannot overflow however odd the config.
    static let largestExtent = 1 << 24

    /// A size, count or stride: an integer from 0 to ``largestExtent``.
    func int(_ key: String) throws -> Int {
        guard let value = values[key] as? Int, Self.isExtent(value) else { throw invalid(key, "a size") }
        return value
    }

    static func isExtent(_ value: Int) -> Bool {
        (0...largestExtent).contains(value)
    }

    func float(_ key: String, default fallback: Float? = nil) throws -> Float {
        if let fallback, !has(key) { return fallback }
        // Through Double: NSNumber refuses `as? Float` for decimals such as 0.001 that Float cannot hold exactly.
        guard let value = values[key] as? Double else { throw invalid(key, "a number") }
        return Float(value)
    }

    /// A number, or `nil` where the key is absent or null (an unset optional argument).
    func optionalFloat(_ key: String) throws -> Float? {
        has(key) ? try float(key) : nil
    }

    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard has(key) else { return fallback }
        guard let value = values[key] as? Bool else { throw invalid(key, "true or false") }
        return value
    }

    func string(_ key: String, default fallback: String? = nil) throws -> String {
        if let fallback, !has(key) { return fallback }
        guard let value = values[key] as? String else { throw invalid(key, "a string") }
        return value
    }

    /// An argument Keras accepts as one integer or as a pair (`kernel_size`, `strides`, `dilation_rate`).
    func pair(_ key: String, default fallback: (Int, Int)? = nil) throws -> (Int, Int) {
        if let fallback, !has(key) { return fallback }
        let list = (values[key] as? Int).map { [$0, $0] } ?? values[key] as? [Int]
        guard let list, list.count == 2, list.allSatisfy(Self.isExtent) else {
            throw invalid(key, "a size or a pair of sizes")
        }
        return (list[0], list[1])
    }

    /// An axis argument, written `-1`, `3` or `[3]`.
    func axis(_ key: String, default fallback: Int) throws -> Int {
        guard has(key) else { return fallback }
        if let axis = values[key] as? Int { return axis }
        guard let list = values[key] as? [Int], list.count == 1 else {
            throw unsupported("'\(key)' must be a single axis")
        }
        return list[0]
    }

    /// Fails unless `data_format` is absent or `channels_last`, the only layout the engine runs.
    func requireChannelsLast() throws {
        let format = try string("data_format", default: "channels_last")
        guard format == "channels_last" else { throw unsupported("data_format is \(format); only channels_last is supported") }
    }

    /// The `activation` argument as an ``Activation``.
    func activation(_ key: String = "activation") throws -> Activation {
        let name = try string(key, default: "linear")
        guard let activation = Activation(rawValue: name) else { throw unsupported("activation '\(name)'") }
        return activation
    }

    func unsupported(_ reason: String) -> KerasModelError {
        .unsupportedConfiguration(layer: layer, reason: reason)
    }

    private func invalid(_ key: String, _ expected: String) -> KerasModelError {
        .unsupportedConfiguration(layer: layer, reason: "'\(key)' is missing or not \(expected)")
    }
}
