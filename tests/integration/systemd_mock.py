#!/usr/bin/python3
"""A stand-in for systemd's manager (org.freedesktop.systemd1) on a private
bus, for systemd.bats on a host whose PID 1 is not systemd.

It does to the cgroup tree what systemd does on a hybrid host: a transient
unit gets a directory <slice path>/<unit> in the hierarchies systemd manages
(MANAGED below; the others are the runtime's to make), its PIDs are moved
there, and JobRemoved(id, job, unit, "done") follows the reply. StopUnit
kills what is in the unit, removes its directories and the slice directories
it made. Every call is appended as one JSON line to the log file, so the
tests can check what the runtime asked for.

Units whose name contains "failjob" get a job that ends "failed" and no
directories, as when systemd cannot start a unit.

usage: systemd_mock.py BUS-ADDRESS LOG-FILE READY-FILE
"""
import json
import os
import signal
import sys
import time

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

MANAGER = "org.freedesktop.systemd1.Manager"
# The hierarchies systemd creates a unit's cgroup in here: its own named
# hierarchy, the unified one ("") and the controllers it delegates.
MANAGED = ["name=systemd", "", "pids", "memory", "cpu", "cpuacct"]


def cgroup_mounts():
    """Mount points of the MANAGED hierarchies (co-mounted ones once)."""
    found = []
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            sep = fields.index("-")
            fstype, opts = fields[sep + 1], fields[sep + 3].split(",")
            point = fields[4]
            if fstype == "cgroup2":
                wanted = "" in MANAGED
            elif fstype == "cgroup":
                wanted = any(c in opts for c in MANAGED if c)
            else:
                continue
            if wanted and point not in found:
                found.append(point)
    return found


def slice_path(name):
    """systemd's nesting of slices by their dashes."""
    base = name[: -len(".slice")]
    if base == "-":
        return ""
    parts = base.split("-")
    return "".join("/" + "-".join(parts[: i + 1]) + ".slice" for i in range(len(parts)))


def plain(v):
    """D-Bus values as JSON ones."""
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Array, dbus.Struct, list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dbus.Dictionary):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, (dbus.String, dbus.ObjectPath, dbus.Signature)):
        return str(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return float(v)
    return v


def error(name, text):
    return dbus.exceptions.DBusException(text, name="org.freedesktop.systemd1." + name)


class Manager(dbus.service.Object):
    def __init__(self, bus, log):
        super().__init__(bus, "/org/freedesktop/systemd1")
        self.log = log
        self.units = {}  # name -> {"dirs": [...], "made": [...]}
        self.jobs = 0
        self.mounts = cgroup_mounts()

    def record(self, method, **fields):
        fields["method"] = method
        with open(self.log, "a") as f:
            f.write(json.dumps(fields) + "\n")

    def new_job(self, unit, result):
        self.jobs += 1
        job = "/org/freedesktop/systemd1/job/%d" % self.jobs
        n = self.jobs

        def finish():
            self.JobRemoved(dbus.UInt32(n), dbus.ObjectPath(job), unit, result)
            return False

        # After the reply, as systemd runs the job from its event loop.
        GLib.idle_add(finish)
        return dbus.ObjectPath(job)

    @dbus.service.method(MANAGER, in_signature="", out_signature="")
    def Subscribe(self):
        self.record("Subscribe")

    @dbus.service.method(MANAGER, in_signature="ssa(sv)a(sa(sv))", out_signature="o")
    def StartTransientUnit(self, name, mode, props, aux):
        pairs = [[str(k), plain(v)] for k, v in props]
        self.record("StartTransientUnit", unit=str(name), mode=str(mode), properties=pairs,
                    props={k: v for k, v in pairs}, aux=plain(aux))
        name = str(name)
        if name in self.units:
            raise error("UnitExists", "Unit %s was already loaded or has a fragment file." % name)
        values = {k: v for k, v in pairs}
        if "failjob" in name:
            return self.new_job(name, "failed")
        if name.endswith(".slice"):
            path = slice_path(name)
        else:
            path = slice_path(values.get("Slice", "system.slice")) + "/" + name
        unit = {"dirs": [], "made": []}
        for mount in self.mounts:
            levels = path.strip("/").split("/")
            for i in range(len(levels)):
                d = mount + "/" + "/".join(levels[: i + 1])
                if not os.path.isdir(d):
                    os.mkdir(d)
                    (unit["dirs"] if i == len(levels) - 1 else unit["made"]).append(d)
            d = mount + path
            if d not in unit["dirs"]:
                unit["dirs"].append(d)
            for pid in values.get("PIDs", []):
                with open(d + "/cgroup.procs", "w") as f:
                    f.write(str(pid))
        self.units[name] = unit
        return self.new_job(name, "done")

    def remove(self, unit):
        for d in unit["dirs"]:
            deadline = time.time() + 5
            while os.path.isdir(d):
                try:
                    with open(d + "/cgroup.procs") as f:
                        for pid in f.read().split():
                            try:
                                os.kill(int(pid), signal.SIGKILL)
                            except ProcessLookupError:
                                pass
                    os.rmdir(d)
                except OSError:
                    if time.time() > deadline:
                        break
                    time.sleep(0.01)
        # The slices it made, innermost first; one still in use stays.
        for d in sorted(unit["made"], key=len, reverse=True):
            try:
                os.rmdir(d)
            except OSError:
                pass

    @dbus.service.method(MANAGER, in_signature="ss", out_signature="o")
    def StopUnit(self, name, mode):
        self.record("StopUnit", unit=str(name), mode=str(mode))
        unit = self.units.pop(str(name), None)
        if unit is None:
            raise error("NoSuchUnit", "Unit %s not loaded." % name)
        self.remove(unit)
        return self.new_job(str(name), "done")

    @dbus.service.method(MANAGER, in_signature="sba(sv)", out_signature="")
    def SetUnitProperties(self, name, runtime, props):
        pairs = [[str(k), plain(v)] for k, v in props]
        self.record("SetUnitProperties", unit=str(name), runtime=bool(runtime), properties=pairs,
                    props={k: v for k, v in pairs})
        if str(name) not in self.units:
            raise error("NoSuchUnit", "Unit %s not loaded." % name)
        if "failprops" in str(name):
            raise dbus.exceptions.DBusException("Cannot set property TasksMax, or unknown property.",
                                                name="org.freedesktop.DBus.Error.PropertyReadOnly")

    @dbus.service.method(MANAGER, in_signature="s", out_signature="")
    def ResetFailedUnit(self, name):
        self.record("ResetFailedUnit", unit=str(name))
        if str(name) not in self.units:
            raise error("NoSuchUnit", "Unit %s not loaded." % name)

    @dbus.service.method("org.freedesktop.DBus.Properties", in_signature="ss", out_signature="v")
    def Get(self, interface, prop):
        self.record("Get", interface=str(interface), property=str(prop))
        if interface == MANAGER and prop == "Version":
            return dbus.String(os.environ.get("MOCK_SYSTEMD_VERSION", "252"), variant_level=1)
        raise dbus.exceptions.DBusException("no such property", name="org.freedesktop.DBus.Error.UnknownProperty")

    @dbus.service.signal(MANAGER, signature="uoss")
    def JobRemoved(self, job_id, job, unit, result):
        pass


def main():
    address, log, ready = sys.argv[1:4]
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.bus.BusConnection(address)
    name = dbus.service.BusName("org.freedesktop.systemd1", bus, do_not_queue=True)
    manager = Manager(bus, log)
    loop = GLib.MainLoop()

    def stop():
        # Whatever a failed test left: no cgroup outlives the mock.
        for unit in list(manager.units.values()):
            manager.remove(unit)
        loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, stop)
    with open(ready, "w") as f:
        f.write(str(os.getpid()))
    loop.run()
    del name


if __name__ == "__main__":
    main()
