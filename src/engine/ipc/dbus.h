#pragma once
/* A small D-Bus client, enough to talk to systemd: one connection over a
 * unix socket, SASL EXTERNAL with our uid, Hello() when a bus daemon sits
 * between us and the peer, method calls waited for by serial, and signals
 * handed to a callback while waiting. hutch is linked statically and there
 * is no static libsystemd or libdbus to lean on; the wire format is in
 * dbus_wire.h. */
#include <stdbool.h>

#include "engine/ipc/dbus_wire.h"
#include "util/error.h"

/* How long one call may take to be answered: systemd may be busy, but a
 * container create should not hang for ever on it (runc waits 30 s). */
#define DBUS_CALL_TIMEOUT_MS 30000

struct dbus_address {
  char *path;    /* the socket (for abstract sockets, the name without the NUL) */
  bool abstract; /* in the abstract namespace */
  bool bus;      /* a bus daemon: Hello() first, AddMatch for signals */
};

/* The first unix:path= (or unix:abstract=) entry of a D-Bus address such as
 * "unix:path=/run/dbus/system_bus_socket,guid=...;tcp:host=..." (values
 * %-unescaped). out->bus is set true. */
int dbus_address_parse(const char *address, struct dbus_address *out, struct hutch_error **err);

/* Where systemd's manager is reached, as runc finds it: $DBUS_SYSTEM_BUS_ADDRESS
 * when set, else systemd's private socket /run/systemd/private when it
 * exists (no bus daemon there), else the system bus at
 * /run/dbus/system_bus_socket. */
int dbus_system_address(struct dbus_address *out, struct hutch_error **err);
void dbus_address_release(struct dbus_address *a);

struct dbus_conn;

/* Connects and authenticates (and says Hello on a bus). A peer that is not
 * there gives "connect PATH: <strerror>". */
int dbus_connect(const struct dbus_address *addr, struct dbus_conn **out, struct hutch_error **err);
void dbus_close(struct dbus_conn *c);

static inline void dbus_closep(struct dbus_conn **c)
{
  dbus_close(*c);
}
#define cleanup_dbus_conn __attribute__((cleanup(dbus_closep)))

/* Signals that arrive while a call or a wait is in progress go to fn; the
 * message is freed after it returns. */
typedef void (*dbus_signal_fn)(void *opaque, struct dbus_message *signal);
void dbus_on_signal(struct dbus_conn *c, dbus_signal_fn fn, void *opaque);

struct dbus_call {
  const char *destination; /* NULL on a connection without a bus */
  const char *path;
  const char *interface;
  const char *member;
  const char *signature; /* of body; NULL for none */
  const struct dbus_writer *body;
};

/* Sends the call and waits for its answer. 0: *reply (if reply is not NULL)
 * is the method return, its body parsed. -1: err says why; when the peer
 * answered with an error, *reply is that error message (its error_name
 * tells which), else NULL. */
int dbus_call(struct dbus_conn *c, const struct dbus_call *call, int timeout_ms, struct dbus_message **reply,
              struct hutch_error **err);

/* Reads and dispatches messages until done(opaque) is true. */
int dbus_wait(struct dbus_conn *c, bool (*done)(void *opaque), void *opaque, int timeout_ms,
              struct hutch_error **err);

/* Asks the bus daemon to route us the signals matching rule; nothing to do
 * on a direct connection, where the peer sends its signals to everyone. */
int dbus_add_match(struct dbus_conn *c, const char *rule, struct hutch_error **err);
