// libnifti2 (Debian libnifti2-dev): headers live in /usr/include/nifti, passed with -iwithsysroot.
#include <nifti2_io.h>
#include <znzlib.h>
