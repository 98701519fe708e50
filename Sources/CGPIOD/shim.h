// libgpiod v1 (Debian bookworm libgpiod-dev 1.6.3).
#include <gpiod.h>
