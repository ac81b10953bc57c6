// The 12-bit decoder: GDCM's IJG 6b built with BITS_IN_JSAMPLE 12 (symbols prefixed gdcmjpeg12_ by its
// own headers), since Debian's libjpeg-turbo 2.1 has no 12-bit support. Its installed header declares a
// jpeg_memory_mgr without the lossless patch's extra member, so the fields after it (max_memory_to_use)
// are at the wrong offset: this file leaves the memory manager alone (CSSS_JPEG_LIMIT_MEMORY unset).
#include <stdio.h>
#include <gdcm-3.0/gdcmjpeg/12/jpeglib.h>
#include <gdcm-3.0/gdcmjpeg/12/jerror.h>
#include "csss_jpeg.h"

#define CSSS_JPEG_DECODE csss_jpeg12_decode
#define CSSS_JPEG_SAMPLE uint16_t
#define CSSS_JPEG_PRECISION 12
#include "jpeg_decode.h"
