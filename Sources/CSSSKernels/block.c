/*
 * An inverted-residual block (1×1 expand, depthwise, 1×1 project) computed one output row at a time.
 *
 * Unfused, the expanded tensor is the largest thing a MobileNetV2 writes: 2.4 MB per image in its
 * second block at 160×160, written by one GEMM and read back by the depthwise from L3 or memory.
 * Here the expanded rows live in a ring of `span` rows: each output row expands only the input rows it
 * is the first to need, runs the depthwise over the ring, and projects the result straight into the
 * output, so everything between the block's input and output stays in L1 and L2.
 */

#include "internal.h"

/// The input rows a depthwise output row reads, first to last: `(kernel_h - 1) * dilation_h + 1`.
static int span(const csss_conv_geometry *g) { return (g->kernel_h - 1) * g->dilation_h + 1; }

size_t csss_block_scratch_count(const csss_block *b) {
    const csss_conv_geometry *g = b->depthwise;
    const size_t ring = b->expand_weights ? (size_t)span(g) * g->in_w * g->in_c : 0;
    return ring + (size_t)g->out_w * g->out_c;
}

void csss_block_run(csss_isa isa, const csss_block *b, int row_begin, int row_end, const float *in, float *out,
                float *scratch) {
    const csss_conv_geometry *g = b->depthwise;
    const int slots = span(g), hidden = g->in_c;
    const int expand_panels = (hidden + CSSS_GEMM_PANEL - 1) / CSSS_GEMM_PANEL;
    const int project_panels = (b->out_c + CSSS_GEMM_PANEL - 1) / CSSS_GEMM_PANEL;
    const ptrdiff_t in_row = (ptrdiff_t)g->in_w * b->in_c, hidden_row = (ptrdiff_t)g->in_w * hidden;
    const ptrdiff_t out_row = (ptrdiff_t)g->out_w * b->out_c;
    float *ring = scratch, *depthwise_row = scratch + (b->expand_weights ? slots * hidden_row : 0);

    // Which image row (counted over the batch) each ring slot holds; -1 for none yet.
    int held[slots];
    for (int slot = 0; slot < slots; ++slot) {
        held[slot] = -1;
    }
    const float *rows[g->kernel_h];
    csss_epilogue project = *b->project;

    for (int r = row_begin; r < row_end; ++r) {
        const int image = r / g->out_h, oy = r % g->out_h;
        for (int ky = 0; ky < g->kernel_h; ++ky) {
            const int iy = oy * g->stride_h - g->pad_top + ky * g->dilation_h;
            if (iy < 0 || iy >= g->in_h) {
                rows[ky] = NULL;
                continue;
            }
            const int row = image * g->in_h + iy;
            if (!b->expand_weights) {
                rows[ky] = in + row * in_row;
                continue;
            }
            float *slot = ring + (row % slots) * hidden_row;
            if (held[row % slots] != row) {
                csss_gemm(isa, 0, g->in_w, 0, expand_panels, b->in_c, hidden, in + row * in_row, b->in_c,
                          b->expand_weights, slot, b->expand);
                held[row % slots] = row;
            }
            rows[ky] = slot;
        }
        csss_depthwise_row(isa, g, rows, b->depthwise_weights, depthwise_row, NULL, b->depthwise_epilogue);
        project.residual = b->project->residual ? b->project->residual + r * out_row : NULL;
        csss_gemm(isa, 0, g->out_w, 0, project_panels, hidden, b->out_c, depthwise_row, hidden, b->project_weights,
                  out + r * out_row, &project);
    }
}
