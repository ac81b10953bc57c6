#include "internal.h"

csss_isa csss_best_isa(void) {
#if CSSS_X86
    // Cheap after the first call: the feature bits are cached by the compiler runtime.
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? CSSS_ISA_AVX2_FMA : CSSS_ISA_PORTABLE;
#else
    return CSSS_ISA_PORTABLE;
#endif
}
