import CHDF5
import Foundation
import ZIPFoundation

/// A Keras model file, opened: its config JSON and its weights, whatever the container.
///
/// The format is told from the content, not the file name:
/// - a ZIP archive with `config.json` and `model.weights.h5` is a Keras 3 `.keras` file; the weights
///   member is opened from memory, without a temporary file;
/// - an HDF5 file with a root `model_config` attribute and a `model_weights` group is a legacy Keras 2
///   or Keras 3 `.h5` file. Its optimizer state is never read.
///
/// Most callers want ``ModelGraph/init(contentsOf:)``; this type is for those that need the config,
/// for example to inspect it or to pair a modified config with the real weights.
public struct KerasModelFile: Sendable {
    /// The model config JSON: `{"class_name": …, "config": {…}}`.
    public var config: Data
    /// The stored weights.
    public let weights: KerasWeights

    /// Opens the model file at `url`.
    ///
    /// - Throws: ``KerasModelError/unreadable(file:reason:)`` or ``KerasModelError/notAKerasModel(file:)``
    ///   naming the file.
    public init(contentsOf url: URL) throws {
        let name = url.lastPathComponent
        switch try Self.container(of: url) {
        case .zip:
            (config, weights) = try Self.openArchive(url, name: name)
        case .hdf5:
            let file = try HDF5File(path: url.path, displayName: name)
            guard let config = try file.strings(attribute: "model_config", of: "/")?.first,
                  file.contains("model_weights") else {
                throw KerasModelError.notAKerasModel(file: name)
            }
            self.config = Data(config.utf8)
            weights = try KerasWeights(file: file)
        }
    }

    private enum Container {
        case zip
        case hdf5
    }

    /// The container, from the file's signature.
    private static func container(of url: URL) throws -> Container {
        let name = url.lastPathComponent
        let head: Data
        do {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            head = try handle.read(upToCount: 8) ?? Data()
        } catch {
            let exists = FileManager.default.fileExists(atPath: url.path)
            let reason = exists ? "it cannot be opened for reading" : "there is no such file"
            throw KerasModelError.unreadable(file: name, reason: reason)
        }
        if head.starts(with: [0x50, 0x4B, 0x03, 0x04]) { return .zip }
        // HDF5 allows a user block before its signature, so let the library look beyond the first bytes.
        let isHDF5 = HDF5Library.serialized { H5Fis_hdf5(url.path) > 0 }
        guard isHDF5 else { throw KerasModelError.notAKerasModel(file: name) }
        return .hdf5
    }

    private static func openArchive(_ url: URL, name: String) throws -> (config: Data, weights: KerasWeights) {
        let archive: Archive
        do {
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw KerasModelError.unreadable(file: name, reason: "it is not a readable ZIP archive")
        }
        let config = try member("config.json", of: archive, in: name)
        let image = try member("model.weights.h5", of: archive, in: name)
        let file = try HDF5File(image: image, displayName: "\(name)/model.weights.h5")
        return (config, try KerasWeights(file: file))
    }

    private static func member(_ path: String, of archive: Archive, in name: String) throws -> Data {
        guard let entry = archive[path] else { throw KerasModelError.notAKerasModel(file: name) }
        var data = Data(capacity: Int(clamping: entry.uncompressedSize))
        do {
            _ = try archive.extract(entry) { data.append($0) }
        } catch {
            throw KerasModelError.unreadable(file: name, reason: "its member \(path) cannot be extracted (\(error))")
        }
        return data
    }
}

extension ModelGraph {
    /// Loads a Keras model file: a Keras 3 `.keras` archive, or a legacy Keras 2 / Keras 3 `.h5` file.
    ///
    /// ```swift
    /// let graph = try ModelGraph(contentsOf: URL(fileURLWithPath: "lung_classifier.h5"))
    /// graph.inputShape        // (224, 224, 3)
    /// graph.layer(named: "out_relu")
    /// ```
    ///
    /// - Throws: ``KerasModelError``: the file when it cannot be read or is no Keras model, the layer
    ///   (and weight) when the model cannot be built.
    public init(contentsOf url: URL) throws {
        let file = try KerasModelFile(contentsOf: url)
        try self.init(kerasConfig: file.config, weights: file.weights)
    }
}
