#ifndef CPROTOBUFC_SHIM_H
#define CPROTOBUFC_SHIM_H

/* The protobuf-c runtime (libprotobuf-c): message descriptors, pack and unpack. */
#include <protobuf-c/protobuf-c.h>

#endif /* CPROTOBUFC_SHIM_H */
