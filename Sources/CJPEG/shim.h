// libjpeg-turbo (Debian libjpeg62-turbo-dev). jpeglib.h needs stdio.h/stddef.h first.
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>

// libjpeg's default error handler prints and calls exit(). These wrappers install an error manager whose
// error_exit formats the message and longjmps back, so a corrupt file becomes an error code + message.

struct hcc_jpeg_err {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static inline void hcc_jpeg_error_exit(j_common_ptr cinfo) {
    struct hcc_jpeg_err *e = (struct hcc_jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

static inline void hcc_jpeg_quiet(j_common_ptr cinfo) { (void)cinfo; }  // nothing is printed

// Warnings (msg_level < 0: truncated file, corrupt data segment) are treated as errors: a partly grey slice
// must not reach the feature extractor.
static inline void hcc_jpeg_emit(j_common_ptr cinfo, int msg_level) {
    if (msg_level < 0) hcc_jpeg_error_exit(cinfo);
}

static inline void hcc_jpeg_copy_msg(char *dst, size_t dstlen, const char *src) {
    if (dst && dstlen > 0) { strncpy(dst, src, dstlen - 1); dst[dstlen - 1] = 0; }
}

/// Decodes a JPEG file to 8-bit samples: 1 component (grey) or 3 (RGB), rows top to bottom.
/// On success returns 0 and *out holds a malloc'd width*height*components buffer (caller frees).
/// `max_pixels` bounds the allocation. On failure returns non-zero with a message in msg.
static inline int hcc_jpeg_decode(const char *path, unsigned char **out, int *width, int *height,
                                  int *components, long max_pixels, char *msg, size_t msglen) {
    struct jpeg_decompress_struct cinfo;
    struct hcc_jpeg_err jerr;
    FILE *volatile f = NULL;
    unsigned char *volatile buf = NULL;
    *out = NULL;
    f = fopen(path, "rb");
    if (!f) { hcc_jpeg_copy_msg(msg, msglen, "cannot open file"); return 1; }
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = hcc_jpeg_error_exit;
    jerr.pub.output_message = hcc_jpeg_quiet;
    jerr.pub.emit_message = hcc_jpeg_emit;
    jerr.message[0] = 0;
    if (setjmp(jerr.jump)) {
        hcc_jpeg_copy_msg(msg, msglen, jerr.message);
        jpeg_destroy_decompress(&cinfo);
        if (f) fclose(f);
        free(buf);
        return 2;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_stdio_src(&cinfo, f);
    jpeg_read_header(&cinfo, TRUE);
    if (cinfo.num_components == 1) cinfo.out_color_space = JCS_GRAYSCALE;
    else if (cinfo.num_components == 3) cinfo.out_color_space = JCS_RGB;
    else {
        hcc_jpeg_copy_msg(msg, msglen, "unsupported colour space (only greyscale and RGB/YCbCr)");
        jpeg_destroy_decompress(&cinfo); fclose(f); return 3;
    }
    if ((long)cinfo.image_width * (long)cinfo.image_height > max_pixels || cinfo.image_width == 0 || cinfo.image_height == 0) {
        hcc_jpeg_copy_msg(msg, msglen, "image size out of range");
        jpeg_destroy_decompress(&cinfo); fclose(f); return 4;
    }
    jpeg_start_decompress(&cinfo);
    int w = (int)cinfo.output_width, h = (int)cinfo.output_height, c = cinfo.output_components;
    buf = (unsigned char *)malloc((size_t)w * (size_t)h * (size_t)c);
    if (!buf) {
        hcc_jpeg_copy_msg(msg, msglen, "out of memory");
        jpeg_destroy_decompress(&cinfo); fclose(f); return 5;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = buf + (size_t)cinfo.output_scanline * (size_t)w * (size_t)c;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    fclose(f);
    *out = buf; *width = w; *height = h; *components = c;
    return 0;
}

/// Encodes 8-bit samples (components 1 = grey, 3 = RGB; rows top to bottom) to a baseline JPEG file.
/// Returns 0 on success, non-zero with a message in msg on failure.
static inline int hcc_jpeg_encode(const char *path, const unsigned char *pixels, int width, int height,
                                  int components, int quality, char *msg, size_t msglen) {
    struct jpeg_compress_struct cinfo;
    struct hcc_jpeg_err jerr;
    FILE *volatile f = NULL;
    if (width <= 0 || height <= 0 || (components != 1 && components != 3)) {
        hcc_jpeg_copy_msg(msg, msglen, "bad image size or component count"); return 1;
    }
    f = fopen(path, "wb");
    if (!f) { hcc_jpeg_copy_msg(msg, msglen, "cannot create file"); return 1; }
    cinfo.err = jpeg_std_error(&jerr.pub);
    jerr.pub.error_exit = hcc_jpeg_error_exit;
    jerr.pub.output_message = hcc_jpeg_quiet;
    jerr.message[0] = 0;
    if (setjmp(jerr.jump)) {
        hcc_jpeg_copy_msg(msg, msglen, jerr.message);
        jpeg_destroy_compress(&cinfo);
        if (f) fclose(f);
        return 2;
    }
    jpeg_create_compress(&cinfo);
    jpeg_stdio_dest(&cinfo, f);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    if (fclose(f) != 0) { hcc_jpeg_copy_msg(msg, msglen, "write failed"); return 3; }
    return 0;
}
