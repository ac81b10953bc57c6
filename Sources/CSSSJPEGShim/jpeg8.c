// The 8-bit decoder: libjpeg-turbo's libjpeg API (TurboJPEG's own API always converts colour).
#include <stdio.h>
#include <jpeglib.h>
#include <jerror.h>
#include "csss_jpeg.h"

#define CSSS_JPEG_DECODE csss_jpeg8_decode
#define CSSS_JPEG_SAMPLE uint8_t
#define CSSS_JPEG_PRECISION 8
#define CSSS_JPEG_LIMIT_MEMORY
#include "jpeg_decode.h"
