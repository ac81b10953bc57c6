#ifndef CSSS_JPEG_H
#define CSSS_JPEG_H

#include <stddef.h>
#include <stdint.h>

/// Decodes one lossy JPEG codestream (baseline or extended, sequential or progressive) into `output`,
/// `width * height * components` samples, interleaved, without any colour conversion: the samples are
/// the codestream's components after up-sampling, as DICOM wants them (the Photometric Interpretation,
/// not the JPEG file, says what they mean).
///
/// The image must be exactly `width` x `height` x `components` at 8 bits (`csss_jpeg8_decode`,
/// libjpeg-turbo) or 12 bits (`csss_jpeg12_decode`, GDCM's IJG 6b build). Any libjpeg warning fails the
/// decode, so damaged data is never returned as if it were whole.
///
/// Returns 0 on success; otherwise a non-zero value and a NUL-terminated message in `message`.
int csss_jpeg8_decode(const uint8_t *data, size_t size, uint8_t *output,
                      int width, int height, int components, char *message, size_t message_size);
int csss_jpeg12_decode(const uint8_t *data, size_t size, uint16_t *output,
                       int width, int height, int components, char *message, size_t message_size);

#endif
