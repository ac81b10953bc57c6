#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#ifdef BITS12
#include <gdcm-3.0/gdcmjpeg/12/jpeglib.h>
#else
#include <gdcm-3.0/gdcmjpeg/16/jpeglib.h>
#endif
// Writes lossless JPEGs (gdcmjpeg16, IJG 6b + lossless patch) of a 12-bit 40x30 gray test image.
static void write(const char *name, int predictor, int pt, int restartRows, unsigned short *img, int w, int h, int precision) {
  struct jpeg_compress_struct c; struct jpeg_error_mgr e;
  c.err = jpeg_std_error(&e); jpeg_create_compress(&c);
  FILE *f = fopen(name, "wb"); jpeg_stdio_dest(&c, f);
  c.image_width = w; c.image_height = h; c.input_components = 1; c.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&c); c.data_precision = precision;
  jpeg_simple_lossless(&c, predictor, pt);
  c.restart_in_rows = restartRows;
  jpeg_start_compress(&c, TRUE);
  while (c.next_scanline < c.image_height) { JSAMPROW row = (JSAMPROW)(img + c.next_scanline * w); jpeg_write_scanlines(&c, &row, 1); }
  jpeg_finish_compress(&c); jpeg_destroy_compress(&c); fclose(f);
}
int main() {
  int w = 40, h = 30; unsigned short img[40*30];
  for (int y = 0; y < h; y++) for (int x = 0; x < w; x++)
    img[y*w+x] = (unsigned short)((int)(2048 + 1500*sin(x*0.3)*cos(y*0.2) + (x*y*37 % 97)) & 0xFFF);
  FILE *raw = fopen("gray12.raw", "wb"); fwrite(img, 2, w*h, raw); fclose(raw);
  char name[64];
#ifdef BITS12
  for (int p = 1; p <= 7; p++) { snprintf(name, 64, "gray12-p%d.jpg", p); write(name, p, 0, 0, img, w, h, 12); }
  write("gray12-p6-restart2-pt2.jpg", 6, 2, 2, img, w, h, 12);
#else
  unsigned short img16[40*30]; for (int i = 0; i < w*h; i++) img16[i] = (unsigned short)(img[i] * 16 + (i % 16));
  raw = fopen("gray16.raw", "wb"); fwrite(img16, 2, w*h, raw); fclose(raw);
  write("gray16-p7.jpg", 7, 0, 0, img16, w, h, 16);
#endif
  return 0;
}
