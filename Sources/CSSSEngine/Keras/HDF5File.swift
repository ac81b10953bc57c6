import CHDF5
import Foundation

/// The one gate into libhdf5.
///
/// Whether libhdf5 may be entered from two threads at once is a build option (Debian's build allows it,
/// Homebrew's does not), so every call goes through ``serialized(_:)``. The lock is recursive because
/// closing a handle (in `deinit`) can happen while a caller already holds it.
enum HDF5Library {
    private static let lock = NSRecursiveLock()

    static func serialized<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        lock.lock()
        defer { lock.unlock() }
        // HDF5 prints its error stack to stderr (where it would corrupt the terminal UI); the engine reports
        // failures itself. A thread-safe build keeps this setting per thread, so it is made on every entry.
        _ = H5Eset_auto2(csss_h5e_default(), nil, nil)
        return try body()
    }
}

/// An open HDF5 identifier (file, group, dataset, attribute, type, space or property list), released
/// when the last reference goes.
final class HDF5Handle: @unchecked Sendable {
    // Sendable because the identifier is immutable and every use goes through `HDF5Library.serialized`.
    let id: hid_t

    /// Wraps the result of an `H5*open`/`create`/`get` call; `nil` where that call failed.
    init?(_ id: hid_t) {
        guard id >= 0 else { return nil }
        self.id = id
    }

    deinit {
        HDF5Library.serialized { _ = H5Idec_ref(id) }
    }
}

/// A read-only HDF5 file, opened from disk or from bytes in memory, with the few reads a Keras loader
/// needs: string attributes, and float32 datasets whose shape is checked before their values are read.
///
/// Paths are `/`-separated from the root (`model_weights/dense/dense/kernel:0`). Errors are reported as
/// ``KerasModelError/unreadable(file:reason:)`` naming ``displayName``.
final class HDF5File: Sendable {
    /// The name used in errors: the file's name, or the archive member it came from.
    let displayName: String
    private let handle: HDF5Handle

    /// Opens a file on disk.
    init(path: String, displayName: String) throws {
        self.displayName = displayName
        let id = HDF5Library.serialized {
            H5Fopen(path, csss_h5f_acc_rdonly(), csss_h5p_default())
        }
        guard let handle = HDF5Handle(id) else {
            throw KerasModelError.unreadable(file: displayName, reason: "HDF5 cannot open it (truncated or damaged)")
        }
        self.handle = handle
    }

    /// Opens an HDF5 file image held in memory (for example an archive member), without touching disk.
    init(image: Data, displayName: String) throws {
        self.displayName = displayName
        let id: hid_t = HDF5Library.serialized {
            guard let access = HDF5Handle(H5Pcreate(csss_h5p_file_access())),
                  H5Pset_fapl_core(access.id, 1 << 20, false) >= 0 else { return -1 }
            // HDF5 copies the image into its own buffer, so `image` need not outlive this call.
            let stored = image.withUnsafeBytes { bytes in
                H5Pset_file_image(access.id, UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count)
            }
            guard stored >= 0 else { return -1 }
            // HDF5 takes two open in-memory files with the same name for one file and hands back the first
            // one's contents, so each image gets a name of its own.
            return H5Fopen("memory-image-\(UUID().uuidString)", csss_h5f_acc_rdonly(), access.id)
        }
        guard let handle = HDF5Handle(id) else {
            throw KerasModelError.unreadable(file: displayName, reason: "HDF5 cannot open it (truncated or damaged)")
        }
        self.handle = handle
    }

    /// Whether an object (group or dataset) exists at `path`.
    func contains(_ path: String) -> Bool {
        HDF5Library.serialized {
            // H5Lexists fails rather than answering for a path whose parent is missing, so walk down.
            var prefix = ""
            for component in path.split(separator: "/") {
                prefix += prefix.isEmpty ? String(component) : "/" + component
                guard H5Lexists(handle.id, prefix, csss_h5p_default()) > 0 else { return false }
            }
            return true
        }
    }

    /// The strings of the attribute `name` of the object at `path` (`"/"` for the root): one for a
    /// scalar, several for an array; empty for an empty numeric array, which is how Keras writes an
    /// empty list of names. `nil` when there is no such attribute.
    func strings(attribute name: String, of path: String) throws -> [String]? {
        try HDF5Library.serialized {
            guard H5Aexists_by_name(handle.id, path, name, csss_h5p_default()) > 0 else { return nil }
            guard let attribute = HDF5Handle(H5Aopen_by_name(handle.id, path, name, csss_h5p_default(), csss_h5p_default())),
                  let fileType = HDF5Handle(H5Aget_type(attribute.id)),
                  let space = HDF5Handle(H5Aget_space(attribute.id)) else {
                throw unreadable("cannot open attribute '\(name)' of '\(path)'")
            }
            let count = Int(H5Sget_simple_extent_npoints(space.id))
            switch H5Tget_class(fileType.id) {
            case H5T_STRING:
                let values = H5Tis_variable_str(fileType.id) > 0
                    ? readVariableStrings(attribute, fileType: fileType, count: count)
                    : readFixedStrings(attribute, fileType: fileType, count: count)
                guard let values else { throw unreadable("cannot read attribute '\(name)' of '\(path)'") }
                return values
            case _ where count == 0:
                return []
            default:
                throw unreadable("attribute '\(name)' of '\(path)' does not hold text")
            }
        }
    }

    /// The dataset at `path`, or `nil` when there is none.
    func dataset(_ path: String) throws -> HDF5Dataset? {
        try HDF5Library.serialized {
            guard contains(path) else { return nil }
            guard let dataset = HDF5Handle(H5Dopen2(handle.id, path, csss_h5p_default())),
                  let space = HDF5Handle(H5Dget_space(dataset.id)),
                  let type = HDF5Handle(H5Dget_type(dataset.id)) else {
                throw unreadable("cannot open dataset '\(path)'")
            }
            let rank = Int(H5Sget_simple_extent_ndims(space.id))
            var dimensions = [hsize_t](repeating: 0, count: max(rank, 0))
            guard rank >= 0, H5Sget_simple_extent_dims(space.id, &dimensions, nil) == rank else {
                throw unreadable("cannot read the shape of dataset '\(path)'")
            }
            return HDF5Dataset(file: self, path: path, handle: dataset,
                               shape: dimensions.map { Int(clamping: $0) }, holdsFloats: H5Tget_class(type.id) == H5T_FLOAT)
        }
    }

    func unreadable(_ reason: String) -> KerasModelError {
        .unreadable(file: displayName, reason: reason)
    }

    private func readVariableStrings(_ attribute: HDF5Handle, fileType: HDF5Handle, count: Int) -> [String]? {
        guard let memoryType = HDF5Handle(H5Tcopy(csss_h5t_c_s1())),
              H5Tset_size(memoryType.id, csss_h5t_variable()) >= 0,
              H5Tset_cset(memoryType.id, H5Tget_cset(fileType.id)) >= 0 else { return nil }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        guard H5Aread(attribute.id, memoryType.id, &pointers) >= 0 else { return nil }
        defer { pointers.forEach { H5free_memory($0) } }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }

    private func readFixedStrings(_ attribute: HDF5Handle, fileType: HDF5Handle, count: Int) -> [String]? {
        let width = H5Tget_size(fileType.id)
        guard width > 0, let memoryType = HDF5Handle(H5Tcopy(fileType.id)) else { return nil }
        var bytes = [UInt8](repeating: 0, count: width * count)
        guard H5Aread(attribute.id, memoryType.id, &bytes) >= 0 else { return nil }
        return (0..<count).map { index in
            // Fixed-length strings are padded with NULs or spaces, depending on the writer.
            let field = bytes[index * width ..< (index + 1) * width].prefix { $0 != 0 }
            return String(decoding: field, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        }
    }
}

/// A dataset of an ``HDF5File`` whose shape is known and whose values are read on demand.
struct HDF5Dataset {
    let file: HDF5File
    let path: String
    fileprivate let handle: HDF5Handle
    /// The extent of each axis, C order.
    let shape: [Int]
    /// Whether the stored elements are floating point (which HDF5 converts to float32 on read).
    let holdsFloats: Bool

    /// Reads every value as float32, row-major.
    func floats() throws -> [Float] {
        try HDF5Library.serialized {
            guard holdsFloats else { throw file.unreadable("dataset '\(path)' does not hold floating-point values") }
            let (count, overflow) = shape.reduce((1, false)) { product, extent in
                let next = product.0.multipliedReportingOverflow(by: extent)
                return (next.partialValue, product.1 || next.overflow)
            }
            // A damaged header can claim any shape; no Keras weight comes near 2^31 values.
            guard !overflow, count <= Int(Int32.max) else { throw file.unreadable("dataset '\(path)' claims shape \(shape)") }
            var failed = false
            let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                failed = count > 0 && H5Dread(handle.id, csss_h5t_native_float(), csss_h5s_all(), csss_h5s_all(),
                                              csss_h5p_default(), buffer.baseAddress) < 0
                initialized = failed ? 0 : count
            }
            guard !failed else { throw file.unreadable("cannot read dataset '\(path)'") }
            return values
        }
    }
}
