// Shim over libpcap for Swift.
#ifndef NETMOND_CPCAP_SHIM_H
#define NETMOND_CPCAP_SHIM_H
#include <pcap/pcap.h>
#endif
