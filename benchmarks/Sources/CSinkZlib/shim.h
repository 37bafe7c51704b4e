#ifndef CSINKZLIB_SHIM_H
#define CSINKZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 is a macro (it passes the zlib version and the z_stream size), so Swift cannot
   call it; this wrapper can. windowBits 15 + 32 accepts zlib or gzip input. */
static inline int csinkzlib_inflate_init2(z_streamp stream, int window_bits) {
    return inflateInit2(stream, window_bits);
}

#endif /* CSINKZLIB_SHIM_H */
