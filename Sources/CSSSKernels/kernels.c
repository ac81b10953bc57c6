#include "CSSSKernels.h"
