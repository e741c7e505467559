#ifndef HERALD_CZLIB_SHIM_H
#define HERALD_CZLIB_SHIM_H
// The system zlib: `herald match archive.jsonl.gz` reads gzip input as it streams, without a temporary file.
#include <zlib.h>

// inflateInit2 is a macro over inflateInit2_ (with the library version and the stream size), which Swift cannot
// import.
static inline int herald_inflate_init_gzip(z_stream *stream) {
    // 15 window bits, +16: a gzip header and trailer, not a raw zlib stream.
    return inflateInit2(stream, 15 + 16);
}
#endif
