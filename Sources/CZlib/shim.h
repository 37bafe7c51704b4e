#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H

#include <zlib.h>

/*
 * deflateInit2 and inflateInit2 are macros (they pass the zlib version and the z_stream size to
 * the real functions), so Swift cannot call them; these wrappers can be.
 *
 * windowBits 15 + 16 selects the gzip wrapper (Content-Encoding: gzip); 15 + 32 on inflate
 * accepts either zlib or gzip input.
 */
static inline int czlib_deflate_init2(z_streamp stream, int level, int method, int window_bits,
                                      int mem_level, int strategy) {
    return deflateInit2(stream, level, method, window_bits, mem_level, strategy);
}

static inline int czlib_inflate_init2(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}

#endif /* CZLIB_SHIM_H */
