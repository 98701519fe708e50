// zlib (Debian zlib1g-dev) for tools/bad-input-corpus: real deflate, so gzip bombs are bombs and the bytes match
// Python's gzip.compress(level 6, mtime 0) that wrote the first corpus.
#include <zlib.h>
