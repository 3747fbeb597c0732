// glibc's allocator options (mallopt), which the Swift Glibc module does not import.
#ifndef NETMOND_CMALLOC_SHIM_H
#define NETMOND_CMALLOC_SHIM_H
#include <malloc.h>
#endif
