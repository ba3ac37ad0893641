// The target's one function is inline in include/streamify_prefetch.h; SwiftPM wants a source file.
#include "streamify_prefetch.h"
