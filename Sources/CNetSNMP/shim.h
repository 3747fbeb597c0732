// Shim over net-snmp for Swift. Header order matters: <sys/select.h> before net-snmp-config.h,
// which comes before net-snmp-includes.h (see shared/NOTES-CLIBS.md). Macros and mutable globals
// that Swift cannot import are wrapped in static inline functions here.
#ifndef NETMOND_CNETSNMP_SHIM_H
#define NETMOND_CNETSNMP_SHIM_H

#include <sys/select.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

/// Sets the library options netmond needs before `init_snmp`: no config files read, no state
/// persisted under /var/lib/snmp, numeric OIDs only.
static inline void netmond_snmp_configure_library(const char *persistent_dir) {
    // No MIB files (netmond uses numeric OIDs) and no writes under /var/lib/snmp.
    setenv("MIBS", "", 1);
    setenv("MIBDIRS", "", 1);
    setenv("SNMP_PERSISTENT_DIR", persistent_dir, 1);
    netsnmp_ds_set_string(NETSNMP_DS_LIBRARY_ID, NETSNMP_DS_LIB_PERSISTENT_DIR, persistent_dir);
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


// MARK: USM protocol identifiers (mutable C globals Swift 6 refuses to touch directly)

/// Authentication protocol OIDs by number: 1 MD5, 2 SHA-1, 3 SHA-224, 4 SHA-256, 5 SHA-384, 6 SHA-512.
static inline const oid *netmond_usm_auth_protocol(int which, size_t *length) {
    *length = USM_AUTH_PROTO_SHA_LEN;
    switch (which) {
    case 1: *length = USM_AUTH_PROTO_MD5_LEN; return usmHMACMD5AuthProtocol;
    case 2: return usmHMACSHA1AuthProtocol;
    case 3: return usmHMAC128SHA224AuthProtocol;
    case 4: return usmHMAC192SHA256AuthProtocol;
    case 5: return usmHMAC256SHA384AuthProtocol;
    case 6: return usmHMAC384SHA512AuthProtocol;
    default: *length = 0; return NULL;
    }
}

/// Privacy protocol OIDs by number: 1 DES, 2 AES-128, 3 AES-192, 4 AES-256 (Blumenthal draft,
/// as Debian's net-snmp builds it).
static inline const oid *netmond_usm_priv_protocol(int which, size_t *length) {
    switch (which) {
    case 1: *length = USM_PRIV_PROTO_DES_LEN; return usmDESPrivProtocol;
    case 2: *length = USM_PRIV_PROTO_AES_LEN; return usmAESPrivProtocol;
    case 3: *length = OID_LENGTH(usmAES192PrivProtocol); return usmAES192PrivProtocol;
    case 4: *length = OID_LENGTH(usmAES256PrivProtocol); return usmAES256PrivProtocol;
    default: *length = 0; return NULL;
    }
}

/// Forgets every cached USM user named `name`, so that changed credentials take effect on the
/// next session (net-snmp keeps one process-wide user table per engine ID and user name).
static inline int netmond_usm_forget_user(const char *name) {
    int removed = 0;
    struct usmUser *user = usm_get_userList();
    while (user != NULL) {
        struct usmUser *next = user->next;
        if (user->name != NULL && strcmp(user->name, name) == 0) {
            usm_remove_user(user);
            usm_free_user(user);
            removed++;
        }
        user = next;
    }
    return removed;
}

/// A non-blocking eventfd that wakes the SNMP engine thread's poll().
static inline int netmond_make_wake_fd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

// MARK: Sessions driven by netmond's own epoll loop

/// The socket of an open single-API session, or -1.
static inline int netmond_sess_socket(void *sessp) {
    netsnmp_transport *transport = snmp_sess_transport(sessp);
    return transport == NULL ? -1 : transport->sock;
}

/// A file descriptor set the engine thread keeps for its whole life (net-snmp's read and
/// select-info calls take one): allocated once instead of once per datagram. Grows as needed.
static inline void *netmond_fdset_create(void) {
    netsnmp_large_fd_set *set = malloc(sizeof(netsnmp_large_fd_set));
    if (set != NULL) netsnmp_large_fd_set_init(set, 4096);
    return set;
}

static inline void netmond_fdset_destroy(void *set) {
    if (set == NULL) return;
    netsnmp_large_fd_set_cleanup((netsnmp_large_fd_set *)set);
    free(set);
}

/// Reads the datagram waiting on `fd` for the session (dispatching callbacks), through `set`
/// (from `netmond_fdset_create`), which is left empty again.
static inline int netmond_sess_read_socket(void *sessp, int fd, void *set) {
    netsnmp_large_fd_set *fds = (netsnmp_large_fd_set *)set;
    netsnmp_large_fd_setfd(fd, fds);
    int result = snmp_sess_read2(sessp, fds);
    netsnmp_large_fd_clr(fd, fds);
    return result;
}

/// Microseconds until net-snmp must next run `snmp_sess_timeout` for the session (its earliest
/// request's expiry: a retry or a timeout; 0 when already due), or -1 when nothing is waiting.
static inline long netmond_sess_next_timeout_us(void *sessp, int fd, void *set) {
    netsnmp_large_fd_set *fds = (netsnmp_large_fd_set *)set;
    int numfds = 0, block = 1;
    struct timeval timeout = {0, 0};
    snmp_sess_select_info2_flags(sessp, &numfds, fds, &timeout, &block, NETSNMP_SELECT_NOALARMS);
    netsnmp_large_fd_clr(fd, fds);
    if (block) return -1;
    return (long)timeout.tv_sec * 1000000L + (long)timeout.tv_usec;
}

// MARK: epoll (struct epoll_event is packed and holds a union: kept on the C side)

static inline int netmond_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

/// Watches `fd` for input, reporting `token` when it is readable.
static inline int netmond_epoll_add(int epfd, int fd, uint64_t token) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.u64 = token;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &event);
}

static inline int netmond_epoll_remove(int epfd, int fd) { return epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL); }

/// Waits up to `timeout_ms` (-1: no limit) and stores the tokens of the ready descriptors in
/// `tokens` (at most `capacity`); returns how many, 0 on timeout or EINTR, -1 on another error.
static inline int netmond_epoll_wait(int epfd, uint64_t *tokens, int capacity, int timeout_ms) {
    struct epoll_event events[256];
    if (capacity > 256) capacity = 256;
    int count = epoll_wait(epfd, events, capacity, timeout_ms);
    if (count < 0) return errno == EINTR ? 0 : -1;
    for (int i = 0; i < count; i++) tokens[i] = events[i].data.u64;
    return count;
}

#endif
