// Shim over libpcap for Swift.
#ifndef NETMOND_CPCAP_SHIM_H
#define NETMOND_CPCAP_SHIM_H
#include <pcap/pcap.h>

// A hint to load the cache line at `address` for reading, for the capture code's hash tables
// (Swift has no prefetch of its own). Never faults, whatever the address; changes nothing.
static inline void netmond_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}
#endif
