#include <cairo.h>
#include <cairo-pdf.h>
#include <stdint.h>

/// Box-filters 8-bit interleaved RGB (`sw`×`sh`) into a premultiplied, opaque ARGB32 buffer (`dw`×`dh`,
/// `dw <= sw`, `dh <= sh`). In C because the report module is built unoptimised in debug, where a Swift
/// loop over a megapixel scan costs more than the whole page.
static inline void csss_rgb_to_argb32(const uint8_t *src, int sw, int sh,
                                      uint8_t *dst, int dw, int dh, int stride) {
    for (int y = 0; y < dh; y++) {
        int y0 = (int)((long)y * sh / dh), y1 = (int)((long)(y + 1) * sh / dh);
        if (y1 <= y0) y1 = y0 + 1;
        uint32_t *row = (uint32_t *)(dst + (long)y * stride);
        for (int x = 0; x < dw; x++) {
            int x0 = (int)((long)x * sw / dw), x1 = (int)((long)(x + 1) * sw / dw);
            if (x1 <= x0) x1 = x0 + 1;
            uint32_t r = 0, g = 0, b = 0, n = 0;
            for (int sy = y0; sy < y1; sy++) {
                const uint8_t *p = src + ((long)sy * sw + x0) * 3;
                for (int sx = x0; sx < x1; sx++, p += 3) {
                    r += p[0]; g += p[1]; b += p[2]; n++;
                }
            }
            row[x] = 0xFF000000u | ((r / n) << 16) | ((g / n) << 8) | (b / n);
        }
    }
}
