// Shim over net-snmp for Swift. Header order matters: <sys/select.h> before net-snmp-config.h,
// which comes before net-snmp-includes.h (see shared/NOTES-CLIBS.md). Macros and mutable globals
// that Swift cannot import are wrapped in static inline functions here.
#ifndef NETMOND_CNETSNMP_SHIM_H
#define NETMOND_CNETSNMP_SHIM_H

#include <sys/select.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/// Sets the library options netmond needs before `init_snmp`: no config files read, no state
/// persisted under /var/lib/snmp, numeric OIDs only.
static inline void netmond_snmp_configure_library(void) {
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DONT_PERSIST_STATE, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
    netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
    netsnmp_ds_set_int(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_OID_OUTPUT_FORMAT, NETSNMP_OID_OUTPUT_NUMERIC);
}

static inline int netmond_snmp_msg_get(void) { return SNMP_MSG_GET; }
static inline int netmond_snmp_msg_getnext(void) { return SNMP_MSG_GETNEXT; }
static inline int netmond_snmp_msg_getbulk(void) { return SNMP_MSG_GETBULK; }
static inline int netmond_snmp_nosuchobject(void) { return SNMP_NOSUCHOBJECT; }
static inline int netmond_snmp_nosuchinstance(void) { return SNMP_NOSUCHINSTANCE; }
static inline int netmond_snmp_endofmibview(void) { return SNMP_ENDOFMIBVIEW; }

#endif
