#include <hdf5.h>

// HDF5 spells these as macros (some expand to library globals that need H5open first), which Swift
// cannot import; each gets a static inline function.
static inline hid_t csss_h5t_native_float(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t csss_h5t_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t csss_h5t_c_s1(void) { return H5T_C_S1; }
static inline hid_t csss_h5p_default(void) { return H5P_DEFAULT; }
static inline hid_t csss_h5p_file_access(void) { return H5P_FILE_ACCESS; }
static inline hid_t csss_h5s_all(void) { return H5S_ALL; }
static inline hid_t csss_h5e_default(void) { return H5E_DEFAULT; }
static inline unsigned csss_h5f_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline size_t csss_h5t_variable(void) { return H5T_VARIABLE; }

// Write side: creating files, typed file storage and link creation with intermediate groups.
static inline unsigned csss_h5f_acc_excl(void) { return H5F_ACC_EXCL; }
static inline hid_t csss_h5t_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline hid_t csss_h5t_ieee_f64le(void) { return H5T_IEEE_F64LE; }
static inline hid_t csss_h5p_link_create(void) { return H5P_LINK_CREATE; }
