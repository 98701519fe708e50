// libjpeg-turbo (Debian libjpeg62-turbo-dev). jpeglib.h needs stdio.h/stddef.h first.
#include <stddef.h>
#include <stdio.h>
#include <setjmp.h>
#include <jpeglib.h>
#include <jerror.h>
