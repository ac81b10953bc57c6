// The body shared by jpeg8.c and jpeg12.c: each includes its own jpeglib.h, then defines
// CSSS_JPEG_DECODE (the function's name), CSSS_JPEG_SAMPLE (the output type, as wide as JSAMPLE) and
// CSSS_JPEG_PRECISION before including this file, and CSSS_JPEG_LIMIT_MEMORY when the library's
// jpeg_memory_mgr matches its header.
//
// libjpeg reports errors by calling error_exit, whose default calls exit(): here it longjmps back to
// the decode function instead. Swift cannot use setjmp, which is why this file is C.
#include <setjmp.h>
#include <string.h>

// A progressive file may hold thousands of scans; TurboJPEG's TJFLAG_LIMITSCANS refuses more than 500,
// a known way to make decoding take minutes.
#define CSSS_JPEG_MAXIMUM_SCANS 500
// Memory libjpeg may use for one image beyond the output (coefficient buffers of progressive files).
#define CSSS_JPEG_MAXIMUM_MEMORY (512L * 1024L * 1024L)

typedef struct {
    struct jpeg_error_mgr manager;
    jmp_buf jump;
    char text[JMSG_LENGTH_MAX];
} csss_error;

static void csss_fail(j_common_ptr cinfo) {
    csss_error *error = (csss_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, error->text);
    longjmp(error->jump, 1);
}

// Level -1 is a warning: libjpeg pads truncated or damaged data with grey and only warns.
static void csss_emit(j_common_ptr cinfo, int level) {
    if (level < 0) csss_fail(cinfo);
}

static void csss_silent(j_common_ptr cinfo) { (void)cinfo; }

static void csss_limit_scans(j_common_ptr cinfo) {
    j_decompress_ptr decompress = (j_decompress_ptr)cinfo;
    if (decompress->input_scan_number > CSSS_JPEG_MAXIMUM_SCANS) {
        csss_error *error = (csss_error *)cinfo->err;
        snprintf(error->text, sizeof error->text, "more than %d scans", CSSS_JPEG_MAXIMUM_SCANS);
        longjmp(error->jump, 1);
    }
}

// A memory source of our own: IJG 6b has no jpeg_mem_src.
static void csss_source_nothing(j_decompress_ptr cinfo) { (void)cinfo; }

static boolean csss_source_ended(j_decompress_ptr cinfo) {
    static const JOCTET end_of_image[2] = {0xFF, JPEG_EOI};
    WARNMS(cinfo, JWRN_JPEG_EOF);  // fails the decode through csss_emit
    cinfo->src->next_input_byte = end_of_image;
    cinfo->src->bytes_in_buffer = 2;
    return TRUE;
}

static void csss_source_skip(j_decompress_ptr cinfo, long count) {
    if (count <= 0) return;
    if ((size_t)count > cinfo->src->bytes_in_buffer) {
        csss_source_ended(cinfo);
        return;
    }
    cinfo->src->next_input_byte += count;
    cinfo->src->bytes_in_buffer -= (size_t)count;
}

int CSSS_JPEG_DECODE(const uint8_t *data, size_t size, CSSS_JPEG_SAMPLE *output,
                     int width, int height, int components, char *message, size_t message_size) {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_source_mgr source;
    struct jpeg_progress_mgr progress;
    csss_error error;

    cinfo.err = jpeg_std_error(&error.manager);
    error.manager.error_exit = csss_fail;
    error.manager.emit_message = csss_emit;
    error.manager.output_message = csss_silent;
    error.text[0] = '\0';
    if (setjmp(error.jump)) {
        snprintf(message, message_size, "%s", error.text);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
#ifdef CSSS_JPEG_LIMIT_MEMORY
    cinfo.mem->max_memory_to_use = CSSS_JPEG_MAXIMUM_MEMORY;
#endif
    progress.progress_monitor = csss_limit_scans;
    cinfo.progress = &progress;

    source.init_source = csss_source_nothing;
    source.fill_input_buffer = csss_source_ended;
    source.skip_input_data = csss_source_skip;
    source.resync_to_restart = jpeg_resync_to_restart;
    source.term_source = csss_source_nothing;
    source.next_input_byte = data;
    source.bytes_in_buffer = size;
    cinfo.src = &source;

    jpeg_read_header(&cinfo, TRUE);
    if ((int)cinfo.image_width != width || (int)cinfo.image_height != height
        || cinfo.num_components != components || cinfo.data_precision != CSSS_JPEG_PRECISION) {
        snprintf(message, message_size,
                 "the codestream holds %ux%u pixels, %d components at %d bits, not the %dx%d, %d at %d the dataset declares",
                 cinfo.image_width, cinfo.image_height, cinfo.num_components, cinfo.data_precision,
                 width, height, components, CSSS_JPEG_PRECISION);
        jpeg_destroy_decompress(&cinfo);
        return 1;
    }
    // No colour transform: DICOM's Photometric Interpretation decides what the components are.
    cinfo.jpeg_color_space = JCS_UNKNOWN;
    cinfo.out_color_space = JCS_UNKNOWN;
    cinfo.dct_method = JDCT_ISLOW;
    cinfo.do_fancy_upsampling = TRUE;

    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)width * (size_t)components;
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = (JSAMPROW)(output + (size_t)cinfo.output_scanline * stride);
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return 0;
}
