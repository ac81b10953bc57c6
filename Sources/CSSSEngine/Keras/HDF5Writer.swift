import CHDF5
import Foundation

/// Why writing an HDF5 file failed: what was being written, in HDF5's terms.
struct HDF5WriteFailure: Error {
    let reason: String
}

/// A new HDF5 file being written, with the few writes a Keras model file needs: groups, string
/// attributes and float32 datasets, each created the way `h5py` creates them for Keras.
///
/// Paths are `/`-separated from the root; missing groups on the way to a dataset are created. The file
/// is complete only after ``close()`` succeeds; until then it must be treated as garbage.
final class HDF5Writer {
    /// The open file; `nil` once closed.
    private var fileID: hid_t?

    /// Creates the file at `path`, failing if anything already exists there.
    init(creating path: String) throws(HDF5WriteFailure) {
        let id = HDF5Library.serialized { H5Fcreate(path, csss_h5f_acc_excl(), csss_h5p_default(), csss_h5p_default()) }
        guard id >= 0 else { throw HDF5WriteFailure(reason: "HDF5 cannot create the file") }
        fileID = id
    }

    deinit {
        if let fileID { HDF5Library.serialized { _ = H5Fclose(fileID) } }
    }

    /// Creates an empty group.
    func createGroup(_ path: String) throws(HDF5WriteFailure) {
        let file = try open()
        try HDF5Library.serialized { () throws(HDF5WriteFailure) in
            let links = try linkCreation()
            guard HDF5Handle(H5Gcreate2(file, path, links.id, csss_h5p_default(), csss_h5p_default())) != nil else {
                throw HDF5WriteFailure(reason: "cannot create group '\(path)'")
            }
        }
    }

    /// Writes `text` as a scalar variable-length string attribute, as `h5py` stores a Python `str`
    /// (`utf8`) or `bytes` (ASCII).
    func writeText(_ text: String, attribute name: String, of path: String, utf8: Bool) throws(HDF5WriteFailure) {
        let file = try open()
        try HDF5Library.serialized { () throws(HDF5WriteFailure) in
            guard let type = HDF5Handle(H5Tcopy(csss_h5t_c_s1())),
                  H5Tset_size(type.id, csss_h5t_variable()) >= 0,
                  H5Tset_cset(type.id, utf8 ? H5T_CSET_UTF8 : H5T_CSET_ASCII) >= 0,
                  let space = HDF5Handle(H5Screate(H5S_SCALAR)) else {
                throw HDF5WriteFailure(reason: "cannot describe attribute '\(name)' of '\(path)'")
            }
            let written = text.withCString { characters in
                var pointer: UnsafePointer<CChar>? = characters
                return write(attribute: name, of: path, in: file, type: type, space: space, values: &pointer)
            }
            guard written else { throw HDF5WriteFailure(reason: "cannot write attribute '\(name)' of '\(path)'") }
        }
    }

    /// Writes `names` as a 1-D attribute of fixed-length, NUL-padded ASCII strings, which is what Keras 2
    /// stores for `layer_names` and `weight_names` (a NumPy array of `bytes`). An empty list is stored
    /// as Keras stores it: an empty float64 array.
    ///
    /// A list too long for an object header (64 KiB, where Keras 2 would split it into `layer_names0`,
    /// `layer_names1`, …) is stored as variable-length strings instead, which sit in the global heap and
    /// which Keras reads just as well.
    func writeNames(_ names: [String], attribute name: String, of path: String) throws(HDF5WriteFailure) {
        let fields = names.map { Array($0.utf8) }
        let width = max(fields.map(\.count).max() ?? 0, 1)
        guard width * names.count <= Self.headerLimit else { return try writeVariableNames(names, attribute: name, of: path) }
        let file = try open()
        try HDF5Library.serialized { () throws(HDF5WriteFailure) in
            var dimensions = [hsize_t(names.count)]
            guard let type = HDF5Handle(names.isEmpty ? H5Tcopy(csss_h5t_ieee_f64le()) : H5Tcopy(csss_h5t_c_s1())),
                  names.isEmpty || (H5Tset_size(type.id, width) >= 0 && H5Tset_strpad(type.id, H5T_STR_NULLPAD) >= 0),
                  let space = HDF5Handle(H5Screate_simple(1, &dimensions, nil)) else {
                throw HDF5WriteFailure(reason: "cannot describe attribute '\(name)' of '\(path)'")
            }
            var bytes = [UInt8](repeating: 0, count: max(width * names.count, 1))
            for (index, field) in fields.enumerated() {
                bytes.replaceSubrange(index * width ..< index * width + field.count, with: field)
            }
            guard write(attribute: name, of: path, in: file, type: type, space: space, values: &bytes) else {
                throw HDF5WriteFailure(reason: "cannot write attribute '\(name)' of '\(path)'")
            }
        }
    }

    /// What an attribute's values may take in an object header: Keras's `HDF5_OBJECT_HEADER_LIMIT`.
    private static let headerLimit = 64_512

    private func writeVariableNames(_ names: [String], attribute name: String, of path: String) throws(HDF5WriteFailure) {
        let file = try open()
        try HDF5Library.serialized { () throws(HDF5WriteFailure) in
            var dimensions = [hsize_t(names.count)]
            guard let type = HDF5Handle(H5Tcopy(csss_h5t_c_s1())),
                  H5Tset_size(type.id, csss_h5t_variable()) >= 0,
                  let space = HDF5Handle(H5Screate_simple(1, &dimensions, nil)) else {
                throw HDF5WriteFailure(reason: "cannot describe attribute '\(name)' of '\(path)'")
            }
            let copies = names.map { strdup($0) }
            defer { copies.forEach { free($0) } }
            var pointers = copies.map { UnsafePointer($0) }
            guard write(attribute: name, of: path, in: file, type: type, space: space, values: &pointers) else {
                throw HDF5WriteFailure(reason: "cannot write attribute '\(name)' of '\(path)'")
            }
        }
    }

    /// Writes a little-endian float32 dataset of `shape` (C order), contiguous and uncompressed, creating
    /// the groups on its path.
    func writeFloats(_ values: [Float], shape: [Int], at path: String) throws(HDF5WriteFailure) {
        guard shape.reduce(1, *) == values.count else {
            throw HDF5WriteFailure(reason: "dataset '\(path)' has \(values.count) values for shape \(shape)")
        }
        let file = try open()
        try HDF5Library.serialized { () throws(HDF5WriteFailure) in
            var dimensions = shape.map { hsize_t($0) }
            let links = try linkCreation()
            guard let space = HDF5Handle(H5Screate_simple(Int32(shape.count), &dimensions, nil)),
                  let dataset = HDF5Handle(H5Dcreate2(file, path, csss_h5t_ieee_f32le(), space.id, links.id,
                                                      csss_h5p_default(), csss_h5p_default())) else {
                throw HDF5WriteFailure(reason: "cannot create dataset '\(path)'")
            }
            let status = values.withUnsafeBufferPointer { buffer in
                H5Dwrite(dataset.id, csss_h5t_native_float(), csss_h5s_all(), csss_h5s_all(), csss_h5p_default(),
                         buffer.baseAddress)
            }
            guard values.isEmpty || status >= 0 else { throw HDF5WriteFailure(reason: "cannot write dataset '\(path)'") }
        }
    }

    /// Flushes and closes the file; nothing may be written afterwards.
    func close() throws(HDF5WriteFailure) {
        guard let id = fileID else { throw HDF5WriteFailure(reason: "the file is already closed") }
        fileID = nil
        // Every object created above is closed by now (their handles are gone), so this really closes.
        let closed = HDF5Library.serialized {
            let flushed = H5Fflush(id, H5F_SCOPE_LOCAL) >= 0
            return H5Fclose(id) >= 0 && flushed
        }
        guard closed else { throw HDF5WriteFailure(reason: "HDF5 cannot flush and close the file") }
    }

    /// The open file, for one write.
    private func open() throws(HDF5WriteFailure) -> hid_t {
        guard let fileID else { throw HDF5WriteFailure(reason: "the file is already closed") }
        return fileID
    }

    /// A link-creation property list that creates missing intermediate groups.
    private func linkCreation() throws(HDF5WriteFailure) -> HDF5Handle {
        guard let links = HDF5Handle(H5Pcreate(csss_h5p_link_create())),
              H5Pset_create_intermediate_group(links.id, 1) >= 0 else {
            throw HDF5WriteFailure(reason: "cannot set up link creation")
        }
        return links
    }

    private func write(attribute name: String, of path: String, in file: hid_t, type: HDF5Handle, space: HDF5Handle,
                       values: UnsafeRawPointer) -> Bool {
        guard let attribute = HDF5Handle(H5Acreate_by_name(file, path, name, type.id, space.id,
                                                           csss_h5p_default(), csss_h5p_default(), csss_h5p_default())) else {
            return false
        }
        return H5Awrite(attribute.id, type.id, values) >= 0
    }
}
