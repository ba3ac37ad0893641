#ifndef STREAMIFY_CPROTOBUFC_SHIM_H
#define STREAMIFY_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
#endif
