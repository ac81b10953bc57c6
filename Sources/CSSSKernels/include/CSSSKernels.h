#ifndef CSSS_KERNELS_H
#define CSSS_KERNELS_H
#include <stddef.h>
#endif
