# Test stand-ins for Proxmox VE's pct, pvesh, pvesm and pveversion.
#
# The behaviour follows the PVE sources (pve-container, pve-common,
# pve-guest-common, pve-storage, pve-manager), read line by line.  Containers are really started
# with liblxc's lxc-start from the LXC config PVE would generate, adapted to a
# cgroup-v1 host running Debian's liblxc 5.0.2.
#
# Everything PVE keeps under /etc/pve, /run/lock/lxc, /run/pve, /run/lxc and
# /var/lib/lxc lives under a "stand-in root" R (see mkroot).  Tools are invoked
# as R/bin/<tool>; R is dirname(dirname(abspath(argv[0]))).
#
# Only the Python standard library is used.

import errno
import fcntl
import gzip
import hashlib
import json
import os
import random
import re
import shlex
import signal
import socket
import stat
import subprocess
import sys
import tarfile
import time
import urllib.parse

###########################################################################
# output and errors
###########################################################################

IN_WORKER = False   # inside a task worker stdout and stderr go to the task log (= stdout)


def _w(stream, msg):
    if stream is sys.stderr:
        sys.stdout.flush()
    stream.write(msg)
    stream.flush()


def say(msg):
    """print to STDOUT"""
    _w(sys.stdout, msg)


def warn(msg):
    """Perl warn / print STDERR: in a worker it lands in the task log, i.e. stdout."""
    if not msg.endswith('\n'):
        msg += '\n'
    _w(sys.stdout if IN_WORKER else sys.stderr, msg)


def eprint(msg):
    """print STDERR without newline handling"""
    _w(sys.stdout if IN_WORKER else sys.stderr, msg)


class PVEError(Exception):
    """A Perl die / PVE::Exception.  render() gives the exact text PVE prints."""

    def __init__(self, msg, code=None, errors=None):
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.errors = errors or {}
        self.usage = None

    def render(self):
        msg = f"{self.code} {self.msg}" if self.code else self.msg
        if not msg.endswith('\n'):
            msg += '\n'
        for k, v in self.errors.items():
            msg += f"{k}: {v}\n"
        if self.usage:
            msg += self.usage
            if not msg.endswith('\n'):
                msg += '\n'
        return msg

    def __str__(self):
        return self.render()


def die(msg):
    if not msg.endswith('\n'):
        msg += '\n'
    raise PVEError(msg)


def raise_400(msg):
    raise PVEError(msg, 400)


def raise_param_exc(errors):
    raise PVEError("Parameter verification failed.\n", 400, dict(errors))


def errtext(e):
    """$@ as a string"""
    if isinstance(e, PVEError):
        return e.render()
    return str(e) + '\n'


###########################################################################
# small helpers
###########################################################################

def file_read(path, default=None):
    try:
        with open(path, 'r', encoding='utf-8', errors='surrogateescape') as f:
            return f.read()
    except OSError:
        return default


def file_read_firstline(path):
    data = file_read(path)
    if data is None:
        return None
    return data.split('\n', 1)[0]


def file_set_contents(path, data, mode=0o644):
    """PVE::File::file_set_contents: <file>.tmp.<pid> + rename"""
    tmp = f"{path}.tmp.{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
        with os.fdopen(fd, 'w', encoding='utf-8', errors='surrogateescape') as f:
            f.write(data)
        os.rename(tmp, path)
    except OSError as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        die(f"unable to open file '{tmp}' - {e.strerror}")


def split_list(txt):
    """PVE::Tools::split_list"""
    txt = txt or ''
    if '\0' in txt:
        return txt.split('\0')
    txt = re.sub(r'[,;]', ' ', txt).strip()
    return txt.split() if txt else []


def parse_boolean(v):
    if re.fullmatch(r'(1|on|yes|true)', v, re.I):
        return '1'
    if re.fullmatch(r'(0|off|no|false)', v, re.I):
        return '0'
    return None


def is_integer(v):
    return isinstance(v, str) and re.fullmatch(r'[+-]?\d+', v) is not None


def is_number(v):
    return isinstance(v, str) and re.fullmatch(
        r'[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?', v) is not None


def perl_num(v):
    """numeric value of a Perl scalar string"""
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0
    return int(f) if f == int(f) else f


def cmd2string(cmd):
    return ' '.join(shlex.quote(c) if c else "''" for c in cmd)


def encode_text(text):
    """PVE::ParseUtils::encode_text: escape control/high-bit chars, ':' and '%'"""
    out = []
    for b in text.encode('utf-8', errors='surrogateescape'):
        if (0x20 <= b <= 0x24) or (0x26 <= b <= 0x39) or (0x3b <= b <= 0x7e):
            out.append(chr(b))
        else:
            out.append('%%%02X' % b)
    return ''.join(out)


def decode_text(data):
    return urllib.parse.unquote_to_bytes(data).decode('utf-8', errors='surrogateescape')


def host_nproc():
    try:
        return len(os.sched_getaffinity(0))
    except OSError:
        return os.cpu_count() or 1


def cgroup_mode():
    """PVE::CGroup::cgroup_mode: 2 on a pure unified hierarchy, else 1"""
    return 2 if os.path.exists('/sys/fs/cgroup/cgroup.controllers') else 1


def clamp_cpu_shares(shares):
    v2 = cgroup_mode() == 2
    if shares is None:
        return 100 if v2 else 1024
    shares = int(shares)
    if v2:
        if shares >= 10000:
            shares = 10000
    elif shares < 2:
        shares = 2
    return shares


def run_command(cmd, outfunc=None, stdout=None, stderr=None, timeout=None, env=None):
    """PVE::Tools::run_command: dies with "command '...' failed: exit code N" """
    try:
        if outfunc:
            p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=stderr, timeout=timeout,
                               env=env, stdin=subprocess.DEVNULL)
            for line in p.stdout.decode('utf-8', 'surrogateescape').splitlines():
                outfunc(line)
        else:
            p = subprocess.run(cmd, stdout=stdout, stderr=stderr, timeout=timeout, env=env,
                               stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        die(f"command '{cmd2string(cmd)}' failed: got timeout")
    except OSError as e:
        die(f"command '{cmd2string(cmd)}' failed: {e.strerror}")
    if p.returncode < 0:
        die(f"command '{cmd2string(cmd)}' failed: received signal {-p.returncode}")
    if p.returncode != 0:
        die(f"command '{cmd2string(cmd)}' failed: exit code {p.returncode}")
    return p


def fnv_64a(data):
    h = 0xcbf29ce484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return h


###########################################################################
# the stand-in root
###########################################################################

VERSIONS = {
    # emulated PVE version -> (pve-manager, pve-container, lxc-pve)
    '8.4': ('8.4.0', '5.2.0', '6.0.0-1'),
    # pve-container 6.1.5 is the last release that generated cgroup-v1 keys,
    # which is what this (cgroup v1) host needs.
    '9.1': ('9.1.0', '6.1.5', '6.0.5-3'),
}


class Root:
    def __init__(self, argv0):
        self.root = os.path.dirname(os.path.dirname(os.path.abspath(argv0)))
        self.pve = os.path.join(self.root, 'etc/pve')
        if not os.path.isdir(self.pve):
            die(f"stand-in root '{self.root}' has no etc/pve - invoke the tool as "
                f"<root>/bin/<tool> of a root made by mkroot")
        self.version = (file_read_firstline(os.path.join(self.root, 'standin.version')) or '9.1').strip()
        if self.version not in VERSIONS:
            die(f"stand-in: unsupported emulated version '{self.version}' in "
                f"{self.root}/standin.version (8.4 or 9.1)")
        self.vtuple = tuple(int(x) for x in self.version.split('.'))
        self.node = self._nodename()
        self.lxcpath = os.path.join(self.root, 'var/lib/lxc')
        self.lockdir = os.path.join(self.root, 'run/lock/lxc')
        self.rundir = os.path.join(self.root, 'run/pve')
        self.runlxc = os.path.join(self.root, 'run/lxc')

    def _nodename(self):
        link = os.path.join(self.pve, 'lxc')
        try:
            tgt = os.readlink(link)
            m = re.fullmatch(r'(?:\./)?nodes/([^/]+)/lxc/?', tgt)
            if m:
                return m.group(1)
        except OSError:
            pass
        nodes = sorted(os.listdir(os.path.join(self.pve, 'nodes'))) if os.path.isdir(
            os.path.join(self.pve, 'nodes')) else []
        if len(nodes) == 1:
            return nodes[0]
        die(f"stand-in: cannot determine the local node of '{self.root}' "
            f"(etc/pve/lxc should link to nodes/<node>/lxc)")

    @property
    def v91(self):
        return self.vtuple >= (9, 1)

    @property
    def pve_container_version(self):
        return VERSIONS[self.version][1]

    def conf_rel(self, vmid, node=None):
        return f"nodes/{node or self.node}/lxc/{vmid}.conf"

    def conf_path(self, vmid, node=None):
        return os.path.join(self.pve, self.conf_rel(vmid, node))

    def lock_path(self, vmid):
        return os.path.join(self.lockdir, f"pve-config-{vmid}.lock")

    def ct_dir(self, vmid):
        return os.path.join(self.lxcpath, str(vmid))

    def vmlist(self):
        """{vmid: (type, node)} over all nodes (PVE::Cluster::get_vmlist)"""
        res = {}
        ndir = os.path.join(self.pve, 'nodes')
        try:
            nodes = sorted(os.listdir(ndir))
        except OSError:
            nodes = []
        for node in nodes:
            for sub, typ in (('lxc', 'lxc'), ('qemu-server', 'qemu')):
                try:
                    names = os.listdir(os.path.join(ndir, node, sub))
                except OSError:
                    continue
                for n in names:
                    m = re.fullmatch(r'([1-9]\d*)\.conf', n)
                    if m:
                        res.setdefault(int(m.group(1)), (typ, node))
        return res

    def check_vmid_unused(self, vmid, noerr=False):
        d = self.vmlist().get(int(vmid))
        if not d:
            return True
        if noerr:
            return False
        typ, node = d
        die(f"{'CT' if typ == 'lxc' else 'VM'} {vmid} already exists on node '{node}'")


###########################################################################
# CLI option parsing (pve-common get_options on top of Getopt::Long)
###########################################################################

def getopt(args, spec):
    """Getopt::Long with prefix_pattern=(--|-), auto_abbrev, ignore_case, permute.
    spec: name -> (value_is_optional, is_array).  Returns (opts, rest, warnings)."""
    names = sorted(spec)
    lc = {n.lower(): n for n in names}
    opts, rest, errs = {}, [], []
    i = 0
    while i < len(args):
        a = args[i]
        i += 1
        if a == '--':
            rest.extend(args[i:])
            break
        m = re.fullmatch(r'(--|-)(.+)', a, re.S)
        if not m:
            rest.append(a)
            continue
        body = m.group(2)
        optarg = None
        if '=' in body:
            body, optarg = body.split('=', 1)
        tryopt = body.lower()
        if tryopt in lc:
            opt = lc[tryopt]
        else:
            hits = [n for n in names if n.lower().startswith(tryopt)]
            if len(hits) == 1:
                opt = hits[0]
            elif hits:
                errs.append(f"Option {tryopt} is ambiguous ({', '.join(hits)})")
                continue
            else:
                errs.append(f"Unknown option: {tryopt}")
                continue
        optional, array = spec[opt]
        if optarg is not None:
            if optarg == '' and not optional:
                errs.append(f"Option {opt} requires an argument")
                continue
            val = optarg
        elif i >= len(args):
            if not optional:
                errs.append(f"Option {opt} requires an argument")
                continue
            val = ''
        else:
            nxt = args[i]
            if not optional or nxt == '-':
                val = nxt
                i += 1
            elif nxt == '--' or re.fullmatch(r'(--|-).+', nxt, re.S):
                val = ''
            else:
                val = nxt
                i += 1
        if array:
            opts.setdefault(opt, []).append(val)
        else:
            opts[opt] = val
    return opts, rest, errs


STD_OUTPUT_OPTIONS = ('output-format', 'noborder', 'noheader', 'human-readable', 'quiet')


def usage_short(prefix, props, arg_param, fmt_opts=False):
    """RESTHandler::getopt_usage(..., 'short')"""
    args = []
    for p in arg_param:
        pd = props.get(p, {})
        if isinstance(pd.get('format'), str) and '-list' in pd['format']:
            args.append(f"{{<{p}>}}")
        else:
            args.append(f"[<{p}>]" if pd.get('optional') else f"<{p}>")
    has_opts = False
    for k in sorted(props):
        if k in arg_param or (fmt_opts and k in STD_OUTPUT_OPTIONS):
            continue
        pd = props[k]
        has_opts = True
        if not pd.get('optional'):
            base = k
            m = re.fullmatch(r'([a-z]+)(\d+)', k)
            if m and m.group(2) != '0' and f"{m.group(1)}0" in props:
                continue
            if m and m.group(2) == '0' and f"{m.group(1)}1" in props:
                base = f"{m.group(1)}[n]"
            args.append(f"--{base} <{pd.get('type', 'string')}>")
    out = f"{prefix} {' '.join(args)}"
    if has_opts:
        out += " [OPTIONS]"
    if fmt_opts:
        out += " [FORMAT_OPTIONS]"
    return out + "\n"


def get_options(props, args, arg_param):
    spec = {}
    for p, pd in props.items():
        if pd.get('type') == 'boolean':
            spec[p] = (True, False)
        elif pd.get('type') == 'array' or (isinstance(pd.get('format'), str) and '-list' in pd['format']):
            spec[p] = (False, True)
        else:
            spec[p] = (False, False)
    opts, rest, errs = getopt(args, spec)
    if errs:
        for e in errs:
            _w(sys.stderr, e + '\n')
        raise_400("unable to parse option\n")
    if rest:
        for idx, name in enumerate(arg_param):
            if name == 'extra-args':
                opts['extra-args'] = rest
                rest = []
                continue
            if not rest:
                for name2 in arg_param[idx:]:
                    if not props.get(name2, {}).get('optional'):
                        raise_400("not enough arguments\n")
                if arg_param[-1] == 'extra-args':
                    opts['extra-args'] = []
                break
            opts[name] = rest.pop(0)
        if rest:
            raise_400("too many arguments\n")
    else:
        for name in arg_param:
            if name == 'extra-args':
                opts['extra-args'] = []
            elif not props.get(name, {}).get('optional'):
                raise_400("not enough arguments\n")
    for p in list(opts):
        pd = props.get(p)
        if not pd:
            continue
        v = opts[p]
        if pd.get('type') == 'boolean':
            if v == '':
                opts[p] = '1'
            else:
                b = parse_boolean(v)
                if b is None:
                    raise_400("unable to parse boolean option\n")
                opts[p] = b
        elif isinstance(pd.get('format'), str) and '-list' in pd['format'] and isinstance(v, list):
            opts[p] = ','.join(v)
    return opts


###########################################################################
# JSON schema checks (pve-common JSONSchema.pm)
###########################################################################

def add_error(errors, path, msg):
    path = path or '_root'
    if path in errors:
        errors[path] = errors[path] + '\\n' + msg   # sic: single-quoted '\n' in Perl
    else:
        errors[path] = msg


IPV4_RE = r'(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)'


def _is_ipv6(s):
    import ipaddress
    try:
        ipaddress.IPv6Address(s)
        return True
    except ValueError:
        return False


def _is_ipv4(s):
    return re.fullmatch(IPV4_RE, s) is not None


def _cidr4(s):
    m = re.fullmatch(f'({IPV4_RE})/(\\d+)', s)
    return bool(m) and 7 < int(m.group(2)) <= 32


def _cidr6(s):
    m = re.fullmatch(r'(.+)/(\d+)', s)
    return bool(m) and _is_ipv6(m.group(1)) and 7 < int(m.group(2)) <= 128


def parse_size(v):
    m = re.fullmatch(r'(\d+(\.\d+)?)([KMGT](?:iB)?)?', v)
    if not m:
        return None
    size = float(m.group(1))
    unit = (m.group(3) or '')[:1]
    size *= {'': 1, 'K': 1024, 'M': 1024 ** 2, 'G': 1024 ** 3, 'T': 1024 ** 4}[unit]
    return int(size)


def format_size(size):
    size = int(size)
    kb = size // 1024
    if kb * 1024 != size:
        return str(size)
    mb = kb // 1024
    if mb * 1024 != kb:
        return f"{kb}K"
    gb = mb // 1024
    if gb * 1024 != mb:
        return f"{mb}M"
    tb = gb // 1024
    if tb * 1024 != gb:
        return f"{gb}G"
    return f"{tb}T"


def parse_volume_id(volid, noerr=False):
    m = re.fullmatch(r'([a-z][a-z0-9\-_.]*[a-z0-9]):(.+)', volid, re.I | re.S)
    if m:
        return m.group(1), m.group(2)
    if noerr:
        return None, None
    die(f"unable to parse volume ID '{volid}'")


def _v_vmid(v):
    if not re.fullmatch(r'[1-9][0-9]{2,8}', v):
        die("value does not look like a valid VM ID")


def _v_dns(v):
    n = r'([a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?)'
    if not re.fullmatch(f'({n}\\.)*{n}', v):
        die("value does not look like a valid DNS name")


def _v_dns_list(v):
    for x in split_list(v):
        _v_dns(x)


def _v_mp_string(v):
    if re.search(r'/\.\.?/', v) or re.search(r'/\.\.?$', v) or re.match(r'\.\./', v):
        die(f"{v} contains illegal character sequences")


def _v_dev_string(v):
    if re.search(r'/\.\.?(?:/|$)', v) or not v.startswith('/dev/'):
        die(f"{v} is not a valid device path")


def _v_disk_size(v):
    if parse_size(v) is None:
        die(f"value does not look like a valid disk size: {v}")


def _v_mac(v):
    if not re.fullmatch(r'[a-f0-9][02468ace](?::[a-f0-9]{2}){5}', v, re.I):
        die("value does not look like a valid unicast MAC address")


def _v_ipv4(v):
    if not _is_ipv4(v):
        die("value does not look like a valid IPv4 address")


def _v_ipv6(v):
    if not _is_ipv6(v):
        die("value does not look like a valid IPv6 address")


def _v_ipv4_config(v):
    if not (re.fullmatch(r'dhcp|manual', v) or _cidr4(v)):
        die("value does not look like a valid ipv4 network configuration")


def _v_ipv6_config(v):
    if not (re.fullmatch(r'auto|dhcp|manual', v) or _cidr6(v)):
        die("value does not look like a valid ipv6 network configuration")


def _v_tag_list(v):
    for t in split_list(v):
        if not re.fullmatch(r'[a-z0-9_][a-z0-9_\-+.]*', t, re.I):
            die("invalid characters in tag")


def _v_volume_id(v):
    parse_volume_id(v)


def _v_configid_list(v):
    for x in split_list(v):
        if not re.fullmatch(r'[a-z][a-z0-9_-]+', x, re.I):
            die(f"invalid configuration ID '{x}'")


def _v_configid(v):
    if not re.fullmatch(r'[a-z][a-z0-9_-]+', v, re.I):
        die(f"invalid configuration ID '{v}'")


def _v_storage_id(v):
    if not re.fullmatch(r'[a-z][a-z0-9\-_.]*[a-z0-9]', v, re.I):
        die(f"storage ID '{v}' contains illegal characters")


def _v_ip_ll_list(v):
    for x in split_list(v):
        m = re.fullmatch(r'(fe80:[^%]+)%(.*)', x)
        if m and _is_ipv6(m.group(1)):
            continue
        if not (_is_ipv4(x) or _is_ipv6(x)):
            die("value does not look like a valid IP address")


def _v_timezone(v):
    if v == 'host':
        return
    zones = set()
    for line in (file_read('/usr/share/zoneinfo/zone.tab') or '').splitlines():
        if line.startswith('#'):
            continue
        f = line.split('\t')
        if len(f) >= 3:
            zones.add(f[2])
    zones.add('UTC')
    if v not in zones:
        die(f"invalid time zone '{v}'")


def _v_startup(v):
    for part in v.split(','):
        if not re.fullmatch(r'(order=)?\d+|up=\d+|down=\d+', part):
            die("unable to parse startup options")


def _v_poolid(v):
    if not re.fullmatch(r'[A-Za-z0-9_\-]+(?:/[A-Za-z0-9_\-]+){0,2}', v):
        die(f"invalid pool ID '{v}'")


FORMATS = {
    'pve-vmid': _v_vmid, 'dns-name': _v_dns, 'dns-name-list': _v_dns_list,
    'pve-lxc-mp-string': _v_mp_string, 'pve-lxc-dev-string': _v_dev_string,
    'disk-size': _v_disk_size, 'mac-addr': _v_mac, 'ipv4': _v_ipv4, 'ipv6': _v_ipv6,
    'pve-ipv4-config': _v_ipv4_config, 'pve-ipv6-config': _v_ipv6_config,
    'pve-tag-list': _v_tag_list, 'pve-volume-id': _v_volume_id,
    'pve-configid-list': _v_configid_list, 'pve-configid': _v_configid,
    'pve-snapshot-name': _v_configid, 'pve-storage-id': _v_storage_id,
    'lxc-ip-with-ll-iface-list': _v_ip_ll_list, 'pve-ct-timezone': _v_timezone,
    'pve-startup-order': _v_startup, 'pve-poolid': _v_poolid,
}


def check_format(fmt, value, path):
    if isinstance(fmt, dict):
        return parse_property_string(fmt, value, path)
    f = FORMATS.get(fmt)
    if f:
        f(value)
    return value


def check_type(path, typ, value, errors):
    if typ == 'array':
        if not isinstance(value, list):
            add_error(errors, path, "type check ('array') failed")
            return False
        return True
    if isinstance(value, list):
        add_error(errors, path, f"type check ('{typ}') failed - got ARRAY")
        return False
    if typ == 'boolean':
        if value in ('0', '1'):
            return True
        add_error(errors, path, f"type check ('boolean') failed - got '{value}'")
        return False
    if typ == 'integer':
        if not is_integer(value):
            add_error(errors, path, f"type check ('integer') failed - got '{value}'")
            return False
    if typ == 'number':
        if not is_number(value):
            add_error(errors, path, f"type check ('number') failed - got '{value}'")
            return False
    return True


def check_prop(value, schema, path, errors):
    if value is None:
        if not schema.get('optional'):
            add_error(errors, path, "property is missing and it is not optional")
        return
    if not check_type(path, schema.get('type', 'string'), value, errors):
        return
    if isinstance(value, list):
        items = schema.get('items')
        if items:
            for i, el in enumerate(value):
                check_prop(el, items, f"{path}[{i}]", errors)
        return
    fmt = schema.get('format')
    if fmt:
        try:
            check_format(fmt, value, path)
        except PVEError as e:
            add_error(errors, path, "invalid format - " + e.render())
            return
    pat = schema.get('pattern')
    if pat and not re.fullmatch(pat, value, re.S):
        add_error(errors, path, "value does not match the regex pattern")
        return
    if 'maxLength' in schema and len(value) > schema['maxLength']:
        add_error(errors, path, f"value may only be {schema['maxLength']} characters long")
        return
    if 'minLength' in schema and len(value) < schema['minLength']:
        add_error(errors, path, f"value must be at least {schema['minLength']} characters long")
        return
    if is_number(value):
        if 'maximum' in schema and float(value) > schema['maximum']:
            add_error(errors, path, f"value must have a maximum value of {schema['maximum']}")
            return
        if 'minimum' in schema and float(value) < schema['minimum']:
            add_error(errors, path, f"value must have a minimum value of {schema['minimum']}")
            return
    if 'enum' in schema and value not in schema['enum']:
        add_error(errors, path,
                  f"value '{value}' does not have a value in the enumeration '{', '.join(schema['enum'])}'")


def check_object(path, schema, value, errors):
    for k in sorted(schema):
        check_prop(value.get(k), schema[k], f"{path}.{k}" if path else k, errors)


def parse_property_string(fmt, data, path=None):
    res = {}
    default_key = None
    for part in re.split(',', data):
        if re.fullmatch(r'\s*', part):
            continue
        m = re.fullmatch(r'([^=]+)=(.+)', part)
        if m:
            k, v = m.group(1), m.group(2)
            if k in res:
                die(f"duplicate key in comma-separated list property: {k}")
            schema = fmt.get(k)
            if not schema:
                die(f"invalid key in comma-separated list property: {k}")
            if schema.get('type') == 'boolean':
                v = parse_boolean(v) or v
            res[k] = v
        elif '=' not in part:
            if default_key:
                die(f"duplicate key in comma-separated list property: {default_key}")
            for k, schema in fmt.items():
                if schema.get('default_key'):
                    default_key = k
                    if not res.get(k):
                        if schema.get('type') == 'boolean':
                            part = parse_boolean(part) or part
                        res[k] = part
                        break
                    die(f"duplicate key in comma-separated list property: {default_key}")
            if not default_key:
                die("value without key, but schema does not define a default key")
        else:
            die("missing key in comma-separated list property")
    errors = {}
    check_object(path, fmt, res, errors)
    if errors:
        raise PVEError("format error\n", None, errors)
    return res


def print_property_string(data, fmt, skip=()):
    done = set(skip)
    parts = []

    def add(k, isdefault=False):
        if k in done:
            return
        done.add(k)
        v = data.get(k)
        if v is None:
            return
        ph = fmt.get(k)
        if not ph:
            die(f"invalid key '{k}'")
        if ph.get('format') == 'disk-size':
            vs = format_size(v)
        else:
            vs = str(v)
            if ',' in vs:
                die(f"illegal value with commas for {k}")
        parts.append(vs if isdefault else f"{k}={vs}")

    dk = [k for k, s in fmt.items() if s.get('default_key')]
    if dk:
        add(dk[0], True)
    for k in sorted(data):
        if k in fmt and not fmt[k].get('optional'):
            add(k)
    for k in sorted(data):
        add(k)
    return ','.join(parts)


def validate(params, props):
    errors = {}
    for k in sorted(props):
        check_prop(params.get(k), props[k], k, errors)
    if errors:
        raise_param_exc(errors)


###########################################################################
# the container config schema (pve-container Config.pm)
###########################################################################

def S(typ='string', **kw):
    d = {'type': typ, 'optional': True}
    d.update(kw)
    return d


MOUNT_OPT_RE = r'(discard|lazytime|noatime|nodev|noexec|nosuid)'

ROOTFS_DESC = {
    'volume': {'type': 'string', 'default_key': True, 'format': 'pve-lxc-mp-string'},
    'size': S(format='disk-size'),
    'acl': S('boolean'),
    'mountoptions': S(pattern=f'{MOUNT_OPT_RE}(;{MOUNT_OPT_RE})*'),
    'ro': S('boolean'),
    'quota': S('boolean'),
    'replicate': S('boolean'),
    'shared': S('boolean'),
}
MP_DESC = dict(ROOTFS_DESC)
MP_DESC.update({
    'backup': S('boolean'),
    'mp': {'type': 'string', 'format': 'pve-lxc-mp-string'},
    'keepattrs': S('boolean'),
})
UNUSED_DESC = {'volume': {'type': 'string', 'default_key': True, 'format': 'pve-volume-id'}}
DEV_DESC = {
    'path': S(default_key=True, format='pve-lxc-dev-string'),
    'mode': S(pattern=r'0[0-7]{3}'),
    'uid': S('integer', minimum=0),
    'gid': S('integer', minimum=0),
    'deny-write': S('boolean'),
}
FEATURES_DESC = {
    'mount': S(pattern=r'[a-zA-Z0-9_; ]+'),
    'nesting': S('boolean'),
    'keyctl': S('boolean'),
    'fuse': S('boolean'),
    'mknod': S('boolean'),
    'force_rw_sys': S('boolean'),
}


def netconf_desc(ctx):
    d = {
        'type': S(enum=['veth']),
        'name': {'type': 'string', 'pattern': r'[-_.\w\d]+'},
        'bridge': S(pattern=r'[-_.\w\d]+'),
        'hwaddr': S(format='mac-addr'),
        'mtu': S('integer', minimum=64, maximum=65535),
        'ip': S(format='pve-ipv4-config'),
        'gw': S(format='ipv4'),
        'ip6': S(format='pve-ipv6-config'),
        'gw6': S(format='ipv6'),
        'firewall': S('boolean'),
        'tag': S('integer', minimum=1, maximum=4094),
        'trunks': S(pattern=r'\d+(?:;\d+)*'),
        'rate': S('number'),
        'link_down': S('boolean'),
    }
    if ctx.v91:
        d['host-managed'] = S('boolean')
    return d


def confdesc(ctx):
    c = {
        'lock': S(enum=['backup', 'create', 'destroyed', 'disk', 'fstrim', 'migrate', 'mounted',
                        'rollback', 'snapshot', 'snapshot-delete']),
        'onboot': S('boolean'),
        'startup': S(format='pve-startup-order'),
        'template': S('boolean'),
        'arch': S(enum=['amd64', 'i386', 'arm64', 'armhf', 'riscv32', 'riscv64']),
        'ostype': S(enum=['debian', 'devuan', 'ubuntu', 'centos', 'fedora', 'opensuse',
                          'archlinux', 'alpine', 'gentoo', 'nixos', 'unmanaged']),
        'console': S('boolean'),
        'tty': S('integer', minimum=0, maximum=6),
        'cores': S('integer', minimum=1, maximum=8192),
        'cpulimit': S('number', minimum=0, maximum=8192),
        'cpuunits': S('integer', minimum=0, maximum=500000),
        'memory': S('integer', minimum=16),
        'swap': S('integer', minimum=0),
        'hostname': S(format='dns-name', maxLength=255),
        'description': S(maxLength=8192),
        'searchdomain': S(format='dns-name-list'),
        'nameserver': S(format='lxc-ip-with-ll-iface-list'),
        'timezone': S(format='pve-ct-timezone'),
        'rootfs': S(format=ROOTFS_DESC),
        'parent': S(format='pve-configid', maxLength=40),
        'snaptime': S('integer', minimum=0),
        'cmode': S(enum=['shell', 'console', 'tty']),
        'protection': S('boolean'),
        'unprivileged': S('boolean'),
        'features': S(format=FEATURES_DESC),
        'hookscript': S(format='pve-volume-id'),
        'tags': S(format='pve-tag-list'),
        'debug': S('boolean'),
    }
    if ctx.v91:
        c['entrypoint'] = S(pattern=r'[^\x00-\x08\x0a-\x1F\x7F]+')
        c['env'] = S(pattern=r'(?:\w+=[^\x00-\x08\x0a-\x1F\x7F]*)(?:\0\w+=[^\x00-\x08\x0a-\x1F\x7F]*)*')
    net = netconf_desc(ctx)
    for i in range(32):
        c[f"net{i}"] = S(format=net)
    for i in range(256):
        c[f"mp{i}"] = S(format=MP_DESC)
        c[f"unused{i}"] = S(format=UNUSED_DESC)
        c[f"dev{i}"] = S(format=DEV_DESC)
    return c


def json_config_properties(ctx, extra):
    props = {k: v for k, v in confdesc(ctx).items() if k not in ('parent', 'snaptime')}
    props.update(extra)
    return props


VALID_LXC_KEYS = {
    'lxc.apparmor.profile': 1, 'lxc.apparmor.allow_incomplete': 1,
    'lxc.apparmor.allow_nesting': 1, 'lxc.apparmor.raw': 1, 'lxc.selinux.context': 1,
    'lxc.include': 1, 'lxc.arch': 1, 'lxc.uts.name': 1, 'lxc.signal.halt': 1,
    'lxc.signal.reboot': 1, 'lxc.signal.stop': 1, 'lxc.init.cmd': 1, 'lxc.init.cwd': 1,
    'lxc.pty.max': 1, 'lxc.console.logfile': 1, 'lxc.console.path': 1, 'lxc.tty.max': 1,
    'lxc.devtty.dir': 1, 'lxc.hook.autodev': 1, 'lxc.autodev': 1, 'lxc.kmsg': 1,
    'lxc.mount.fstab': 1, 'lxc.mount.entry': 1, 'lxc.mount.auto': 1,
    'lxc.rootfs.path': 'lxc.rootfs.path is auto generated from rootfs',
    'lxc.rootfs.mount': 1,
    'lxc.rootfs.options': 'lxc.rootfs.options is not supported'
                          ', please use mount point options in the "rootfs" key',
    'lxc.cap.drop': 1, 'lxc.cap.keep': 1, 'lxc.seccomp.profile': 1,
    'lxc.seccomp.notify.proxy': 1, 'lxc.seccomp.notify.cookie': 1, 'lxc.idmap': 1,
    'lxc.hook.pre-start': 1, 'lxc.hook.pre-mount': 1, 'lxc.hook.mount': 1,
    'lxc.hook.start': 1, 'lxc.hook.stop': 1, 'lxc.hook.post-stop': 1, 'lxc.hook.clone': 1,
    'lxc.hook.destroy': 1, 'lxc.hook.version': 1, 'lxc.log.level': 1, 'lxc.log.file': 1,
    'lxc.start.auto': 1, 'lxc.start.delay': 1, 'lxc.start.order': 1, 'lxc.group': 1,
    'lxc.environment': 1,
    'lxc.sysctl.fs.mqueue': 1, 'lxc.sysctl.kernel.msgmax': 1, 'lxc.sysctl.kernel.msgmnb': 1,
    'lxc.sysctl.kernel.msgmni': 1, 'lxc.sysctl.kernel.sem': 1, 'lxc.sysctl.kernel.shmall': 1,
    'lxc.sysctl.kernel.shmmax': 1, 'lxc.sysctl.kernel.shmmni': 1,
    'lxc.sysctl.kernel.shm_rmid_forced': 1,
}
VALID_LXC_KEYS_91 = {
    # pve-container 6.x
    'lxc.init.uid': 1, 'lxc.init.gid': 1, 'lxc.init.groups': 1,
    'lxc.environment.runtime': 1, 'lxc.environment.hooks': 1,
}
DEPRECATED_LXC_KEYS = {
    'lxc.aa_profile': 'lxc.apparmor.profile', 'lxc.aa_allow_incomplete': 'lxc.apparmor.allow_incomplete',
    'lxc.console': 'lxc.console.path', 'lxc.devttydir': 'lxc.tty.dir',
    'lxc.haltsignal': 'lxc.signal.halt', 'lxc.rebootsignal': 'lxc.signal.reboot',
    'lxc.stopsignal': 'lxc.signal.stop', 'lxc.id_map': 'lxc.idmap', 'lxc.init_cmd': 'lxc.init.cmd',
    'lxc.loglevel': 'lxc.log.level', 'lxc.logfile': 'lxc.log.file', 'lxc.mount': 'lxc.mount.fstab',
    'lxc.network.type': 'lxc.net.INDEX.type', 'lxc.network.flags': 'lxc.net.INDEX.flags',
    'lxc.network.link': 'lxc.net.INDEX.link', 'lxc.network.mtu': 'lxc.net.INDEX.mtu',
    'lxc.network.name': 'lxc.net.INDEX.name', 'lxc.network.hwaddr': 'lxc.net.INDEX.hwaddr',
    'lxc.network.ipv4': 'lxc.net.INDEX.ipv4.address',
    'lxc.network.ipv4.gateway': 'lxc.net.INDEX.ipv4.gateway',
    'lxc.network.ipv6': 'lxc.net.INDEX.ipv6.address',
    'lxc.network.ipv6.gateway': 'lxc.net.INDEX.ipv6.gateway',
    'lxc.network.script.up': 'lxc.net.INDEX.script.up',
    'lxc.network.script.down': 'lxc.net.INDEX.script.down', 'lxc.pts': 'lxc.pty.max',
    'lxc.se_context': 'lxc.selinux.context', 'lxc.seccomp': 'lxc.seccomp.profile',
    'lxc.tty': 'lxc.tty.max', 'lxc.utsname': 'lxc.uts.name',
}


def is_valid_lxc_conf_key(ctx, vmid, key, warnf):
    if key.startswith('lxc.limit.'):
        warnf(f"vm {vmid} - {key}: lxc.limit.* was renamed to lxc.prlimit.*\n")
        return 1
    if key in DEPRECATED_LXC_KEYS:
        warnf(f"vm {vmid} - {key} is deprecated and was renamed to {DEPRECATED_LXC_KEYS[key]}\n")
        return 1
    v = VALID_LXC_KEYS.get(key)
    if v is None and ctx.v91:
        v = VALID_LXC_KEYS_91.get(key)
    if v is not None:
        return v
    # pve-container < 6.1.6: all lxc.cgroup.* keys are accepted silently
    if re.match(r'lxc\.cgroup2?\.', key) or key.startswith('lxc.prlimit.') or key.startswith('lxc.net.'):
        return 1
    return 0


###########################################################################
# config file parse / write (Config.pm parse_pct_config / write_pct_config)
###########################################################################

def ct_check_type(ctx, key, value, desc):
    if key not in desc:
        die(f"unknown setting '{key}'")
    typ = desc[key]['type']
    if re.search(r'[\n\r]', value):
        die("property contains a line feed")
    if typ == 'boolean':
        if value == '1' or re.fullmatch(r'on|yes|true', value, re.I):
            return '1'
        if value == '0' or re.fullmatch(r'off|no|false', value, re.I):
            return '0'
        die(f"type check ('boolean') failed - got '{value}'")
    if typ == 'integer':
        if re.fullmatch(r'\d+', value):
            return str(int(value))
        die(f"type check ('integer') failed - got '{value}'")
    if typ == 'number':
        if re.fullmatch(r'\d+(\.\d+)?', value):
            return value
        die(f"type check ('number') failed - got '{value}'")
    fmt = desc[key].get('format')
    if fmt:
        check_format(fmt, value, None)
    return value


def parse_pct_config(ctx, vmid, raw, strict=False):
    res = {'digest': hashlib.sha1(raw.encode('utf-8', 'surrogateescape')).hexdigest(),
           'snapshots': {}, 'pending': {}}
    desc = confdesc(ctx)

    def handle_error(msg):
        if strict:
            die(msg)
        warn(msg)

    conf = res
    descr = ''
    section = ''
    for line in raw.split('\n'):
        if re.fullmatch(r'\s*', line):
            continue
        if re.fullmatch(r'\[pve:pending\]\s*', line, re.I):
            section = 'pending'
            if descr:
                conf['description'] = descr
            descr = ''
            conf = res['pending'] = {}
            continue
        m = re.fullmatch(r'\[([a-z][a-z0-9_\-]+)\]\s*', line, re.I)
        if m:
            section = m.group(1)
            if descr:
                conf['description'] = descr
            descr = ''
            conf = res['snapshots'][section] = {}
            continue
        m = re.fullmatch(r'#(.*)', line)
        if m:
            descr += decode_text(m.group(1)) + '\n'
            continue
        m = re.fullmatch(r'(lxc\.[a-z0-9_\-.]+)(:|\s*=)\s*(.*?)\s*', line)
        if m:
            key, value = m.group(1), m.group(3)
            validity = is_valid_lxc_conf_key(ctx, vmid, key, handle_error if strict else warn)
            if key == 'lxc.environment.runtime' and ctx.v91:
                conf['env'] = value if conf.get('env') is None else conf['env'] + '\0' + value
            elif validity == 1:
                conf.setdefault('lxc', []).append([key, value])
            elif validity:
                handle_error(f"vm {vmid} - {key}: {validity}\n")
            else:
                handle_error(f"vm {vmid} - unable to parse config: {line}\n")
            continue
        m = re.fullmatch(r'(description):\s*(.*\S)\s*', line)
        if m:
            descr += decode_text(m.group(2))
            continue
        m = re.search(r'snapstate:\s*(prepare|delete)\s*$', line)
        if m:
            conf['snapstate'] = m.group(1)
            continue
        m = re.fullmatch(r'delete:\s*(.*\S)\s*', line)
        if m:
            if section == 'pending':
                conf['delete'] = m.group(1)
            else:
                handle_error(f"vm {vmid} - property 'delete' is only allowed in [pve:pending]\n")
            continue
        m = re.fullmatch(r'([a-z][a-z_]*\d*):\s*(.+?)\s*', line)
        if m:
            key, value = m.group(1), m.group(2)
            try:
                value = ct_check_type(ctx, key, value, desc)
            except PVEError as e:
                handle_error(f"vm {vmid} - unable to parse value of '{key}' - {e.render()}")
            conf[key] = value
            continue
        handle_error(f"vm {vmid} - unable to parse config: {line}\n")
    if descr:
        conf['description'] = descr
    res.pop('snapstate', None)
    return res


def write_pct_config(conf):
    conf.pop('snapstate', None)
    used = set(get_vm_volumes(conf))
    for k in list(conf):
        if k.startswith('unused') and conf[k] in used:
            del conf[k]

    def gen(c):
        raw = ''
        descr = c.get('description') or ''
        lines = descr.split('\n')
        while lines and lines[-1] == '':
            lines.pop()
        for cl in lines:
            raw += '#' + encode_text(cl) + '\n'
        for key in sorted(c):
            if key in ('digest', 'description', 'pending', 'snapshots', 'snapname', 'env', 'lxc'):
                continue
            value = str(c[key])
            if '\n' in value:
                die(f"detected invalid newline inside property '{key}'")
            raw += f"{key}: {value}\n"
        if c.get('env'):
            for var in re.split(r'\0+', c['env']):
                raw += f"lxc.environment.runtime: {var}\n"
        for k, v in c.get('lxc') or []:
            if k == 'lxc.environment.runtime':
                continue
            raw += f"{k}: {v}\n"
        return raw

    raw = gen(conf)
    if conf.get('pending'):
        raw += "\n[pve:pending]\n" + gen(conf['pending'])
    for snap in sorted(conf.get('snapshots') or {}):
        raw += f"\n[{snap}]\n" + gen(conf['snapshots'][snap])
    return raw


def load_config(ctx, vmid, node=None):
    path = ctx.conf_path(vmid, node)
    raw = file_read(path)
    if raw is None:
        die(f"Configuration file '{ctx.conf_rel(vmid, node)}' does not exist")
    return parse_pct_config(ctx, vmid, raw)


def write_config(ctx, vmid, conf):
    raw = write_pct_config(conf)
    if len(raw.encode('utf-8', 'surrogateescape')) > 1024 * 1024:
        die(f"unable to write '{ctx.conf_rel(vmid)}' - File too large")
    file_set_contents(ctx.conf_path(vmid), raw, 0o640)


def destroy_config(ctx, vmid):
    try:
        os.unlink(ctx.conf_path(vmid))
    except OSError as e:
        die(f"failed to remove config file: {e.strerror}")


def check_lock(conf):
    if conf.get('lock'):
        die(f"CT is locked ({conf['lock']})")


def check_protection(conf, msg):
    if conf.get('protection') == '1':
        die(f"{msg} - protection mode enabled")


def has_lxc_entry(conf, key):
    return any(k == key for k, _ in conf.get('lxc') or [])


def parse_pending_delete(data):
    if not data:
        return {}
    data = re.sub(r'[,;]', ' ', data).strip()
    res = {}
    for entry in data.split():
        m = re.fullmatch(r'(!?)(.*)', entry)
        res[m.group(2)] = 1 if m.group(1) else 0
    return res


def print_pending_delete(h):
    return ','.join(('!' if h[k] else '') + k for k in sorted(h))


def add_to_pending_delete(conf, key):
    pending = conf.setdefault('pending', {})
    h = parse_pending_delete(pending.get('delete'))
    h[key] = 0
    pending['delete'] = print_pending_delete(h)


def remove_from_pending_delete(conf, key):
    pending = conf.setdefault('pending', {})
    h = parse_pending_delete(pending.get('delete'))
    if key not in h:
        return
    del h[key]
    if h:
        pending['delete'] = print_pending_delete(h)
    else:
        pending.pop('delete', None)


def cleanup_pending(conf):
    pending = conf.setdefault('pending', {})
    for opt in list(pending):
        if opt == 'delete':
            continue
        if conf.get(opt) is not None and pending[opt] == conf[opt]:
            del pending[opt]
    cur = parse_pending_delete(pending.get('delete'))
    new = {k: v for k, v in cur.items() if conf.get(k) is not None}
    if new:
        pending['delete'] = print_pending_delete(new)
    else:
        pending.pop('delete', None)


def valid_volume_keys():
    return ['rootfs'] + [f"mp{i}" for i in range(256)]


def parse_volume(key, value):
    if key == 'rootfs':
        res = parse_property_string(ROOTFS_DESC, value)
        res['mp'] = '/'
    elif re.fullmatch(r'mp\d+', key):
        res = parse_property_string(MP_DESC, value)
    elif re.fullmatch(r'unused\d+', key):
        res = parse_property_string(UNUSED_DESC, value)
    else:
        die(f"parse_volume - unknown type: {key}")
    if res.get('size') is not None:
        size = parse_size(res['size'])
        if size is None:
            die(f"invalid size: {res['size']}")
        res['size'] = size
    vol = res.get('volume', '')
    res['type'] = ('device' if vol.startswith('/dev/') else 'bind') if vol.startswith('/') else 'volume'
    return res


def print_ct_mountpoint(mp, nomp=False):
    skip = ['type'] + (['mp'] if nomp else [])
    return print_property_string(mp, MP_DESC, skip)


def foreach_volume(conf, func, include_unused=False):
    keys = valid_volume_keys()
    if include_unused:
        keys += [f"unused{i}" for i in range(256)]
    for k in keys:
        v = conf.get(k)
        if v is None:
            continue
        try:
            mp = parse_volume(k, v)
        except PVEError:
            continue
        func(k, mp)


def get_vm_volumes(conf):
    vols = []

    def f(k, mp):
        if mp['type'] == 'volume' and mp.get('volume'):
            vols.append(mp['volume'])
    foreach_volume(conf, f, include_unused=False)
    return vols


def parse_lxc_network(ctx, data):
    if not data:
        return {}
    res = parse_property_string(netconf_desc(ctx), data)
    res['type'] = 'veth'
    if not res.get('hwaddr'):
        res['hwaddr'] = random_ether_addr('BC:24:11')
    return res


def print_lxc_network(ctx, net):
    return print_property_string(net, netconf_desc(ctx))


def random_ether_addr(prefix):
    b = bytearray(os.urandom(6))
    b[0] = (b[0] & 0xfe) | 2
    addr = ':'.join('%02X' % x for x in b)
    if prefix:
        addr = prefix.upper() + addr[len(prefix):]
    return addr


def parse_features(data):
    if not data:
        return {}
    return parse_property_string(FEATURES_DESC, data)


def parse_device(data):
    res = parse_property_string(DEV_DESC, data)
    if res.get('path') is None:
        die("Path has to be defined")
    return res


def get_device_mode_and_rdev(path):
    try:
        st = os.stat(path)
    except FileNotFoundError:
        die(f"Device {path} does not exist")
    except OSError:
        die(f"Error accessing device {path}")
    if not (stat.S_ISBLK(st.st_mode) or stat.S_ISCHR(st.st_mode)):
        die(f"{path} is not a device")
    return st.st_mode, st.st_rdev


def parse_id_maps(conf):
    """PVE::LXC::parse_id_maps -> (id_map, root_uid, root_gid)"""
    id_map = []
    rootuid = rootgid = 0
    for k, v in conf.get('lxc') or []:
        if k != 'lxc.idmap':
            continue
        m = re.fullmatch(r'([ug])\s+(\d+)\s+(\d+)\s+(\d+)\s*', v)
        if not m:
            die(f"failed to parse idmap: {v}")
        t, ct, host, n = m.group(1), int(m.group(2)), int(m.group(3)), int(m.group(4))
        id_map.append((t, ct, host, n))
        if ct == 0:
            if t == 'u':
                rootuid = host
            else:
                rootgid = host
    if not id_map and conf.get('unprivileged') == '1':
        id_map = [('u', 0, 100000, 65536), ('g', 0, 100000, 65536)]
        rootuid = rootgid = 100000
    return id_map, rootuid, rootgid


def map_ct_id_to_host(id_map, t, i):
    for tt, ct, host, n in id_map:
        if tt == t and ct <= i < ct + n:
            return host + (i - ct)
    return None


###########################################################################
# storage (pve-storage, dir plugin only)
###########################################################################

VZTMPL_RE = r'\.(?:(tar)(?!\.)|tar\.(gz|xz|zst|bz2))'
VTYPE_SUBDIRS = {'images': 'images', 'rootdir': 'private', 'iso': 'template/iso',
                 'vztmpl': 'template/cache', 'backup': 'dump', 'snippets': 'snippets',
                 'import': 'import'}


class Storage:
    def __init__(self, ctx):
        self.ctx = ctx
        self.ids = {}
        self.order = []
        raw = file_read(os.path.join(ctx.pve, 'storage.cfg')) or ''
        cur = None
        for line in raw.split('\n'):
            if not line.strip() or line.lstrip().startswith('#'):
                if not line.strip():
                    cur = None
                continue
            m = re.fullmatch(r'(\S+):\s*(\S+)\s*', line)
            if m and not line[0].isspace():
                cur = {'type': m.group(1), 'content': set()}
                self.ids[m.group(2)] = cur
                self.order.append(m.group(2))
                continue
            m = re.fullmatch(r'\s+(\S+)(?:\s+(.*?))?\s*', line)
            if m and cur is not None:
                k, v = m.group(1), m.group(2) if m.group(2) is not None else '1'
                if k == 'content':
                    cur['content'] = set(x for x in v.split(',') if x)
                elif k == 'nodes':
                    cur['nodes'] = set(x for x in v.split(',') if x)
                else:
                    cur[k] = v

    def config(self, sid):
        if not sid:
            die("no storage ID specified")
        scfg = self.ids.get(sid)
        if not scfg:
            die(f"storage '{sid}' does not exist")
        return scfg

    def check_enabled(self, sid, node=None):
        scfg = self.config(sid)
        if scfg.get('disable') == '1':
            die(f"storage '{sid}' is disabled")
        node = node or self.ctx.node
        if scfg.get('nodes') and node not in scfg['nodes']:
            die(f"storage '{sid}' is not available on node '{node}'")
        return scfg

    def _dir(self, sid):
        scfg = self.config(sid)
        if scfg['type'] != 'dir':
            die(f"stand-in: storage type '{scfg['type']}' of storage '{sid}' is not supported (dir only)")
        if not scfg.get('path'):
            die("storage definition has no path")
        return scfg

    def parse_volname(self, sid, volname):
        self._dir(sid)
        m = re.fullmatch(r'(\d+)/(\S+)', volname)
        if m:
            name = m.group(2)
            nm = re.fullmatch(r'((vm-|base-|subvol-)(\d+)-[^/\s]+\.(raw|qcow2|vmdk|subvol))', name) or \
                re.fullmatch(r'((base-)?[^/\s]+\.(raw|qcow2|vmdk|subvol))', name)
            if not nm:
                die(f"unable to parse volume filename '{name}'")
            return 'images', name, int(m.group(1))
        m = re.fullmatch(r'iso/([^/]+\.(?:iso|img))', volname, re.I)
        if m:
            return 'iso', m.group(1), None
        m = re.fullmatch(r'vztmpl/([^/]+' + VZTMPL_RE + ')', volname, re.I)
        if m:
            return 'vztmpl', m.group(1), None
        m = re.fullmatch(r'backup/([^/]+\.(tgz|(?:tar|vma)(?:\.(gz|lzo|zst|bz2|xz))?))', volname)
        if m:
            fn = m.group(1)
            mm = re.match(r'vzdump-(openvz|lxc|qemu)-(\d+)-.+', fn)
            return 'backup', fn, int(mm.group(2)) if mm else None
        m = re.fullmatch(r'snippets/([^/]+)', volname)
        if m:
            return 'snippets', m.group(1), None
        die(f"unable to parse directory volume name '{volname}'")

    def path(self, volid):
        sid, volname = parse_volume_id(volid)
        scfg = self._dir(sid)
        vtype, name, vmid = self.parse_volname(sid, volname)
        sub = VTYPE_SUBDIRS[vtype]
        if vtype == 'images':
            return f"{scfg['path']}/{sub}/{vmid}/{name}", vmid, vtype
        return f"{scfg['path']}/{sub}/{name}", vmid, vtype

    def abs_filesystem_path(self, volid):
        sid, _ = parse_volume_id(volid, True)
        path = None
        if sid:
            path = self.path(volid)[0]
        elif os.path.isfile(volid):
            path = os.path.abspath(volid)
        if not (path and os.path.isfile(path)):
            die(f"can't find file '{volid}'")
        return path

    def list_images(self, sid, vmid):
        scfg = self._dir(sid)
        d = f"{scfg['path']}/images/{vmid}"
        try:
            return sorted(os.listdir(d))
        except OSError:
            return []

    def alloc_subvol(self, sid, vmid, size_kb):
        scfg = self._dir(sid)
        if size_kb > 0:
            die(f"stand-in: only size 0 (directory) volumes are supported, "
                f"use '{sid}:0' (got {size_kb // (1024 * 1024)} GiB)")
        imagedir = f"{scfg['path']}/images/{vmid}"
        os.makedirs(imagedir, exist_ok=True)
        used = set()
        for n in self.list_images(sid, vmid):
            m = re.fullmatch(rf'(?:vm|base|subvol)-{vmid}-disk-(\d+)(?:\.\w+)?', n)
            if m:
                used.add(int(m.group(1)))
        i = 0
        while i in used:
            i += 1
        name = f"subvol-{vmid}-disk-{i}.subvol"
        path = f"{imagedir}/{name}"
        if os.path.exists(path):
            die(f"disk image '{path}' already exists")
        old = os.umask(0o022)
        try:
            os.mkdir(path)
        except OSError as e:
            die(f"unable to create subvol '{path}' - {e.strerror}")
        finally:
            os.umask(old)
        return f"{sid}:{vmid}/{name}"

    def vdisk_free(self, volid):
        path, vmid, vtype = self.path(volid)
        if vtype != 'images':
            die(f"cannot free volume of type '{vtype}'")
        if os.path.isdir(path) and not os.path.islink(path):
            rmtree(path)
        elif os.path.lexists(path):
            os.unlink(path)
        try:
            os.rmdir(os.path.dirname(path))
        except OSError:
            pass


def rmtree(path):
    """remove a tree without following symlinks (files may be immutable-free only)"""
    import shutil
    if not os.path.lexists(path):
        return
    shutil.rmtree(path)


###########################################################################
# config lock (AbstractConfig lock_config / PVE::Tools::lock_file_full)
###########################################################################

_HELD_LOCKS = {}


class ConfigLock:
    def __init__(self, ctx, vmid, timeout=10):
        self.path = ctx.lock_path(vmid)
        self.timeout = timeout
        self.fd = None
        self.nested = False

    def __enter__(self):
        if self.path in _HELD_LOCKS:
            self.nested = True
            return self
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except OSError as e:
            die(f"can't lock file '{self.path}' - can't open file - {e.strerror}")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            eprint("trying to acquire lock...\n")
            deadline = time.monotonic() + self.timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() >= deadline:
                        os.close(fd)
                        die(f"can't lock file '{self.path}' - got timeout")
                    time.sleep(0.05)
            eprint(" OK\n")
        self.fd = fd
        _HELD_LOCKS[self.path] = fd
        return self

    def __exit__(self, *a):
        if not self.nested and self.fd is not None:
            _HELD_LOCKS.pop(self.path, None)
            os.close(self.fd)
        return False


###########################################################################
# lxc runtime helpers
###########################################################################

LXC_BIN = '/usr/bin'
CGROUP_ROOT = '/sys/fs/cgroup'
LXC_CONFIG_PATH = '/usr/share/lxc/config'
SYSTEMD_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'


def lxc(tool):
    return os.path.join(LXC_BIN, tool)


def cmd_sock_name(ctx, vmid):
    """liblxc lxc_make_abstract_socket_name(..., "command")"""
    name = f"{ctx.lxcpath}/{vmid}/command"
    if len(name) < 106:
        return name
    h = fnv_64a(f"{ctx.lxcpath}/{vmid}".encode())
    return f"lxc/{h:016x}/command"


def list_active(ctx):
    """PVE::LXC::list_active_containers: command sockets in /proc/net/unix"""
    res = set()
    data = file_read('/proc/net/unix') or ''
    want_prefix = f"@{ctx.lxcpath}/"
    hashed = {}
    for line in data.split('\n')[1:]:
        f = line.split()
        if len(f) < 8:
            continue
        path = f[7]
        if path.startswith(want_prefix):
            m = re.fullmatch(re.escape(want_prefix) + r'(\d+)/command@?', path)
            if m:
                res.add(int(m.group(1)))
        elif path.startswith('@lxc/') and path.rstrip('@').endswith('/command'):
            hashed[path.rstrip('@')[1:]] = 1
    if hashed:
        try:
            names = os.listdir(ctx.lxcpath)
        except OSError:
            names = []
        for n in names:
            if n.isdigit() and cmd_sock_name(ctx, n) in hashed:
                res.add(int(n))
    return res


def check_running(ctx, vmid):
    return int(vmid) in list_active(ctx)


def find_lxc_pid(ctx, vmid):
    pid = None
    try:
        p = subprocess.run([lxc('lxc-info'), '-n', str(vmid), '-P', ctx.lxcpath, '-p'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, timeout=10)
        for line in p.stdout.decode(errors='replace').splitlines():
            m = re.fullmatch(r'PID:\s+(\d+)', line)
            if m:
                pid = int(m.group(1))
    except (OSError, subprocess.TimeoutExpired):
        pass
    if not pid:
        die(f"unable to get PID for CT {vmid} (not running?)")
    return pid


def cgroup_hierarchies():
    """mounted cgroup hierarchies: v1 controller dirs (+unified, name=systemd) or the v2 root"""
    if cgroup_mode() == 2:
        return [CGROUP_ROOT]
    res = []
    try:
        names = sorted(os.listdir(CGROUP_ROOT))
    except OSError:
        return res
    for n in names:
        p = os.path.join(CGROUP_ROOT, n)
        if os.path.isdir(p) and not os.path.islink(p):
            res.append(p)
    return res


def limit_cgroup(controller, vmid):
    """path of the CT's limiting cgroup ('lxc/<vmid>', not the inner 'ns')"""
    base = CGROUP_ROOT if cgroup_mode() == 2 else os.path.join(CGROUP_ROOT, controller)
    path = os.path.join(base, f"lxc/{vmid}")
    if os.path.isdir(path):
        return path
    # Stand-in deviation: liblxc 5.0 on a v1 host may place the CT below
    # the cgroup lxc-start was started in (PVE's is systemd's unit, at the
    # root); look for lxc/<vmid> a few levels down.
    for dirpath, dirnames, _ in os.walk(base):
        if dirpath.endswith(f"/lxc/{vmid}"):
            return dirpath
        if dirpath[len(base):].count('/') >= 4:
            dirnames[:] = []
    return path


def remove_ct_cgroups(vmid, tries=20):
    """rmdir leftover lxc/<vmid> and lxc.monitor/<vmid> cgroups bottom-up"""
    left = []
    for attempt in range(tries):
        left = []
        for h in cgroup_hierarchies():
            for sub in (f"lxc/{vmid}", f"lxc.monitor/{vmid}"):
                top = os.path.join(h, sub)
                if not os.path.isdir(top):
                    continue
                for dirpath, dirnames, _ in os.walk(top, topdown=False):
                    try:
                        os.rmdir(dirpath)
                    except OSError:
                        left.append(dirpath)
        if not left:
            return []
        time.sleep(0.1)
    return left


def cgroup_populated(path):
    for dirpath, _, _ in os.walk(path):
        if (file_read(os.path.join(dirpath, 'cgroup.procs')) or '').strip():
            return True
    return False


def vmid_cgroup_busy(vmid):
    """a container of another stand-in root (or a real one) uses lxc/<vmid>"""
    for h in cgroup_hierarchies():
        if os.path.isdir(os.path.join(h, f"lxc/{vmid}")) or \
                os.path.isdir(os.path.join(h, f"lxc.monitor/{vmid}")):
            return True
    return False


def write_cgroup(path, value):
    try:
        with open(path, 'w') as f:
            f.write(str(value))
    except OSError as e:
        die(f"error writing '{value}' to '{path}': {e.strerror}")


def _close_fds(keep=()):
    try:
        fds = [int(x) for x in os.listdir('/proc/self/fd')]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd not in keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _reset_signals():
    for s in (signal.SIGPIPE, signal.SIGINT, signal.SIGTERM, signal.SIGQUIT, signal.SIGHUP,
              signal.SIGCHLD, signal.SIGXFSZ):
        try:
            signal.signal(s, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    try:
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
    except (OSError, AttributeError):
        pass


def daemonize_exec(argv, stdin='/dev/null', stdout='/dev/null', stderr='/dev/null',
                   keep_fds=(), env=None, truncate_stderr=True):
    """double fork + setsid + exec; returns the pid of the daemon"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.close(r)
            os.setsid()
            pid2 = os.fork()
            if pid2 != 0:
                os.write(w, str(pid2).encode())
                os._exit(0)
            os.close(w)
            os.chdir('/')
            fd0 = os.open(stdin, os.O_RDONLY)
            fd1 = os.open(stdout, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
            fl = os.O_WRONLY | os.O_CREAT | (os.O_TRUNC if truncate_stderr else os.O_APPEND)
            fd2 = os.open(stderr, fl, 0o644)
            os.dup2(fd0, 0)
            os.dup2(fd1, 1)
            os.dup2(fd2, 2)
            _close_fds(keep=keep_fds)
            for fd in keep_fds:
                os.set_inheritable(fd, True)
            _reset_signals()
            os.execve(argv[0], argv, env if env is not None else {'PATH': SYSTEMD_PATH})
        except BaseException:
            pass
        os._exit(127)
    os.close(w)
    data = b''
    while True:
        chunk = os.read(r, 64)
        if not chunk:
            break
        data += chunk
    os.close(r)
    os.waitpid(pid, 0)
    try:
        return int(data)
    except ValueError:
        die(f"failed to start '{argv[0]}'")


def pid_alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            st = f.read()
        return st[st.rindex(')') + 2] != 'Z'
    except (OSError, ValueError, IndexError):
        return False


###########################################################################
# update_lxc_config: <vmid>.conf -> <lxcpath>/<vmid>/config  (LXC.pm 697-928)
###########################################################################

def apparmor_enabled():
    return (file_read_firstline('/sys/module/apparmor/parameters/enabled') or '').strip() == 'Y' \
        and os.path.exists('/sbin/apparmor_parser')


def make_seccomp_config(ctx, conf, vmid, conf_dir, unprivileged, features):
    if has_lxc_entry(conf, 'lxc.seccomp.profile'):
        w = ', '.join(k for k in ('keyctl', 'mknod') if features.get(k) == '1')
        if w:
            warn(f"explicitly configured lxc.seccomp.profile overrides the following settings: {w}\n")
        return ''
    if not unprivileged:
        return ''
    rules = {'keyctl': ['errno 38'],
             'ioctl': ['errno 1 [1,0x9400,SCMP_CMP_MASKED_EQ,0xff00]']}
    if ctx.v91:
        rules['socket'] = ['errno 97 [0,38,SCMP_CMP_EQ]']
    raw_conf = ''
    if features.get('keyctl') == '1':
        del rules['keyctl']
    if features.get('mknod') == '1':
        new_sock = '/run/pve-lxc-syscalld/socket'
        raw_conf += f"lxc.seccomp.notify.proxy = unix:{new_sock}\n"
        raw_conf += f"lxc.seccomp.notify.cookie = {vmid}\n"
        rules['mknod'] = ['notify [1,8192,SCMP_CMP_MASKED_EQ,61440]',
                          'notify [1,24576,SCMP_CMP_MASKED_EQ,61440]']
        rules['mknodat'] = ['notify [2,8192,SCMP_CMP_MASKED_EQ,61440]',
                            'notify [2,24576,SCMP_CMP_MASKED_EQ,61440]']
    extra = '\n'.join(f"{sc} {r}" for sc in sorted(rules) for r in rules[sc]) + '\n'
    if extra == '\n':
        return raw_conf
    rule_file = f"{conf_dir}/rules.seccomp"
    common = file_read(f"{LXC_CONFIG_PATH}/common.seccomp") or "2\ndenylist\n"
    file_set_contents(rule_file, common + extra)
    raw_conf += f"lxc.seccomp.profile = {rule_file}\n"
    return raw_conf


def make_apparmor_config(conf, unprivileged, features):
    if not apparmor_enabled():
        # stand-in: this host has no AppArmor, liblxc cannot load a generated profile
        if has_lxc_entry(conf, 'lxc.apparmor.profile'):
            return ''
        return "lxc.apparmor.profile = unconfined\n"
    raw = "lxc.apparmor.profile = generated\n"
    raw += "lxc.apparmor.raw = allow mqueue,\n"
    uses = []
    if features.get('fuse') == '1':
        uses.append('features:fuse')
    if features.get('nesting') == '1':
        uses.append('features:nesting')
        raw += "lxc.apparmor.allow_nesting = 1\n"
        raw += "lxc.apparmor.raw = allow userns,\n"
    else:
        raw += "lxc.apparmor.raw = deny mount -> /proc/,\n"
        raw += "lxc.apparmor.raw = deny mount -> /sys/,\n"
    if features.get('mount'):
        uses.append('features:mount')
        for fs in split_list(features['mount']):
            raw += f"lxc.apparmor.raw = mount fstype={fs},\n"
    if has_lxc_entry(conf, 'lxc.apparmor.profile'):
        if uses:
            warn("explicitly configured lxc.apparmor.profile overrides the following settings: "
                 + ', '.join(uses) + "\n")
        return ''
    return raw


def read_bridge_mtu(bridge):
    mtu = file_read_firstline(f"/sys/class/net/{bridge or ''}/mtu") if bridge else None
    if not mtu:
        die(f"bridge '{bridge or ''}' does not exist")
    # stand-in: lxcnetaddbr is absent and the veth is attached through lxc.net.N.link,
    # which liblxc only accepts for a real bridge
    if not os.path.isdir(f"/sys/class/net/{bridge}/bridge"):
        die(f"bridge '{bridge}' does not exist")
    if not re.fullmatch(r'\d+', mtu.strip()):
        die(f"unexpeted error: unable to parse mtu value '{mtu}' as integer")
    return int(mtu)


def cpuset_short_string(members):
    members = sorted(members)
    out = []
    i = 0
    while i < len(members):
        j = i
        while j + 1 < len(members) and members[j + 1] == members[j] + 1:
            j += 1
        out.append(str(members[i]) if i == j else f"{members[i]}-{members[j]}")
        i = j + 1
    return ','.join(out)


def parse_cpuset(txt):
    res = set()
    for part in (txt or '').strip().split(','):
        if not part:
            continue
        if '-' in part:
            a, b = part.split('-', 1)
            res.update(range(int(a), int(b) + 1))
        else:
            res.add(int(part))
    return res


def rootfs_host_path(ctx, storage, mp):
    if mp['type'] == 'volume':
        return storage.path(mp['volume'])[0]
    if mp['type'] == 'bind':
        return mp['volume']
    die(f"stand-in: block device mount points are not supported ({mp['volume']})")


def update_lxc_config(ctx, vmid, conf, storage=None):
    storage = storage or Storage(ctx)
    d = ctx.ct_dir(vmid)
    if conf.get('template') == '1':
        try:
            os.unlink(f"{d}/config")
        except OSError:
            pass
        return
    raw = ''
    raw += "lxc.cgroup.relative = 0\n"
    raw += f"lxc.cgroup.dir.monitor = lxc.monitor/{vmid}\n"
    raw += f"lxc.cgroup.dir.container = lxc/{vmid}\n"
    raw += "lxc.cgroup.dir.container.inner = ns\n"
    if not conf.get('arch'):
        die("missing 'arch' - internal error at /usr/share/perl5/PVE/LXC.pm line 723.")
    raw += f"lxc.arch = {conf['arch']}\n"
    custom_idmap = has_lxc_entry(conf, 'lxc.idmap')
    unpriv = conf.get('unprivileged') == '1' or custom_idmap
    ostype = conf.get('ostype')
    if not ostype:
        die("missing 'ostype' - internal error at /usr/share/perl5/PVE/LXC.pm line 731.")
    os.makedirs(d, exist_ok=True)
    inc = f"{LXC_CONFIG_PATH}/{ostype}.common.conf"
    if not os.path.isfile(inc):
        inc = f"{LXC_CONFIG_PATH}/common.conf"
    raw += f"lxc.include = {inc}\n"
    if unpriv:
        inc = f"{LXC_CONFIG_PATH}/{ostype}.userns.conf"
        if not os.path.isfile(inc):
            inc = f"{LXC_CONFIG_PATH}/userns.conf"
        raw += f"lxc.include = {inc}\n"
    features = parse_features(conf.get('features'))
    raw += make_seccomp_config(ctx, conf, vmid, d, unpriv, features)
    raw += make_apparmor_config(conf, unpriv, features)
    if features.get('fuse') == '1':
        if apparmor_enabled():
            raw += "lxc.apparmor.raw = mount fstype=fuse,\n"
        raw += "lxc.mount.entry = /dev/fuse dev/fuse none bind,create=file 0 0\n"
    if unpriv and features.get('force_rw_sys') != '1':
        raw += "lxc.mount.auto = sys:mixed\n"

    v1 = cgroup_mode() == 1
    cgpfx = 'lxc.cgroup' if v1 else 'lxc.cgroup2'
    id_map, _, _ = parse_id_maps(conf)
    dev_entries = []
    for i in range(256):
        key = f"dev{i}"
        if conf.get(key) is None:
            continue
        dev = parse_device(conf[key])
        if dev.get('path') is None:
            die(f"Path is not defined for passthrough device {key}")
        mode, rdev = get_device_mode_and_rdev(dev['path'])
        t = 'b' if stat.S_ISBLK(mode) else 'c'
        perms = 'r' if dev.get('deny-write') == '1' else 'rw'
        # stand-in: on a cgroup-v1 host the v1 devices controller is what liblxc applies
        raw += f"{cgpfx}.devices.allow = {t} {os.major(rdev)}:{os.minor(rdev)} {perms}\n"
        if dev.get('deny-write') == '1':
            raw += f"{cgpfx}.devices.deny = {t} {os.major(rdev)}:{os.minor(rdev)} w\n"
        dev_entries.append((dev, mode, rdev))

    raw += "lxc.monitor.unshare = 1\n"
    if unpriv and not custom_idmap:
        raw += "lxc.idmap = u 0 100000 65536\n"
        raw += "lxc.idmap = g 0 100000 65536\n"
    if conf.get('console') == '0':
        raw += "lxc.console.path = none\n"
        raw += f"{cgpfx}.devices.deny = c 5:1 rwm\n"
    raw += f"lxc.tty.max = {conf.get('tty', '2')}\n"
    raw += "lxc.environment = TERM=linux\n"
    raw += f"lxc.uts.name = {conf.get('hostname') or 'CT' + str(vmid)}\n"

    memory = int(conf.get('memory') or 512)
    swap = int(conf.get('swap') or 0)
    if v1:
        if os.path.exists(f"{CGROUP_ROOT}/memory/memory.limit_in_bytes"):
            raw += f"lxc.cgroup.memory.limit_in_bytes = {memory * 1024 * 1024}\n"
            if os.path.exists(f"{CGROUP_ROOT}/memory/memory.memsw.limit_in_bytes"):
                raw += f"lxc.cgroup.memory.memsw.limit_in_bytes = {(memory + swap) * 1024 * 1024}\n"
        if os.path.isdir(f"{CGROUP_ROOT}/cpu"):
            if conf.get('cpulimit') and float(conf['cpulimit']):
                raw += "lxc.cgroup.cpu.cfs_period_us = 100000\n"
                raw += f"lxc.cgroup.cpu.cfs_quota_us = {int(100000 * float(conf['cpulimit']))}\n"
            raw += f"lxc.cgroup.cpu.shares = {clamp_cpu_shares(conf.get('cpuunits'))}\n"
    else:
        ctrls = (file_read(f"{CGROUP_ROOT}/cgroup.controllers") or '').split()
        if 'memory' in ctrls:
            mmax = memory * 1024 * 1024
            mhigh = (memory - 128) * 1024 * 1024 if memory >= 16 * 1024 else memory * 1024 * 1016
            raw += f"lxc.cgroup2.memory.max = {mmax}\n"
            raw += f"lxc.cgroup2.memory.high = {mhigh}\n"
            raw += f"lxc.cgroup2.memory.swap.max = {swap * 1024 * 1024}\n"
        if 'cpu' in ctrls:
            if conf.get('cpulimit') and float(conf['cpulimit']):
                raw += f"lxc.cgroup2.cpu.max = {int(100000 * float(conf['cpulimit']))} 100000\n"
            if conf.get('cpuunits') is not None:
                raw += f"lxc.cgroup2.cpu.weight = {clamp_cpu_shares(conf['cpuunits'])}\n"

    if conf.get('rootfs') is None:
        die("missing 'rootfs' configuration")
    rootmp = parse_volume('rootfs', conf['rootfs'])
    # stand-in: PVE mounts the volumes at <lxcpath>/<vmid>/rootfs in its pre-start hook;
    # here liblxc bind-mounts the volume directory itself
    raw += f"lxc.rootfs.path = dir:{rootfs_host_path(ctx, storage, rootmp)}\n"
    if rootmp.get('ro') == '1':
        raw += "lxc.rootfs.options = ro\n"
    mps = []
    for i in range(256):
        key = f"mp{i}"
        if conf.get(key) is None:
            continue
        mp = parse_volume(key, conf[key])
        mps.append(mp)
    for mp in sorted(mps, key=lambda m: m['mp'].rstrip('/').count('/')):
        src = rootfs_host_path(ctx, storage, mp)
        opts = ['bind', 'create=dir']
        if mp.get('ro') == '1':
            opts.append('ro')
        for o in split_list(mp.get('mountoptions') or ''):
            opts.append(o)
        raw += f"lxc.mount.entry = {src} {mp['mp'].lstrip('/')} none {','.join(opts)} 0 0\n"
    for dev, mode, rdev in dev_entries:
        node = os.path.join(d, 'passthrough') + dev['path']
        raw += f"lxc.mount.entry = {node} {dev['path'].lstrip('/')} none bind,create=file 0 0\n"

    if conf.get('entrypoint') is not None:
        raw += f"lxc.init.cmd = {conf['entrypoint']}\n"

    for k in sorted(conf):
        m = re.fullmatch(r'net(\d+)', k)
        if not m:
            continue
        ind = m.group(1)
        net = parse_lxc_network(ctx, conf[k])
        raw += f"lxc.net.{ind}.type = veth\n"
        raw += f"lxc.net.{ind}.veth.pair = veth{vmid}i{ind}\n"
        if net.get('hwaddr'):
            raw += f"lxc.net.{ind}.hwaddr = {net['hwaddr']}\n"
        if net.get('name'):
            raw += f"lxc.net.{ind}.name = {net['name']}\n"
        bmtu = read_bridge_mtu(net.get('bridge'))
        mtu = int(net.get('mtu') or bmtu)
        if mtu > bmtu:
            die(f"{k}: MTU size '{mtu}' is bigger than bridge MTU '{bmtu}'")
        raw += f"lxc.net.{ind}.mtu = {mtu}\n"
        # stand-in: instead of lxc.net.N.script.up = /usr/share/lxc/lxcnetaddbr
        raw += f"lxc.net.{ind}.link = {net['bridge']}\n"
        if net.get('link_down') != '1' and net.get('host-managed') == '1':
            if net.get('ip') and not re.fullmatch(r'dhcp|manual', net['ip']):
                raw += f"lxc.net.{ind}.ipv4.address = {net['ip']}\n"
            if net.get('gw'):
                raw += f"lxc.net.{ind}.ipv4.gateway = {net['gw']}\n"
            if net.get('ip6'):
                if net['ip6'] == 'auto':
                    die(f"{k}: SLAAC is not supported for host-managed network configuration")
                if not re.fullmatch(r'dhcp|manual', net['ip6']):
                    raw += f"lxc.net.{ind}.ipv6.address = {net['ip6']}\n"
            if net.get('gw6'):
                raw += f"lxc.net.{ind}.ipv6.gateway = {net['gw6']}\n"
            raw += f"lxc.net.{ind}.flags = up\n"
    if not any(re.fullmatch(r'net\d+', k) for k in conf) and \
            not any(k.startswith('lxc.net.') for k, _ in conf.get('lxc') or []):
        # stand-in: explicit "only loopback" (PVE writes nothing here)
        raw += "lxc.net.0.type = empty\n"

    if conf.get('env'):
        for var in re.split(r'\0+', conf['env']):
            # stand-in: liblxc 5.0.2 has no lxc.environment.runtime
            raw += f"lxc.environment = {var}\n"

    had_cpuset = False
    for k, v in conf.get('lxc') or []:
        if k in ('lxc.cgroup2.cpuset.cpus', 'lxc.cgroup.cpuset.cpus'):
            had_cpuset = True
        raw += f"{k} = {v}\n"

    cores = conf.get('cores')
    if not had_cpuset and cores:
        base = f"{CGROUP_ROOT}/cpuset" if v1 else CGROUP_ROOT
        members = parse_cpuset(file_read_firstline(f"{base}/lxc/cpuset.effective_cpus")
                               or file_read_firstline(f"{base}/cpuset.effective_cpus")
                               or file_read_firstline(f"{base}/cpuset.cpus.effective") or '')
        members = sorted(members)
        if members:
            while len(members) > int(cores):
                members.pop(random.randrange(len(members)))
            raw += f"{cgpfx}.cpuset.cpus = {cpuset_short_string(members)}\n"

    os.makedirs(f"{d}/rootfs", exist_ok=True)
    file_set_contents(f"{d}/config", raw)
    return dev_entries


###########################################################################
# start / stop (LXC.pm vm_start, vm_stop; lxc-pve-prestart-hook)
###########################################################################

def exec_hookscript(ctx, storage, conf, vmid, phase, fatal=False):
    hs = conf.get('hookscript')
    if not hs:
        return
    try:
        path = storage.path(hs)[0]
        if not os.path.isfile(path):
            die(f"script '{hs}' does not exist")
        if not os.access(path, os.X_OK):
            die(f"script '{hs}' is not executable")
        run_command([path, str(vmid), phase], stdout=sys.stdout.fileno(), stderr=sys.stdout.fileno())
    except PVEError as e:
        msg = f"hookscript error for {vmid} on {phase}: {errtext(e)}"
        if fatal:
            die(msg)
        warn(msg)


def prestart(ctx, vmid, conf, storage, dev_entries, skiplock):
    """the parts of lxc-pve-prestart-hook that matter for the stand-in"""
    if not skiplock and conf.get('lock') != 'mounted':
        check_lock(conf)
    left = remove_ct_cgroups(vmid, tries=1)
    if left:
        if any(cgroup_populated(d) for d in left):
            die(f"stand-in: cgroup lxc/{vmid} is in use by another container on this host "
                f"(cgroup paths lxc/<vmid> are host-global: use distinct VMIDs in concurrent roots)")
        warn(f"leftover cgroup(s) could not be removed: {', '.join(left)}")
    id_map, _, _ = parse_id_maps(conf)
    pdir = os.path.join(ctx.ct_dir(vmid), 'passthrough')
    if os.path.isdir(pdir):
        rmtree(pdir)
    for dev, mode, rdev in dev_entries:
        node = pdir + dev['path']
        os.makedirs(os.path.dirname(node), exist_ok=True)
        try:
            os.mknod(node, (mode & 0o170000) | 0o600, rdev)
            os.chmod(node, int(dev['mode'], 8) if dev.get('mode') else 0o660)
            uid = int(dev.get('uid') or 0)
            gid = int(dev.get('gid') or 0)
            if id_map:
                uid = map_ct_id_to_host(id_map, 'u', uid)
                gid = map_ct_id_to_host(id_map, 'g', gid)
                if uid is None or gid is None:
                    die(f"failed to map device owner of {dev['path']}")
            os.chown(node, uid, gid)
        except OSError as e:
            die(f"failed to mknod {node}: {e.strerror}")


def print_ct_stderr_log(ctx, vmid):
    log = file_read(f"{ctx.rundir}/ct-{vmid}.stderr")
    if not log:
        return
    for line in log.rstrip('\n').split('\n'):
        m = re.fullmatch(r'[ \t]*(lxc-start:?\s+' + str(vmid) + r':?\s*\S+\s*)?(.*?)[ \t]*', line)
        eprint((m.group(2) if m else line) + "\n")


def cmd_socket_present(ctx, vmid):
    want = '@' + cmd_sock_name(ctx, vmid)
    for line in (file_read('/proc/net/unix') or '').split('\n')[1:]:
        f = line.split()
        if len(f) >= 8 and f[7].rstrip('@') == want:
            return True
    return False


def wait_started(ctx, vmid, lxcpid):
    """PVE's monitor_start: up to 10 s for the start to begin (here: lxc-start's command
    socket appears), then until RUNNING (True) or until lxc-start gave up (False).
    RUNNING is observed with lxc-wait, which registers as a state client."""
    deadline = time.monotonic() + 10
    while not cmd_socket_present(ctx, vmid):
        if not pid_alive(lxcpid):
            return False
        if time.monotonic() > deadline:
            raise PVEError("got timeout\n")
        time.sleep(0.01)
    w = subprocess.Popen([lxc('lxc-wait'), '-n', str(vmid), '-P', ctx.lxcpath, '-s', 'RUNNING'],
                         stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        while w.poll() is None:
            if not pid_alive(lxcpid):
                try:
                    w.wait(timeout=0.3)
                except subprocess.TimeoutExpired:
                    break
            time.sleep(0.01)
    finally:
        if w.poll() is None:
            w.kill()
            w.wait()
    if w.returncode == 0:
        return True
    if pid_alive(lxcpid):
        return lxc_state(ctx, vmid) == 'RUNNING'
    # lxc-start is gone: either the start failed, or the init ran and ended before
    # lxc-wait registered (PVE's monitor would have seen RUNNING); lxc-start -F only
    # reports the former on stderr
    log = file_read(f"{ctx.rundir}/ct-{vmid}.stderr") or ''
    return not re.search(r'The container failed to start|Failed to load config|'
                         r'Failed to create lxc_container|Failed to spawn container', log)


def lxc_state(ctx, vmid):
    try:
        p = subprocess.run([lxc('lxc-info'), '-n', str(vmid), '-P', ctx.lxcpath, '-s', '-H'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                           stdin=subprocess.DEVNULL, timeout=10)
        return p.stdout.decode(errors='replace').strip() or 'STOPPED'
    except (OSError, subprocess.TimeoutExpired):
        return 'STOPPED'


def vm_start(ctx, vmid, conf, skiplock=False, debug=None):
    storage = Storage(ctx)
    if conf.get('pending'):
        vmconfig_apply_pending(ctx, vmid, conf, storage, None, {})
        write_config(ctx, vmid, conf)
        conf = load_config(ctx, vmid)
    dev_entries = update_lxc_config(ctx, vmid, conf, storage)
    try:
        id_map, _, _ = parse_id_maps(conf)
        validate_id_maps(id_map)
    except PVEError as e:
        warn("lxc.idmap: " + errtext(e))
    os.makedirs(ctx.runlxc, exist_ok=True)
    skipfn = f"{ctx.runlxc}/skiplock-{vmid}"
    if skiplock:
        open(skipfn, 'w').close()
    # activate volumes: the subvol directories must exist
    root = parse_volume('rootfs', conf['rootfs'])
    rootpath = rootfs_host_path(ctx, storage, root)
    os.makedirs(ctx.rundir, exist_ok=True)
    errlog = f"{ctx.rundir}/ct-{vmid}.stderr"
    try:
        os.unlink(errlog)
    except OSError:
        pass
    is_debug = debug == '1' or (debug is None and conf.get('debug') == '1')
    exec_hookscript(ctx, storage, conf, vmid, 'pre-start', True)
    err = None
    try:
        prestart(ctx, vmid, conf, storage, dev_entries, skiplock)
        if skiplock:
            try:
                os.unlink(skipfn)
            except OSError:
                pass
        if not os.path.isdir(rootpath):
            die(f"rootfs volume '{root['volume']}' not found at {rootpath}")
        argv = [lxc('lxc-start'), '-F', '-n', str(vmid), '-P', ctx.lxcpath]
        if is_debug:
            argv += ['-o', '/dev/stderr', '-l', 'DEBUG']
        sys.stdout.flush()
        sys.stderr.flush()
        lxcpid = daemonize_exec(argv, stderr=errlog)
        try:
            ok = wait_started(ctx, vmid, lxcpid)
        except PVEError as e:
            warn(f"problem with monitor socket, but continuing anyway: {errtext(e)}")
            ok = True
        if not ok:
            print_ct_stderr_log(ctx, vmid)
            die(f"startup for container '{vmid}' failed")
        if is_debug:
            print_ct_stderr_log(ctx, vmid)
    except PVEError as e:
        err = e
    wl = f"{ctx.rundir}/ct-{vmid}.warnings"
    if os.path.exists(wl):
        for line in (file_read(wl) or '').splitlines():
            if line.strip():
                warn("WARN: " + line.strip())
        os.unlink(wl)
    if err:
        try:
            os.unlink(skipfn)
        except OSError:
            pass
        raise err
    exec_hookscript(ctx, storage, conf, vmid, 'post-start')
    for k in sorted(conf):
        if not re.fullmatch(r'net\d+', k):
            continue
        net = parse_lxc_network(ctx, conf[k])
        if net.get('host-managed') == '1' and ('dhcp' in (net.get('ip'), net.get('ip6'))):
            warn(f"WARN: DHCP failed - stand-in: no host-managed dhclient for {net.get('name')}")


def validate_id_maps(id_map):
    for t in ('u', 'g'):
        ranges = sorted((ct, ct + n, host, host + n) for tt, ct, host, n in id_map if tt == t)
        for a, b in zip(ranges, ranges[1:]):
            if b[0] < a[1]:
                die(f"overlapping container {t}id ranges")
        hr = sorted((h0, h1) for _, _, h0, h1 in ranges)
        for a, b in zip(hr, hr[1:]):
            if b[0] < a[1]:
                die(f"overlapping host {t}id ranges")


def vm_stop(ctx, vmid, kill, shutdown_timeout=None, kill_after_timeout=False):
    name = cmd_sock_name(ctx, vmid)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    try:
        s.connect('\0' + name)
    except ConnectionRefusedError:
        s.close()
        return
    except OSError as e:
        s.close()
        if e.errno in (errno.ECONNREFUSED, errno.ENOENT):
            return
        die(f"failed to open container {vmid}'s command socket: {e.strerror}")
    try:
        storage = Storage(ctx)
        conf = load_config(ctx, vmid)
        exec_hookscript(ctx, storage, conf, vmid, 'pre-stop')
        cmd = [lxc('lxc-stop'), '-n', str(vmid), '-P', ctx.lxcpath]
        timeout = None
        if kill:
            cmd.append('--kill')
        else:
            if not kill_after_timeout:
                cmd.append('--nokill')
            if shutdown_timeout is not None:
                cmd += ['--timeout', str(shutdown_timeout)]
                timeout = int(shutdown_timeout) + 5
        err = None
        try:
            run_command(cmd, timeout=timeout, stdout=sys.stdout.fileno(), stderr=sys.stdout.fileno())
        except PVEError as e:
            err = e
        if err:
            warn(errtext(err))
            import select
            p = select.poll()
            p.register(s, select.POLLIN | select.POLLHUP)
            end = time.monotonic() + (timeout or 0)
            while True:
                left = end - time.monotonic()
                ev = p.poll(max(0, left) * 1000)
                if any(e & select.POLLHUP for _, e in ev):
                    return
                if ev:
                    try:
                        if not s.recv(4096):
                            return
                    except OSError:
                        return
                if left <= 0:
                    break
        else:
            s.settimeout(None)
            try:
                while s.recv(4096):
                    pass
            except OSError:
                pass
            return
        die("container did not stop")
    finally:
        s.close()


###########################################################################
# update_pct_config / pending handling (Config.pm)
###########################################################################

FASTPLUG = {'description', 'onboot', 'startup', 'protection', 'hostname', 'hookscript', 'cores',
            'tags', 'lock'}
NEW_DISK_RE = r'([^:\s]+):(\d+(\.\d+)?)'


def get_unique_tags(tags):
    seen, res = set(), []
    for t in sorted(split_list(tags), key=lambda x: x.lower()):
        t = t.lower()
        if t in seen:
            continue
        seen.add(t)
        res.append(t)
    return ';'.join(res)


def add_unused_volume(conf, volid):
    key = None
    for i in range(255, -1, -1):
        t = f"unused{i}"
        if conf.get(t):
            if conf[t] == volid:
                return None
        else:
            key = t
    if not key:
        die("Too many unused volumes - please delete them first.")
    conf[key] = volid
    return key


def is_volume_in_use(conf, volid):
    used = [False]

    def f(k, mp):
        if mp['type'] == 'volume' and mp.get('volume') == volid:
            used[0] = True
    foreach_volume(conf, f)
    if conf.get('pending'):
        foreach_volume(conf['pending'], f)
    for snap in (conf.get('snapshots') or {}).values():
        foreach_volume(snap, f)
    return used[0]


def create_disks(ctx, storage, vmid, settings, conf, pending=False):
    vollist = []
    try:
        _, root_uid, root_gid = parse_id_maps(conf)
        chown = []
        for key in valid_volume_keys():
            if settings.get(key) is None:
                continue
            mp = parse_volume(key, settings[key])
            volid = mp['volume']
            sid, _ = parse_volume_id(volid, True)
            m = re.fullmatch(NEW_DISK_RE, volid)
            if sid and m:
                size_gb = float(m.group(2))
                size_kb = int(size_gb * 1024) * 1024
                scfg = storage.config(m.group(1))
                if not ('rootdir' in scfg['content'] and scfg.get('path')):
                    die(f"content type 'rootdir' is not available or configured on storage '{m.group(1)}'")
                volid = storage.alloc_subvol(m.group(1), vmid, size_kb)
                chown.append(volid)
                vollist.append(volid)
                mp['volume'] = volid
                mp['size'] = size_kb * 1024
            target = conf.setdefault('pending', {}) if pending else conf
            target[key] = print_ct_mountpoint(mp, key == 'rootfs')
        for volid in chown:
            os.chown(storage.path(volid)[0], root_uid, root_gid)
    except BaseException:
        destroy_disks(storage, vollist)
        raise
    return vollist


def destroy_disks(storage, vollist):
    for volid in vollist:
        try:
            storage.vdisk_free(volid)
        except PVEError as e:
            warn(errtext(e))


def delete_mountpoint_volume(storage, vmid, volid):
    sid, volname = parse_volume_id(volid, True)
    if not sid:
        return
    try:
        vtype, name, owner = storage.parse_volname(sid, volname)
    except PVEError:
        return
    if owner is not None and int(owner) == int(vmid):
        storage.vdisk_free(volid)


def apply_pending_mountpoint(ctx, vmid, conf, opt, storage, running):
    # stand-in: no mount point hotplug, a running CT keeps new mount points pending
    if running:
        die("skip")
    mp = parse_volume(opt, conf['pending'][opt])
    old = conf.get(opt)
    if mp['type'] == 'volume' and re.fullmatch(NEW_DISK_RE, mp['volume']):
        create_disks(ctx, storage, vmid, {opt: conf['pending'][opt]}, conf, True)
    else:
        conf['pending'][opt] = print_ct_mountpoint(mp)
    if old is not None:
        omp = parse_volume(opt, old)
        if omp['type'] == 'volume' and not is_volume_in_use(conf, omp['volume']):
            add_unused_volume(conf, omp['volume'])


def vmconfig_apply_pending(ctx, vmid, conf, storage, selection, errors):
    def add_err(opt, msg):
        m = f"unable to apply pending change {opt} : {msg}"
        errors[opt] = m
        warn(m)

    pending = conf.setdefault('pending', {})
    for opt in sorted(parse_pending_delete(pending.get('delete'))):
        if selection is not None and opt not in selection:
            continue
        try:
            if re.fullmatch(r'mp\d+', opt):
                mp = parse_volume(opt, conf[opt])
                if mp['type'] == 'volume':
                    saved = conf.pop(opt)
                    in_use = is_volume_in_use(conf, mp['volume'])
                    conf[opt] = saved
                    if not in_use:
                        add_unused_volume(conf, mp['volume'])
            elif re.fullmatch(r'unused\d+', opt):
                saved = conf.pop(opt)
                if not is_volume_in_use(conf, saved):
                    delete_mountpoint_volume(storage, vmid, saved)
                conf[opt] = saved
        except PVEError as e:
            add_err(opt, errtext(e))
            continue
        conf.pop(opt, None)
        remove_from_pending_delete(conf, opt)
    cleanup_pending(conf)
    for opt in sorted(pending):
        if opt == 'delete':
            continue
        if selection is not None and opt not in selection:
            continue
        try:
            if re.fullmatch(r'mp\d+', opt):
                apply_pending_mountpoint(ctx, vmid, conf, opt, storage, False)
            elif re.fullmatch(r'net\d+', opt):
                net = parse_lxc_network(ctx, pending[opt])
                pending[opt] = print_lxc_network(ctx, net)
        except PVEError as e:
            add_err(opt, errtext(e))
            continue
        conf[opt] = pending.pop(opt)
    if not pending:
        conf['pending'] = {}


def change_memory_limit(vmid, mem_bytes, swap_bytes):
    if cgroup_mode() == 2:
        path = limit_cgroup('memory', vmid)
        if not os.path.isdir(path):
            die("trying to change memory cgroup values: container not running")
        if swap_bytes is not None:
            write_cgroup(f"{path}/memory.swap.max", swap_bytes)
        if mem_bytes is not None:
            write_cgroup(f"{path}/memory.high", int(mem_bytes // (1024 * 1024) * 1024 * 1016))
            write_cgroup(f"{path}/memory.max", mem_bytes)
        return
    path = limit_cgroup('memory', vmid)
    if not os.path.isdir(path):
        die("trying to change memory cgroup values: container not running")
    pmem = f"{path}/memory.limit_in_bytes"
    pmemsw = f"{path}/memory.memsw.limit_in_bytes"
    old_mem = int((file_read(pmem) or '0').strip())
    has_memsw = os.path.exists(pmemsw)
    old_memsw = int((file_read(pmemsw) or '0').strip()) if has_memsw else old_mem
    if mem_bytes is None:
        mem_bytes = old_mem
    if swap_bytes is None:
        swap_bytes = old_memsw - old_mem
    memsw = mem_bytes + swap_bytes
    if not has_memsw:
        write_cgroup(pmem, mem_bytes)
    elif memsw > old_memsw:
        write_cgroup(pmemsw, memsw)
        write_cgroup(pmem, mem_bytes)
    else:
        write_cgroup(pmem, mem_bytes)
        write_cgroup(pmemsw, memsw)


def change_cpu_quota(vmid, quota, period):
    path = limit_cgroup('cpu', vmid)
    if not os.path.isdir(path):
        die("trying to change cpu quota cgroup values: container not running")
    if cgroup_mode() == 2:
        write_cgroup(f"{path}/cpu.max", f"{quota if quota is not None else 'max'} {period or 100000}")
        return
    write_cgroup(f"{path}/cpu.cfs_period_us", period or 100000)
    write_cgroup(f"{path}/cpu.cfs_quota_us", quota if quota is not None else -1)


def change_cpu_shares(vmid, shares):
    path = limit_cgroup('cpu', vmid)
    if not os.path.isdir(path):
        die("trying to change cpu shares/weight cgroup values: container not running")
    if cgroup_mode() == 2:
        shares = 100 if shares is None else int(shares)
        if shares < 1 or shares > 10000:
            die("cpu weight (shares) must be in range [1, 10000]")
        write_cgroup(f"{path}/cpu.weight", shares)
    else:
        write_cgroup(f"{path}/cpu.shares", 1024 if shares is None else shares)


def vmconfig_hotplug_pending(ctx, vmid, conf, storage, selection, errors):
    pending = conf.setdefault('pending', {})

    def herr(opt, msg):
        errors[opt] = f"unable to hotplug {opt}: {msg}"

    for opt in sorted(pending):
        if selection is not None and opt not in selection:
            continue
        if opt in FASTPLUG:
            conf[opt] = pending.pop(opt)
    done_mem = [False]

    def hotplug_memory(new_mem, new_swap):
        mb = int(new_mem) * 1024 * 1024 if new_mem is not None else None
        sb = int(new_swap) * 1024 * 1024 if new_swap is not None else None
        change_memory_limit(vmid, mb, sb)
        done_mem[0] = True

    for opt in sorted(parse_pending_delete(pending.get('delete'))):
        if selection is not None and opt not in selection:
            continue
        try:
            if opt in FASTPLUG:
                pass
            elif re.fullmatch(r'unused\d+', opt):
                saved = conf.pop(opt)
                if not is_volume_in_use(conf, saved):
                    delete_mountpoint_volume(storage, vmid, saved)
                conf[opt] = saved
            elif opt == 'swap':
                hotplug_memory(None, 0)
            elif opt == 'cpulimit':
                change_cpu_quota(vmid, None, None)
            elif opt == 'cpuunits':
                change_cpu_shares(vmid, None)
            else:
                die("skip")
        except PVEError as e:
            if e.msg != "skip\n":
                herr(opt, errtext(e))
            continue
        conf.pop(opt, None)
        remove_from_pending_delete(conf, opt)

    for opt in sorted(pending):
        if opt == 'delete':
            continue
        if selection is not None and opt not in selection:
            continue
        value = pending[opt]
        try:
            if opt == 'cpulimit':
                change_cpu_quota(vmid, int(100000 * float(value)), 100000)
            elif opt == 'cpuunits':
                change_cpu_shares(vmid, value)
            elif opt in ('memory', 'swap'):
                if not done_mem[0]:
                    hotplug_memory(pending.get('memory'), pending.get('swap'))
            else:
                # netN, new mpN and devN are hot-plugged by PVE; the stand-in leaves
                # them pending until the next start
                die("skip")
        except PVEError as e:
            if e.msg != "skip\n":
                herr(opt, errtext(e))
            continue
        conf[opt] = value
        del pending[opt]


def check_hookscript(ctx, storage, volid):
    sid, volname = parse_volume_id(volid)
    vtype = storage.parse_volname(sid, volname)[0]
    if vtype != 'snippets':
        die(f"'{volid}' is not in the snippets directory")
    path = storage.path(volid)[0]
    if not os.path.isfile(path):
        die(f"script '{volid}' does not exist")
    if not os.access(path, os.X_OK):
        die(f"script '{volid}' is not executable")


def update_pct_config(ctx, vmid, conf, running, param, delete, revert, storage):
    for opt in revert:
        conf.setdefault('pending', {}).pop(opt, None)
        remove_from_pending_delete(conf, opt)
    modified = {}
    for opt in delete:
        if conf.get(opt) is None and conf.get('pending', {}).get(opt) is None:
            warn(f"cannot delete '{opt}' - not set in current configuration!\n")
            continue
        modified[opt] = 1
        if opt in ('memory', 'rootfs', 'ostype'):
            die(f"unable to delete required option '{opt}'")
        elif re.fullmatch(r'(unused|mp)\d+', opt):
            check_protection(conf, f"can't remove CT {vmid} drive '{opt}'")
        elif opt == 'unprivileged':
            die(f"unable to delete read-only option: '{opt}'")
        add_to_pending_delete(conf, opt)
    for opt in sorted(param):
        modified[opt] = 1
        value = param[opt]
        if re.fullmatch(r'mp\d+', opt) or opt == 'rootfs':
            check_protection(conf, f"can't update CT {vmid} drive '{opt}'")
            mp = parse_volume(opt, value)
            if mp['type'] == 'volume':
                sid, _ = parse_volume_id(mp['volume'])
                if 'rootdir' not in storage.config(sid)['content']:
                    die(f"storage '{sid}' does not allow content type 'rootdir' (Container)")
        elif opt == 'hookscript':
            check_hookscript(ctx, storage, value)
        elif opt == 'nameserver':
            value = ' '.join(split_list(value))
        elif opt == 'searchdomain':
            value = ' '.join(split_list(value))
        elif opt == 'unprivileged':
            die(f"unable to modify read-only option: '{opt}'")
        elif opt == 'tags':
            value = get_unique_tags(value)
        elif re.fullmatch(r'net\d+', opt):
            res = parse_property_string(netconf_desc(ctx), value)
            if res.get('mtu'):
                bmtu = read_bridge_mtu(res.get('bridge'))
                if int(res['mtu']) > bmtu:
                    die(f"{opt}: MTU size '{res['mtu']}' is bigger than bridge MTU '{bmtu}'")
            if res.get('link_down') != '1' and res.get('host-managed') == '1' and res.get('ip6') == 'auto':
                die(f"{opt}: SLAAC is not supported for host-managed network configuration.")
        elif re.fullmatch(r'dev\d+', opt):
            dev = parse_device(value)
            get_device_mode_and_rdev(dev['path'])
        conf.setdefault('pending', {})[opt] = value
        remove_from_pending_delete(conf, opt)
    cleanup_pending(conf)
    errors = {}
    if running:
        vmconfig_hotplug_pending(ctx, vmid, conf, storage, modified, errors)
    else:
        vmconfig_apply_pending(ctx, vmid, conf, storage, modified, errors)
    return errors


###########################################################################
# create: template extraction, OCI import, OS/arch detection (Create.pm, Setup.pm)
###########################################################################

COMMON_TAR_FLAGS = ['--one-file-system', '-p', '--sparse', '--numeric-owner', '--acls',
                    '--xattrs', '--xattrs-include=user.*', '--xattrs-include=security.capability',
                    '--warning=no-file-ignored', '--warning=no-xattr-write']


def tar_compression_option(archive):
    m = re.search(r'\.tar(\.[^.]+)?$', archive)
    if not m:
        die(f"file does not look like a template archive: {archive}")
    ext = m.group(1)
    if not ext:
        return None
    opt = {'.gz': '-z', '.bz2': '-j', '.xz': '-J', '.lzo': '--lzop', '.zst': '--zstd'}.get(ext)
    if not opt:
        die(f"unrecognized compression format: {ext}")
    return opt


def shift_ownership(rootdir, id_map):
    """what 'lxc-usernsexec -m u:0:100000:65536 -m g:0:100000:65536 -- tar ...' achieves:
    shift every owner into the CT's range (lchown, keep setuid/setgid bits and file caps)"""
    if not id_map:
        return
    seen = set()
    bad = []

    def one(path):
        st = os.lstat(path)
        key = (st.st_dev, st.st_ino)
        if key in seen:
            return
        seen.add(key)
        uid = map_ct_id_to_host(id_map, 'u', st.st_uid)
        gid = map_ct_id_to_host(id_map, 'g', st.st_gid)
        if uid is None or gid is None:
            bad.append((path, st.st_uid, st.st_gid))
            return
        islnk = stat.S_ISLNK(st.st_mode)
        caps = None
        if not islnk:
            try:
                caps = os.getxattr(path, 'security.capability', follow_symlinks=False)
            except OSError:
                caps = None
        os.lchown(path, uid, gid)
        if not islnk:
            if st.st_mode & (stat.S_ISUID | stat.S_ISGID):
                os.chmod(path, stat.S_IMODE(st.st_mode))
            if caps is not None:
                try:
                    os.setxattr(path, 'security.capability', caps, follow_symlinks=False)
                except OSError:
                    pass

    st = os.lstat(rootdir)
    hu = [h for t, c, h, n in id_map if t == 'u' and h <= st.st_uid < h + n]
    hg = [h for t, c, h, n in id_map if t == 'g' and h <= st.st_gid < h + n]
    if not (hu and hg):
        # the volume root is chowned to the CT root by create_disks; GNU tar leaves an
        # existing "." alone, so only a root owned by a host id needs shifting
        one(rootdir)
    for dirpath, dirnames, filenames in os.walk(rootdir):
        for n in dirnames + filenames:
            one(os.path.join(dirpath, n))
    if bad:
        lines = [f"tar: {os.path.relpath(p, rootdir)}: Cannot change ownership to uid {u}, gid {g}: "
                 f"Invalid argument" for p, u, g in bad[:20]]
        say('\n'.join(lines) + '\n')
        die("tar: Exiting with failure status due to previous errors")


def restore_tar_archive(ctx, archive, rootdir, conf, no_unpack_error):
    copt = tar_compression_option(archive)
    try:
        fd = os.open(archive, os.O_RDONLY)
    except OSError as e:
        die(f"failed to open '{archive}': {e.strerror}")
    cmd = ['tar', 'xpf', '-'] + ([copt] if copt else []) + ['--totals'] + COMMON_TAR_FLAGS + \
        ['-C', rootdir, '--skip-old-files', '--anchored', '--exclude', './dev/*']
    say(f"extracting archive '{archive}'\n")
    err = None
    try:
        p = subprocess.run(cmd, stdin=fd, stdout=sys.stdout.fileno(), stderr=sys.stdout.fileno())
        if p.returncode != 0:
            err = PVEError(f"command '{cmd2string(cmd)}' failed: exit code {p.returncode}\n")
    finally:
        os.close(fd)
    if err and not no_unpack_error:
        raise err
    id_map, _, _ = parse_id_maps(conf)
    shift_ownership(rootdir, id_map)


def archive_is_oci_format(storage, archive):
    if archive is None or archive == '-':
        return False
    try:
        f = storage.abs_filesystem_path(archive)
    except PVEError as e:
        warn(errtext(e))
        return False
    if not f.endswith('.tar'):
        return False
    names = []
    run_command(['tar', '-tf', f], outfunc=names.append)
    return 'oci-layout' in names and 'index.json' in names and any(n.startswith('blobs/') for n in names)


OCI_LAYER_TYPES = {
    'application/vnd.oci.image.layer.v1.tar': None,
    'application/vnd.oci.image.layer.v1.tar+gzip': 'gzip',
    'application/vnd.oci.image.layer.v1.tar+zstd': 'zstd',
    'application/vnd.oci.image.layer.nondistributable.v1.tar': None,
    'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip': 'gzip',
    'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd': 'zstd',
}


def _oci_blob(tf, digest):
    alg, _, hexd = digest.partition(':')
    try:
        m = tf.getmember(f"blobs/{alg}/{hexd}")
        return tf.extractfile(m)
    except KeyError:
        die(f"OCI image: blob {digest} not found")


def _apply_whiteouts(rootdir, names):
    import shutil
    for n in names:
        n = n[2:] if n.startswith('./') else n
        d, b = os.path.split(n.rstrip('/'))
        if b == '.wh..wh..opq':
            target = os.path.join(rootdir, d)
            if os.path.isdir(target) and not os.path.islink(target):
                for e in os.listdir(target):
                    p = os.path.join(target, e)
                    if os.path.isdir(p) and not os.path.islink(p):
                        shutil.rmtree(p)
                    else:
                        os.unlink(p)
        elif b.startswith('.wh.'):
            p = os.path.join(rootdir, d, b[4:])
            if os.path.isdir(p) and not os.path.islink(p):
                shutil.rmtree(p)
            elif os.path.lexists(p):
                os.unlink(p)


def parse_and_extract_image(archive_file, rootdir):
    """proxmox-oci parse_and_extract_image: first manifest, layers in order, whiteouts"""
    with tarfile.open(archive_file, 'r:') as tf:
        try:
            index = json.load(tf.extractfile('index.json'))
        except (KeyError, ValueError) as e:
            die(f"OCI image: cannot read index.json: {e}")
        desc = (index.get('manifests') or [None])[0]
        if not desc:
            die("OCI image: index.json has no manifests")
        manifest = json.load(_oci_blob(tf, desc['digest']))
        while manifest.get('mediaType') == 'application/vnd.oci.image.index.v1+json' or \
                (manifest.get('manifests') and not manifest.get('layers')):
            manifest = json.load(_oci_blob(tf, manifest['manifests'][0]['digest']))
        cdesc = manifest.get('config') or {}
        if cdesc.get('mediaType') != 'application/vnd.oci.image.config.v1+json':
            die("Wrong media type")
        config = json.load(_oci_blob(tf, cdesc['digest']))
        diff_ids = (config.get('rootfs') or {}).get('diff_ids') or []
        layers = manifest.get('layers') or []
        known = [l for l in layers if l.get('mediaType') in OCI_LAYER_TYPES]
        if len(diff_ids) != len(known):
            for i, did in enumerate(diff_ids):
                if i >= len(known):
                    die(f"Unknown layer digest {did} found in rootfs.diff_ids")
        for layer, diff_id in zip(known, diff_ids):
            comp = OCI_LAYER_TYPES[layer['mediaType']]
            blob = _oci_blob(tf, layer['digest'])
            if comp == 'gzip':
                stream = gzip.GzipFile(fileobj=blob)
                zproc = None
            elif comp == 'zstd':
                zproc = subprocess.Popen(['zstd', '-dc'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
                import threading

                def feed(b=blob, z=zproc):
                    try:
                        while True:
                            c = b.read(1 << 20)
                            if not c:
                                break
                            z.stdin.write(c)
                    finally:
                        z.stdin.close()
                threading.Thread(target=feed, daemon=True).start()
                stream = zproc.stdout
            else:
                stream = blob
                zproc = None
            tmp = os.path.join(os.path.dirname(rootdir.rstrip('/')), f".oci-layer.{os.getpid()}.tar")
            h = hashlib.sha256()
            with open(tmp, 'wb') as out:
                while True:
                    c = stream.read(1 << 20)
                    if not c:
                        break
                    h.update(c)
                    out.write(c)
            if zproc:
                zproc.wait()
            try:
                if f"sha256:{h.hexdigest()}" != diff_id:
                    die(f"Unknown layer digest sha256:{h.hexdigest()} found in rootfs.diff_ids")
                with tarfile.open(tmp, 'r:') as lt:
                    names = lt.getnames()
                _apply_whiteouts(rootdir, [n for n in names if os.path.basename(n.rstrip('/')).startswith('.wh.')])
                run_command(['tar', 'xpf', tmp, '--numeric-owner', '--xattrs',
                             '--xattrs-include=user.*', '--xattrs-include=security.capability',
                             '--warning=no-xattr-write', '-C', rootdir, '--exclude', '.wh.*',
                             '--exclude', 'dev/*'],
                            stdout=sys.stdout.fileno(), stderr=sys.stdout.fileno())
            finally:
                os.unlink(tmp)
        return (config.get('config') or {})


def shell_quote(s):
    """String::ShellQuote::shell_quote for one argument"""
    if s == '':
        return "''"
    s = s.replace('\0', '')
    if '=' in s or re.search(r'[^\w!%+,\-./:=@^]', s, re.A):
        s = s.replace("'", "'\\''")
        s = re.sub(r"((?:'\\''){2,})", lambda m: "'\"" + "'" * (len(m.group(1)) // 4) + "\"'", s)
        s = "'" + s + "'"
        s = re.sub(r"^''", '', s)
        s = re.sub(r"''$", '', s)
    return s


def _in_chroot(rootdir, fn):
    """run fn() chrooted in a child, return its str result or raise PVEError"""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        try:
            os.chroot(rootdir)
            os.chdir('/')
            res = 'OK' + (fn() or '')
        except PVEError as e:
            res = 'ER' + e.render()
        except Exception as e:
            res = 'ER' + str(e) + '\n'
        os.write(w, res.encode('utf-8', 'surrogateescape'))
        os._exit(0)
    os.close(w)
    data = b''
    while True:
        c = os.read(r, 65536)
        if not c:
            break
        data += c
    os.close(r)
    os.waitpid(pid, 0)
    data = data.decode('utf-8', 'surrogateescape')
    if data.startswith('OK'):
        return data[2:]
    raise PVEError(data[2:] or "child failed\n")


def resolve_oci_user(userstr, rootdir):
    m = re.fullmatch(r'([^:]+)(?::([^:]+))?', userstr)
    if not m:
        die("OCI config value for 'User' has an invalid format")
    user, group = m.group(1), m.group(2)

    def files():
        return json.dumps([os.path.realpath('/etc/passwd'), os.path.realpath('/etc/group')])
    pw, gr = json.loads(_in_chroot(rootdir, files))
    pw, gr = rootdir + pw, rootdir + gr

    def lookup(fn, mi, mv, ri):
        for line in (file_read(fn) or '').split('\n'):
            f = line.split(':')
            if len(f) > max(mi, ri) and f[mi] == mv:
                return f[ri]
        return None

    def supp(username):
        if file_read(gr) is None:
            return None
        groups = []
        for line in file_read(gr).split('\n'):
            f = line.split(':')
            if len(f) >= 4 and username in f[3].split(','):
                groups.append(f[2])
        return ','.join(groups)

    uid = gid = groups = None
    if re.fullmatch(r'\d+', user):
        uid = user
        username = lookup(pw, 2, uid, 0)
    else:
        username = user
        uid = lookup(pw, 0, username, 2)
    if group is not None:
        gid = group if re.fullmatch(r'\d+', group) else lookup(gr, 0, group, 2)
    else:
        if uid is not None:
            gid = lookup(pw, 2, uid, 3)
        if username is not None:
            groups = supp(username)
    return uid, gid, groups


def restore_oci_archive(ctx, storage, archive, rootdir, conf):
    archive_file = storage.abs_filesystem_path(archive)
    oci = parse_and_extract_image(archive_file, rootdir)
    id_map, root_uid, root_gid = parse_id_maps(conf)
    shift_ownership(rootdir, id_map)
    ctrl = re.compile(r'[\x00-\x08\x10-\x1F\x7F]')

    def scalar(k):
        v = oci.get(k)
        if v is None:
            return None
        if ctrl.search(str(v)):
            die(f"OCI config value for '{k}' contains forbidden control characters!")
        return str(v)

    def array(k):
        v = oci.get(k)
        if v is None:
            return None
        if any(ctrl.search(str(x)) for x in v):
            die(f"OCI config array-value for '{k}' contains forbidden control characters!")
        return [str(x) for x in v]

    vols = oci.get('Volumes') or {}
    if vols:
        if any(ctrl.search(p) for p in vols):
            die("OCI config data-volumes path contains forbidden control characters!")
        for path in vols:
            say(f"creating base directory for volume at {path}\n")

            def mk(p=path):
                # like make_path run as the CT's root inside its user namespace
                cur = ''
                for comp in [c for c in p.split('/') if c]:
                    cur += '/' + comp
                    if not os.path.lexists(cur):
                        os.mkdir(cur, 0o755)
                        if id_map:
                            os.lchown(cur, root_uid, root_gid)
                return ''
            _in_chroot(rootdir, mk)
    init_cmd = (array('Entrypoint') or []) + (array('Cmd') or [])
    if init_cmd and init_cmd[0] != '/sbin/init':
        conf['entrypoint'] = ' '.join(shell_quote(a) for a in init_cmd)
        conf['cmode'] = 'console'
        for opt in list(conf):
            if not re.fullmatch(r'net\d+', opt):
                continue
            d = parse_lxc_network(ctx, conf[opt])
            if d.get('host-managed') is None:
                say(f"Auto-Enabling host-managed network for network device {opt}.\n")
                d['host-managed'] = '1'
                conf[opt] = print_lxc_network(ctx, d)
    userstr = scalar('User')
    if userstr:
        uid, gid, groups = resolve_oci_user(userstr, rootdir)
        lx = conf.setdefault('lxc', [])
        if uid is not None:
            lx.append(['lxc.init.uid', uid])
        if gid is not None:
            lx.append(['lxc.init.gid', gid])
        if groups is not None:
            lx.append(['lxc.init.groups', groups])
    wd = scalar('WorkingDir')
    if wd:
        conf.setdefault('lxc', []).append(['lxc.init.cwd', wd])
    envs = array('Env')
    if envs:
        conf['env'] = '\0'.join(envs)
    conf.setdefault('lxc', []).append(['lxc.signal.halt', scalar('StopSignal') or 'SIGTERM'])


SETUP_PLUGINS = ['alpine', 'archlinux', 'centos', 'debian', 'devuan', 'fedora', 'gentoo',
                 'openeuler', 'opensuse', 'ubuntu', 'nixos', 'unmanaged']
SETUP_ALIAS = {'opensuse-leap': 'opensuse', 'opensuse-tumbleweed': 'opensuse',
               'opensuse-slowroll': 'opensuse', 'openEuler': 'openeuler', 'arch': 'archlinux',
               'sles': 'opensuse', 'rocky': 'centos', 'almalinux': 'centos'}


def _os_release(rootdir):
    def rd():
        for p in ('/etc/os-release', '/usr/lib/os-release'):
            try:
                with open(p) as f:
                    return f.read()
            except OSError:
                pass
        return ''
    try:
        data = _in_chroot(rootdir, rd)
    except PVEError:
        data = ''
    res = {}
    for line in data.split('\n'):
        m = re.fullmatch(r'\s*([A-Z_]+)=(.*)', line)
        if m:
            v = m.group(2).strip()
            if len(v) >= 2 and v[0] == v[-1] and v[0] in '"\'':
                v = v[1:-1]
            res[m.group(1)] = v
    return res


def autodetect_type(rootdir, osr):
    i = osr.get('ID')
    if i:
        if i in SETUP_PLUGINS:
            return i
        if i in SETUP_ALIAS:
            return SETUP_ALIAS[i]
        warn(f"unknown ID '{i}' in /etc/os-release file, trying fallback detection\n")
    lsb = file_read(f"{rootdir}/etc/lsb-release")
    if lsb and re.search(r'^DISTRIB_ID=Ubuntu$', lsb, re.M | re.I):
        return 'ubuntu'
    checks = [('etc/debian_version', 'debian'), ('etc/devuan_version', 'devuan'),
              ('etc/SuSE-brand', 'opensuse'), ('etc/SuSE-release', 'opensuse'),
              ('etc/fedora-release', 'fedora'), ('etc/centos-release', 'centos'),
              ('etc/redhat-release', 'centos'), ('etc/arch-release', 'archlinux'),
              ('etc/alpine-release', 'alpine'), ('etc/gentoo-release', 'gentoo')]
    for f, t in checks:
        if os.path.isfile(f"{rootdir}/{f}"):
            return t
    if os.path.isdir(f"{rootdir}/nix/store"):
        return 'nixos'
    if os.path.isfile(f"{rootdir}/etc/openEuler-release"):
        return 'openeuler'
    if os.path.isfile(f"{rootdir}/etc/os-release"):
        die("unable to detect OS distribution")
    warn("/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'\n")
    return 'unmanaged'


def detect_elf_architecture(rootdir):
    def rd():
        try:
            with open('/bin/sh', 'rb') as f:
                data = f.read(20)
        except OSError as e:
            die(f"open '/bin/sh' failed: {e.strerror}")
        if len(data) < 20 or data[:4] != b'\x7fELF':
            die("'/bin/sh' does not resolve to an ELF!")
        cls = data[4]
        machine = (data[17] << 8) | data[18]
        arch = {0x03: 'i386', 0x3e: 'amd64', 0x28: 'armhf', 0xb7: 'arm64', 0xf3: 'riscv'}.get(machine)
        if arch is None:
            die(f"'/bin/sh' has unknown ELF machine '{machine}'!")
        if arch == 'riscv':
            arch = {1: 'riscv32', 2: 'riscv64'}.get(cls) or die(f"'/bin/sh' has invalid class '{cls}'!")
        return arch
    return _in_chroot(rootdir, rd)


def setup_new(ctx, conf, rootdir):
    """PVE::LXC::Setup->new: detect/assign ostype, detect arch"""
    if not rootdir or rootdir == '/':
        die("no root directory")
    osr = _os_release(rootdir)
    if conf.get('ostype') == 'unmanaged':
        typ = 'unmanaged'
    else:
        typ = autodetect_type(rootdir, osr)
        expected = conf.get('ostype') or typ
        if typ != expected:
            if not os.path.exists(f"{rootdir}/etc"):
                warn("WARNING: /etc not present in CT, is the rootfs mounted?\n")
            warn(f"got unexpected ostype ({typ} != {expected})\n")
    if typ not in SETUP_PLUGINS:
        die(f"no such OS type '{typ}'")
    if typ == 'debian' and file_read_firstline(f"{rootdir}/etc/debian_version") is None:
        die("unable to read version info")
    conf['ostype'] = typ
    if conf.get('arch') is None:
        arch = None
        if typ != 'unmanaged':
            try:
                arch = detect_elf_architecture(rootdir)
            except PVEError as e:
                warn("Architecture detection failed: " + errtext(e))
        if not arch:
            arch = 'amd64'
            say(f"Falling back to {arch}.\nUse `pct set VMID --arch ARCH` to change.\n")
        else:
            say(f"Detected container architecture: {arch}\n")
        conf['arch'] = arch


###########################################################################
# command plumbing
###########################################################################

VMID_OPT = {'type': 'integer', 'format': 'pve-vmid', 'minimum': 100, 'maximum': 999999999}


class attach_usage:
    """400 errors raised before a worker starts get the short usage line (cli_handler)"""

    def __init__(self, usage):
        self.usage = usage

    def __enter__(self):
        return self

    def __exit__(self, t, e, tb):
        if isinstance(e, PVEError) and e.code == 400 and e.usage is None:
            e.usage = self.usage
        return False


def parse_cmd(prefix, props, arg_param, args, fmt_opts=False, requires=None):
    usage = usage_short(prefix, props, arg_param, fmt_opts)
    with attach_usage(usage):
        params = get_options(props, args, arg_param)
        errors = {}
        for k in sorted(props):
            check_prop(params.get(k), props[k], k, errors)
        for k, req in (requires or {}).items():
            if params.get(k) is not None and params.get(req) is None:
                add_error(errors, req, f"missing property required by '{k}'")
        if errors:
            raise_param_exc(errors)
    return params, usage


def run_worker(fn):
    """RESTEnvironment fork_worker (sync): output -> stdout, error -> stderr, exit 255"""
    global IN_WORKER
    sys.stdout.flush()
    IN_WORKER = True
    try:
        fn()
    except PVEError as e:
        IN_WORKER = False
        msg = e.render()
        if msg.endswith('\n'):
            msg = msg[:-1]
        _w(sys.stderr, msg.replace('\n', ' ') + '\n')
        return 255
    except Exception as e:
        IN_WORKER = False
        import traceback
        _w(sys.stderr, f"stand-in internal error: {e!r}\n{traceback.format_exc()}")
        return 255
    finally:
        IN_WORKER = False
    sys.stdout.flush()
    return 0


###########################################################################
# vmstatus (LXC.pm 261ff)
###########################################################################

def local_ct_ids(ctx):
    d = os.path.join(ctx.pve, 'nodes', ctx.node, 'lxc')
    res = []
    try:
        for n in os.listdir(d):
            m = re.fullmatch(r'([1-9]\d*)\.conf', n)
            if m:
                res.append(int(m.group(1)))
    except OSError:
        pass
    return sorted(res)


def _memory_stat(vmid):
    path = limit_cgroup('memory', vmid)
    if cgroup_mode() == 2:
        cur = file_read_firstline(f"{path}/memory.current")
        sw = file_read_firstline(f"{path}/memory.swap.current")
        if cur is None:
            return None
        return int(cur), int(sw or 0)
    usage = file_read_firstline(f"{path}/memory.usage_in_bytes")
    if usage is None:
        return None
    usage = int(usage)
    stat_ = {}
    for line in (file_read(f"{path}/memory.stat") or '').splitlines():
        f = line.split()
        if len(f) == 2:
            stat_[f[0]] = int(f[1])
    memsw = file_read_firstline(f"{path}/memory.memsw.usage_in_bytes")
    mem = usage - stat_.get('total_cache', 0)
    swap = int(memsw) - usage if memsw is not None else 0
    return max(mem, 0), max(swap, 0)


def _blkio(vmid):
    rd = wr = 0
    path = limit_cgroup('blkio', vmid)
    for line in (file_read(f"{path}/blkio.throttle.io_service_bytes") or '').splitlines():
        f = line.split()
        if len(f) == 3 and f[1] == 'Read':
            rd += int(f[2])
        elif len(f) == 3 and f[1] == 'Write':
            wr += int(f[2])
    return rd, wr


def vmstatus(ctx, only=None, confs=None):
    ids = [int(only)] if only is not None else local_ct_ids(ctx)
    active = list_active(ctx)
    cpucount = host_nproc()
    res = {}
    for vmid in ids:
        d = {'type': 'lxc', 'vmid': vmid}
        if vmid in active:
            try:
                d['pid'] = find_lxc_pid(ctx, vmid)
            except PVEError as e:
                warn(errtext(e))
        d['status'] = 'running' if vmid in active else 'stopped'
        conf = (confs or {}).get(vmid)
        if conf is None:
            raw = file_read(ctx.conf_path(vmid))
            conf = parse_pct_config(ctx, vmid, raw) if raw is not None else {}
        d['name'] = re.sub(r'\s', '', conf.get('hostname') or f"CT{vmid}")
        cpus = conf.get('cores') or (conf.get('cpulimit') if conf.get('cpulimit') and
                                     float(conf['cpulimit']) else None)
        d['cpus'] = perl_num(cpus) if cpus else cpucount
        if conf.get('tags') is not None:
            d['tags'] = conf['tags']
        if d.get('pid'):
            try:
                sv = os.statvfs(f"/proc/{d['pid']}/root")
                total = sv.f_blocks * sv.f_frsize
                d['disk'] = total - sv.f_bfree * sv.f_frsize
                d['maxdisk'] = total
            except OSError:
                d['disk'] = 0
                d['maxdisk'] = 0
        else:
            d['disk'] = 0
            size = None
            if conf.get('rootfs'):
                try:
                    size = parse_volume('rootfs', conf['rootfs']).get('size')
                except PVEError:
                    size = None
            d['maxdisk'] = size or 4 * 1024 * 1024 * 1024
        d['mem'] = 0
        d['swap'] = 0
        d['maxmem'] = int(conf.get('memory') or 512) * 1024 * 1024
        d['maxswap'] = int(conf.get('swap') or 0) * 1024 * 1024
        d['uptime'] = 0
        d['cpu'] = 0
        d['netout'] = 0
        d['netin'] = 0
        d['diskread'] = 0
        d['diskwrite'] = 0
        if conf.get('template') == '1':
            d['template'] = 1
        if conf.get('lock'):
            d['lock'] = conf['lock']
        res[vmid] = d
    up = float((file_read('/proc/uptime') or '0').split()[0])
    hz = os.sysconf('SC_CLK_TCK')
    for vmid, d in res.items():
        pid = d.get('pid')
        if not pid:
            continue
        try:
            st = file_read(f"/proc/{pid}/stat")
            start = int(st[st.rindex(')') + 2:].split()[19])
            d['uptime'] = int((up - start / hz))
        except (TypeError, ValueError, IndexError):
            pass
        ms = _memory_stat(vmid)
        if ms:
            d['mem'], d['swap'] = ms
        d['diskread'], d['diskwrite'] = _blkio(vmid)
    for line in (file_read('/proc/net/dev') or '').splitlines()[2:]:
        name, _, rest = line.partition(':')
        m = re.fullmatch(r'veth([1-9]\d*)i\d+', name.strip())
        if not m or int(m.group(1)) not in res:
            continue
        f = rest.split()
        res[int(m.group(1))]['netout'] += int(f[0])
        res[int(m.group(1))]['netin'] += int(f[8])
    return res


###########################################################################
# pct
###########################################################################

PCT_COMMANDS = {}


def pct_command(name, arg_param):
    def deco(fn):
        PCT_COMMANDS[name] = (fn, arg_param)
        return fn
    return deco


def _props_create(ctx):
    return json_config_properties(ctx, {
        'vmid': VMID_OPT,
        'ostemplate': {'type': 'string', 'maxLength': 255},
        'password': S(minLength=5),
        'storage': S(format='pve-storage-id'),
        'force': S('boolean'),
        'restore': S('boolean'),
        'unique': S('boolean'),
        'pool': S(format='pve-poolid'),
        'ignore-unpack-errors': S('boolean'),
        'ssh-public-keys': S(),
        'bwlimit': S('number', minimum=0),
        'start': S('boolean'),
        'ha-managed': S('boolean'),
    })


@pct_command('create', ['vmid', 'ostemplate'])
def pct_create(ctx, args):
    props = _props_create(ctx)
    param, usage = parse_cmd('pct create', props, ['vmid', 'ostemplate'], args,
                             requires={'unique': 'restore'})
    with attach_usage(usage):
        if param.get('ssh-public-keys') is not None:
            fn = param['ssh-public-keys']
            data = file_read(fn)
            if data is None:
                die(f"unable to open file '{fn}' - {os.strerror(errno.ENOENT)}")
            param['ssh-public-keys'] = data
        vmid = int(param.pop('vmid'))
        ignore_unpack = param.pop('ignore-unpack-errors', None) == '1'
        param.pop('bwlimit', None)
        start_after = param.pop('start', None) == '1'
        ha_managed = param.pop('ha-managed', None) == '1'
        same_exists = os.path.isfile(ctx.conf_path(vmid))
        unpriv = param.pop('unprivileged', None)
        restore = param.pop('restore', None) == '1'
        param.pop('unique', None)
        if param.get('cpuunits') is not None:
            param['cpuunits'] = str(clamp_cpu_shares(param['cpuunits']))
        if restore:
            die("stand-in: restore (pct restore / --restore) is not supported")
        if unpriv is None:
            unpriv = '1'
        param.pop('force', None)
        ctx.check_vmid_unused(vmid)
        param.pop('password', None)
        param.pop('ssh-public-keys', None)
        pool = param.pop('pool', None)
        if pool is not None:
            die(f"pool '{pool}' does not exist")
        ostemplate = param.pop('ostemplate')
        sto = param.pop('storage', None) or 'local'
        storage = Storage(ctx)
        if ostemplate == '-':
            die("pipe can only be used with restore tasks")
        sid, volname = parse_volume_id(ostemplate, True)
        if sid:
            vtype = storage.parse_volname(sid, volname)[0]
            if vtype != 'vztmpl':
                die(f"unable to use volume {ostemplate} - content type needs to be 'vztmpl'")
        archive = ostemplate

        def check_and_activate_storage(s):
            scfg = storage.check_enabled(s, ctx.node)
            if 'rootdir' not in scfg['content']:
                raise_param_exc({'storage': f"storage '{s}' does not support container directories"})

        conf = {}
        no_disk, mp_param = {}, {}
        storage_only = True
        for opt in list(param):
            value = param[opt]
            if opt == 'rootfs' or re.fullmatch(r'mp\d+', opt):
                mp_param[opt] = f"{sto}:{value}" if re.fullmatch(r'\d+(\.\d+)?', value) else value
                storage_only = False
            elif re.fullmatch(r'unused\d+', opt):
                warn(f"ignoring '{opt}', cannot create/restore with unused volume\n")
            else:
                no_disk[opt] = value
        if not storage_only and mp_param.get('rootfs') is None:
            die("mount points configured, but 'rootfs' not set - aborting")
        for key in valid_volume_keys():
            if mp_param.get(key) is None:
                continue
            mp = parse_volume(key, mp_param[key])
            if mp['type'] == 'volume':
                s, _ = parse_volume_id(mp['volume'])
                check_and_activate_storage(s)
        if mp_param.get('rootfs') is None:
            check_and_activate_storage(sto)
        update_pct_config(ctx, vmid, conf, False, no_disk, [], [], storage)
        if unpriv == '1':
            conf['unprivileged'] = '1'
        emsg = f"unable to create CT {vmid} -"
        try:
            with ConfigLock(ctx, vmid, 5):
                ctx.check_vmid_unused(vmid)
                try:
                    c = load_config(ctx, vmid)
                except PVEError:
                    c = {}
                check_lock(c)
                c['lock'] = 'create'
                write_config(ctx, vmid, c)
        except PVEError as e:
            die(f"{emsg} {errtext(e)}")

    state = {'destroy_on_error': not same_exists}

    def code():
        load_config(ctx, vmid)
        vollist = []
        try:
            if storage_only:
                mp_param['rootfs'] = f"{sto}:4"
            state['destroy_on_error'] = True
            vollist = create_disks(ctx, storage, vmid, mp_param, conf)
            rootmp = parse_volume('rootfs', conf['rootfs'])
            rootdir = rootfs_host_path(ctx, storage, rootmp)
            if ctx.v91 and archive_is_oci_format(storage, archive):
                say("Detected OCI archive\n")
                restore_oci_archive(ctx, storage, archive, rootdir, conf)
            else:
                path = storage.abs_filesystem_path(archive)
                restore_tar_archive(ctx, path, rootdir, conf, ignore_unpack)
            setup_new(ctx, conf, rootdir)
            write_config(ctx, vmid, conf)
            if not conf.get('hostname'):
                conf['hostname'] = f"CT{vmid}"
            if not conf.get('memory') or conf['memory'] == '0':
                conf['memory'] = '512'
            if conf.get('swap') is None:
                conf['swap'] = '512'
            write_config(ctx, vmid, conf)
        except PVEError as e:
            destroy_disks(storage, vollist)
            if state['destroy_on_error']:
                try:
                    destroy_config(ctx, vmid)
                except PVEError as e2:
                    warn(errtext(e2))
            die(f"{emsg} {errtext(e)}")

    def realcmd():
        try:
            with ConfigLock(ctx, vmid, 10):
                code()
        except PVEError:
            if not state['destroy_on_error']:
                try:
                    c = load_config(ctx, vmid)
                    if c.get('lock') == 'create':
                        c.pop('lock')
                        write_config(ctx, vmid, c)
                except PVEError:
                    pass
            raise
        if start_after:
            if check_running(ctx, vmid):
                die(f"CT {vmid} already running")
            start_worker_body(ctx, vmid, False, None)
        if ha_managed:
            say("Add as HA resource\n")
            warn(f"command 'ha-manager add ct:{vmid} --state "
                 f"{'started' if start_after else 'stopped'}' failed: stand-in has no ha-manager\n")

    return run_worker(realcmd)


def start_worker_body(ctx, vmid, skiplock, debug):
    with ConfigLock(ctx, vmid, 10):
        conf = load_config(ctx, vmid)
        if conf.get('template') == '1':
            die("you can't start a CT if it's a template")
        if not skiplock and conf.get('lock') != 'mounted':
            check_lock(conf)
        if conf.get('unprivileged') == '1':
            def q(k, mp):
                if mp.get('quota') == '1':
                    die("Quotas are not supported by unprivileged containers.")
            foreach_volume(conf, q)
        vm_start(ctx, vmid, conf, skiplock, debug)


@pct_command('start', ['vmid'])
def pct_start(ctx, args):
    props = {'vmid': VMID_OPT, 'skiplock': S('boolean'), 'debug': S('boolean')}
    param, usage = parse_cmd('pct start', props, ['vmid'], args)
    vmid = int(param['vmid'])
    if check_running(ctx, vmid):
        die(f"CT {vmid} already running")
    return run_worker(lambda: start_worker_body(ctx, vmid, param.get('skiplock') == '1',
                                                param.get('debug')))


@pct_command('stop', ['vmid'])
def pct_stop(ctx, args):
    props = {'vmid': VMID_OPT, 'skiplock': S('boolean'), 'overrule-shutdown': S('boolean')}
    param, usage = parse_cmd('pct stop', props, ['vmid'], args)
    vmid = int(param['vmid'])
    skiplock = param.get('skiplock') == '1'
    if not check_running(ctx, vmid):
        die(f"CT {vmid} not running")

    def body():
        with ConfigLock(ctx, vmid, 10):
            conf = load_config(ctx, vmid)
            if not skiplock and conf.get('lock') != 'mounted':
                check_lock(conf)
            vm_stop(ctx, vmid, True)
    return run_worker(body)


@pct_command('shutdown', ['vmid'])
def pct_shutdown(ctx, args):
    props = {'vmid': VMID_OPT, 'timeout': S('integer', minimum=0), 'forceStop': S('boolean')}
    param, usage = parse_cmd('pct shutdown', props, ['vmid'], args)
    vmid = int(param['vmid'])
    timeout = int(param.get('timeout') or 60) if param.get('timeout') is not None else 60
    if not check_running(ctx, vmid):
        die(f"CT {vmid} not running")

    def body():
        with ConfigLock(ctx, vmid, 10):
            conf = load_config(ctx, vmid)
            check_lock(conf)
            vm_stop(ctx, vmid, False, timeout, param.get('forceStop') == '1')
    return run_worker(body)


@pct_command('reboot', ['vmid'])
def pct_reboot(ctx, args):
    props = {'vmid': VMID_OPT, 'timeout': S('integer', minimum=0)}
    param, usage = parse_cmd('pct reboot', props, ['vmid'], args)
    vmid = int(param['vmid'])
    if not check_running(ctx, vmid):
        die(f"VM {vmid} not running")

    def body():
        with ConfigLock(ctx, vmid, 10):
            if not check_running(ctx, vmid):
                return
            t = param.get('timeout')
            vm_stop(ctx, vmid, False, int(t) if t is not None else None, True)
            conf = load_config(ctx, vmid)
            vm_start(ctx, vmid, conf)
    return run_worker(body)


def destroy_lxc_container(ctx, storage, vmid, conf, replacement):
    seen = set()

    def rm(k, mp):
        vol = mp.get('volume')
        if not vol or vol in seen:
            return
        seen.add(vol)
        if mp['type'] == 'volume':
            delete_mountpoint_volume(storage, vmid, vol)
    foreach_volume(conf, rm, include_unused=True)
    foreach_volume(conf.get('pending') or {}, rm, include_unused=True)
    rmtree(ctx.ct_dir(vmid))
    if replacement is not None:
        write_config(ctx, vmid, replacement)
    else:
        destroy_config(ctx, vmid)


@pct_command('destroy', ['vmid'])
def pct_destroy(ctx, args):
    props = {'vmid': VMID_OPT, 'force': S('boolean'), 'purge': S('boolean'),
             'destroy-unreferenced-disks': S('boolean')}
    param, usage = parse_cmd('pct destroy', props, ['vmid'], args)
    vmid = int(param['vmid'])
    force = param.get('force') == '1'
    purge = param.get('purge') == '1'
    with attach_usage(usage):
        conf = load_config(ctx, vmid)

        def early(c):
            check_protection(c, f"can't remove CT {vmid}")
            check_lock(c)
        early(conf)
        running_msg = f"unable to destroy CT {vmid} - container is running"
        if not force and check_running(ctx, vmid):
            die(running_msg)

    def body():
        with ConfigLock(ctx, vmid, 10):
            c = load_config(ctx, vmid)
            early(c)
            if check_running(ctx, vmid):
                if not force:
                    die(running_msg)
                warn(f"forced to stop CT {vmid} before destroying!\n")
                vm_stop(ctx, vmid, True)
            storage = Storage(ctx)
            destroy_lxc_container(ctx, storage, vmid, c, {'lock': 'destroyed'})
            if param.get('destroy-unreferenced-disks') == '1':
                for sid in storage.order:
                    scfg = storage.ids[sid]
                    if scfg.get('type') != 'dir' or 'rootdir' not in scfg['content']:
                        continue
                    for n in storage.list_images(sid, vmid):
                        try:
                            storage.vdisk_free(f"{sid}:{vmid}/{n}")
                        except PVEError as e:
                            warn(errtext(e))
            if purge:
                say(f"purging CT {vmid} from related configurations..\n")
            destroy_config(ctx, vmid)
            left = remove_ct_cgroups(vmid)
            if left:
                warn(f"stand-in: could not remove cgroup(s): {', '.join(left)}")
    return run_worker(body)


def _clean_env():
    os.environ.pop('SSL_CERT_FILE', None)
    os.environ.pop('SSL_CERT_DIR', None)


@pct_command('exec', ['vmid', 'extra-args'])
def pct_exec(ctx, args):
    props = {'vmid': VMID_OPT, 'keep-env': S('boolean'),
             'extra-args': S('array', items={'type': 'string'})}
    param, usage = parse_cmd('pct exec', props, ['vmid', 'extra-args'], args)
    vmid = int(param['vmid'])
    keep_env = param.get('keep-env', '1') == '1'
    load_config(ctx, vmid)
    if not check_running(ctx, vmid):
        die(f"container '{vmid}' not running!")
    if not param.get('extra-args'):
        die("missing command at /usr/share/perl5/PVE/CLI/pct.pm line 246.")
    _clean_env()
    cmd = [lxc('lxc-attach'), '-n', str(vmid), '-P', ctx.lxcpath,
           '--keep-env' if keep_env else '--clear-env', '--'] + param['extra-args']
    sys.stdout.flush()
    sys.stderr.flush()
    _reset_signals()
    os.execv(cmd[0], cmd)


@pct_command('enter', ['vmid'])
def pct_enter(ctx, args):
    props = {'vmid': VMID_OPT, 'keep-env': S('boolean')}
    param, usage = parse_cmd('pct enter', props, ['vmid'], args)
    vmid = int(param['vmid'])
    keep_env = param.get('keep-env', '1') == '1'
    load_config(ctx, vmid)
    if not check_running(ctx, vmid):
        die(f"container '{vmid}' not running!")
    _clean_env()
    cmd = [lxc('lxc-attach'), '-n', str(vmid), '-P', ctx.lxcpath,
           '--keep-env' if keep_env else '--clear-env']
    sys.stdout.flush()
    _reset_signals()
    os.execv(cmd[0], cmd)


@pct_command('status', ['vmid'])
def pct_status(ctx, args):
    props = {'vmid': VMID_OPT, 'verbose': S('boolean')}
    param, usage = parse_cmd('pct status', props, ['vmid'], args)
    vmid = int(param['vmid'])
    conf = load_config(ctx, vmid)
    stat_ = vmstatus(ctx, vmid, {vmid: conf})[vmid]
    if param.get('verbose') == '1':
        for k in sorted(stat_):
            if stat_[k] is None or k == 'cpu':
                continue
            say(f"{k}: {stat_[k]}\n")
    else:
        say(f"status: {stat_.get('status') or 'unknown'}\n")
    return 0


def load_current_config(ctx, vmid, current):
    conf = load_config(ctx, vmid)
    if not current:
        pending = conf.get('pending') or {}
        for opt, v in pending.items():
            if opt == 'delete' or not isinstance(v, str):
                continue
            conf[opt] = v
        for opt in parse_pending_delete(pending.get('delete')):
            if conf.get(opt):
                del conf[opt]
    conf.pop('snapshots', None)
    conf.pop('pending', None)
    return conf


@pct_command('config', ['vmid'])
def pct_config(ctx, args):
    props = {'vmid': VMID_OPT, 'current': S('boolean'), 'snapshot': S(format='pve-snapshot-name')}
    param, usage = parse_cmd('pct config', props, ['vmid'], args)
    vmid = int(param['vmid'])
    with attach_usage(usage):
        if param.get('snapshot') and param.get('current') == '1':
            raise_param_exc({'snapshot': "cannot use 'snapshot' parameter with 'current'",
                             'current': "cannot use 'snapshot' parameter with 'current'"})
        if param.get('snapshot'):
            c = load_config(ctx, vmid)
            conf = (c.get('snapshots') or {}).get(param['snapshot'])
            if conf is None:
                die(f"snapshot '{param['snapshot']}' does not exist")
            conf['digest'] = c['digest']
        else:
            conf = load_current_config(ctx, vmid, param.get('current') == '1')
    for k in sorted(conf):
        if k in ('digest', 'lxc'):
            continue
        v = conf[k]
        if k == 'description':
            v = encode_text(v)
        say(f"{k}: {v}\n")
    for k, v in conf.get('lxc') or []:
        say(f"{k}: {v}\n")
    return 0


@pct_command('pending', ['vmid'])
def pct_pending(ctx, args):
    props = {'vmid': VMID_OPT}
    param, usage = parse_cmd('pct pending', props, ['vmid'], args)
    vmid = int(param['vmid'])
    conf = load_config(ctx, vmid)
    pending = conf.get('pending') or {}
    pdel = parse_pending_delete(pending.get('delete'))
    keys = sorted(set(k for k in conf if k not in ('digest', 'pending', 'snapshots', 'lxc'))
                  | set(k for k in pending if k != 'delete'))
    for k in keys:
        cur = conf.get(k)
        new = pending.get(k)
        if k == 'description':
            cur = encode_text(cur) if cur is not None else None
            new = encode_text(new) if new is not None else None
        if k in pdel:
            say(f"del {k}: {cur}\n")
        elif new is not None:
            say(f"new {k}: {new}\n")
            if cur is not None:
                say(f"old {k}: {cur}\n")
        else:
            say(f"cur {k}: {cur}\n")
    return 0


@pct_command('set', ['vmid'])
def pct_set(ctx, args):
    props = json_config_properties(ctx, {
        'vmid': VMID_OPT,
        'delete': S(format='pve-configid-list'),
        'revert': S(format='pve-configid-list'),
        'digest': S(maxLength=40),
    })
    param, usage = parse_cmd('pct set', props, ['vmid'], args)
    with attach_usage(usage):
        vmid = int(param.pop('vmid'))
        digest = param.pop('digest', None)
        if not param:
            die("no options specified")
        delete = split_list(param.pop('delete', None))
        revert = split_list(param.pop('revert', None))
        if param.get('cpuunits') is not None:
            param['cpuunits'] = str(clamp_cpu_shares(param['cpuunits']))
        desc = confdesc(ctx)
        with ConfigLock(ctx, vmid, 10):
            conf = load_config(ctx, vmid)
            check_lock(conf)
            if digest and digest != conf['digest']:
                die("detected modified configuration - file changed by other user? Try again.")
            for opt in revert:
                if opt not in desc:
                    raise_param_exc({'revert': f"unknown option '{opt}'"})
                if param.get(opt) is not None:
                    raise_param_exc({'revert': f"you can't use '-{opt}' and '-revert {opt}' at the same time"})
            for opt in delete:
                if opt not in desc:
                    raise_param_exc({'delete': f"unknown option '{opt}'"})
                if param.get(opt) is not None:
                    raise_param_exc({'delete': f"you can't use '-{opt}' and -delete {opt}' at the same time"})
                if opt in revert:
                    raise_param_exc({'delete': f"you can't use '-delete {opt}' and '-revert {opt}' at the same time"})
            storage = Storage(ctx)
            running = check_running(ctx, vmid)
            errors = update_pct_config(ctx, vmid, conf, running, param, delete, revert, storage)
            if errors:
                raise_param_exc(errors)
            write_config(ctx, vmid, conf)
            conf = load_config(ctx, vmid)
            update_lxc_config(ctx, vmid, conf, storage)
    return 0


@pct_command('unlock', ['vmid'])
def pct_unlock(ctx, args):
    props = {'vmid': VMID_OPT}
    param, usage = parse_cmd('pct unlock', props, ['vmid'], args)
    vmid = int(param['vmid'])
    with ConfigLock(ctx, vmid, 10):
        conf = load_config(ctx, vmid)
        conf.pop('lock', None)
        write_config(ctx, vmid, conf)
    return 0


@pct_command('list', [])
def pct_list(ctx, args):
    param, usage = parse_cmd('pct list', {}, [], args)
    res = vmstatus(ctx)
    if not res:
        return 0
    fmt = "%-10s %-10s %-12s %-20s\n"
    say(fmt % ('VMID', 'Status', 'Lock', 'Name'))
    for vmid in sorted(res):
        d = res[vmid]
        say(fmt % (vmid, d['status'], d.get('lock') or '', d['name']))
    return 0


def _pct_props(ctx, name):
    return {
        'create': _props_create(ctx),
        'set': json_config_properties(ctx, {'vmid': VMID_OPT, 'delete': S(format='pve-configid-list'),
                                            'revert': S(format='pve-configid-list'),
                                            'digest': S(maxLength=40)}),
        'start': {'vmid': VMID_OPT, 'skiplock': S('boolean'), 'debug': S('boolean')},
        'stop': {'vmid': VMID_OPT, 'skiplock': S('boolean'), 'overrule-shutdown': S('boolean')},
        'shutdown': {'vmid': VMID_OPT, 'timeout': S('integer', minimum=0), 'forceStop': S('boolean')},
        'reboot': {'vmid': VMID_OPT, 'timeout': S('integer', minimum=0)},
        'destroy': {'vmid': VMID_OPT, 'force': S('boolean'), 'purge': S('boolean'),
                    'destroy-unreferenced-disks': S('boolean')},
        'exec': {'vmid': VMID_OPT, 'keep-env': S('boolean'),
                 'extra-args': S('array', items={'type': 'string'})},
        'enter': {'vmid': VMID_OPT, 'keep-env': S('boolean')},
        'status': {'vmid': VMID_OPT, 'verbose': S('boolean')},
        'config': {'vmid': VMID_OPT, 'current': S('boolean'), 'snapshot': S(format='pve-snapshot-name')},
        'pending': {'vmid': VMID_OPT},
        'unlock': {'vmid': VMID_OPT},
        'list': {},
    }.get(name)


def _help_text(ctx, name, verbose):
    props = _pct_props(ctx, name)
    arg_param = PCT_COMMANDS[name][1]
    out = "USAGE: " + usage_short(f"pct {name}", props, arg_param)
    if verbose:
        out += "\n"
        seen = set()
        for k in sorted(props):
            if k in arg_param:
                continue
            m = re.fullmatch(r'([a-z]+)(\d+)', k)
            base = k
            if m:
                if m.group(1) in seen:
                    continue
                if f"{m.group(1)}1" in props:
                    seen.add(m.group(1))
                    base = f"{m.group(1)}[n]"
            pd = props[k]
            t = '<' + ' | '.join(pd['enum']) + '>' if 'enum' in pd else f"<{pd.get('type', 'string')}>"
            out += f"  --{base} {t}\n"
    return out


def pct_help(ctx, args):
    props = {'extra-args': S('array', items={'type': 'string'}), 'verbose': S('boolean')}
    param, usage = parse_cmd('pct help', props, ['extra-args'], args)
    cmds = param.get('extra-args') or []
    verbose = param.get('verbose') == '1'
    if cmds:
        name = cmds[0]
        if name not in PCT_COMMANDS:
            die(f"no such command '{name}'")
        say(_help_text(ctx, name, verbose))
        return 0
    out = "USAGE: pct <COMMAND> [ARGS] [OPTIONS]\n\n"
    for name in sorted(PCT_COMMANDS):
        out += "       " + usage_short(f"pct {name}", _pct_props(ctx, name), PCT_COMMANDS[name][1])
    out += "\n       pct help [<extra-args>] [OPTIONS]\n"
    say(out)
    return 0


def main_pct(ctx, args):
    if not args:
        _usage_abort(ctx, "no command specified")
    cmd = args[0]
    if cmd == 'help':
        return pct_help(ctx, args[1:])
    if cmd not in PCT_COMMANDS:
        _usage_abort(ctx, f"unknown command 'pct {cmd}'")
    return PCT_COMMANDS[cmd][0](ctx, args[1:])


def _usage_abort(ctx, reason):
    out = f"ERROR: {reason}\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]\n\n"
    for name in sorted(PCT_COMMANDS):
        out += "       " + usage_short(f"pct {name}", _pct_props(ctx, name), PCT_COMMANDS[name][1])
    out += "\n       pct help [<extra-args>] [OPTIONS]\n"
    _w(sys.stderr, out)
    sys.exit(255)


###########################################################################
# pvesh
###########################################################################

STD_OUTPUT_PROPS = {
    'output-format': S(enum=['text', 'json', 'json-pretty', 'yaml']),
    'noborder': S('boolean'),
    'noheader': S('boolean'),
    'human-readable': S('boolean'),
    'quiet': S('boolean'),
}


def _node_check(ctx, node):
    if node != ctx.node and node != 'localhost':
        die(f"hostname lookup '{node}' failed - failed to get address info for: {node}: "
            f"Name or service not known")


def api_nextid(ctx, uri, param):
    ids = ctx.vmlist()
    if param.get('vmid'):
        v = int(param['vmid'])
        if v not in ids:
            return param['vmid']
        raise_param_exc({'vmid': f"VM {v} already exists"})
    for i in range(100, 1000000):
        # stand-in: also skip VMIDs whose host-global cgroup lxc/<vmid> exists (a CT of
        # another stand-in root on this host), so that concurrent roots do not collide
        if i not in ids and not vmid_cgroup_busy(i):
            return str(i)
    die("unable to get any free VMID in range [100, 1000000]")


def api_version(ctx, uri, param):
    mgr = VERSIONS[ctx.version][0]
    return {'release': ctx.version, 'version': mgr, 'repoid': 'standin'}


def api_nodes(ctx, uri, param):
    return [{'node': ctx.node, 'status': 'online', 'type': 'node', 'id': f"node/{ctx.node}",
             'maxcpu': host_nproc(), 'level': ''}]


def api_lxc_list(ctx, uri, param):
    _node_check(ctx, uri[0])
    res = []
    for vmid, d in sorted(vmstatus(ctx).items()):
        d = dict(d)
        res.append(d)
    return res


def api_lxc_status(ctx, uri, param):
    _node_check(ctx, uri[0])
    vmid = int(uri[1])
    conf = load_config(ctx, vmid)
    d = vmstatus(ctx, vmid, {vmid: conf})[vmid]
    d['ha'] = {'managed': 0}
    return d


def api_lxc_config(ctx, uri, param):
    _node_check(ctx, uri[0])
    vmid = int(uri[1])
    conf = load_current_config(ctx, vmid, param.get('current') == '1')
    if conf.get('lxc'):
        conf['lxc'] = [list(x) for x in conf['lxc']]
    return conf


def api_cluster_resources(ctx, uri, param):
    t = param.get('type')
    res = []
    if t in (None, 'vm'):
        for vmid, d in sorted(vmstatus(ctx).items()):
            e = dict(d)
            e['id'] = f"lxc/{vmid}"
            e['node'] = ctx.node
            e.pop('pid', None)
            res.append(e)
    if t in (None, 'storage'):
        st = Storage(ctx)
        for sid in st.order:
            scfg = st.ids[sid]
            res.append({'id': f"storage/{ctx.node}/{sid}", 'storage': sid, 'node': ctx.node,
                        'type': 'storage', 'plugintype': scfg['type'],
                        'content': ','.join(sorted(scfg['content'])), 'status': 'available',
                        'shared': 0})
    if t in (None, 'node'):
        res.append({'id': f"node/{ctx.node}", 'node': ctx.node, 'type': 'node', 'status': 'online'})
    return res


def api_storage(ctx, uri, param):
    st = Storage(ctx)
    res = []
    for sid in st.order:
        scfg = st.ids[sid]
        if param.get('type') and scfg['type'] != param['type']:
            continue
        e = {'storage': sid, 'type': scfg['type'], 'content': ','.join(sorted(scfg['content']))}
        for k, v in scfg.items():
            if k not in ('type', 'content', 'nodes'):
                e[k] = v
        res.append(e)
    return res


PVESH_GET = [
    (r'/cluster/nextid', {'vmid': dict(VMID_OPT, optional=True)}, api_nextid),
    (r'/version', {}, api_version),
    (r'/nodes', {}, api_nodes),
    (r'/nodes/([^/]+)/lxc', {'full': S('boolean')}, api_lxc_list),
    (r'/nodes/([^/]+)/lxc/(\d+)/status/current', {}, api_lxc_status),
    (r'/nodes/([^/]+)/lxc/(\d+)/config', {'current': S('boolean'),
                                          'snapshot': S(format='pve-snapshot-name')}, api_lxc_config),
    (r'/cluster/resources', {'type': S(enum=['vm', 'storage', 'node', 'sdn'])}, api_cluster_resources),
    (r'/storage', {'type': S()}, api_storage),
]


def _text_table(rows, cols):
    widths = [max([len(c)] + [len(str(r.get(c, ''))) for r in rows]) for c in cols]
    out = ' '.join(c.ljust(w) for c, w in zip(cols, widths)).rstrip() + '\n'
    for r in rows:
        out += ' '.join(str(r.get(c, '')).ljust(w) for c, w in zip(cols, widths)).rstrip() + '\n'
    return out


def print_api_result(data, param):
    if param.get('quiet') == '1' or data is None:
        return
    fmt = param.get('output-format') or 'text'
    if fmt == 'json':
        say(json.dumps(data, sort_keys=True, separators=(',', ':'), ensure_ascii=False) + '\n')
    elif fmt == 'json-pretty':
        say(json.dumps(data, sort_keys=True, indent=3, ensure_ascii=False) + '\n')
    elif fmt == 'yaml':
        say(json.dumps(data, sort_keys=True, indent=2) + '\n')
    elif isinstance(data, dict):
        rows = [{'key': k, 'value': (json.dumps(v) if isinstance(v, (dict, list)) else v)}
                for k, v in sorted(data.items())]
        say(_text_table(rows, ['key', 'value']))
    elif isinstance(data, list):
        if not data:
            return
        if isinstance(data[0], dict):
            cols = sorted(set(k for d in data for k in d))
            say(_text_table(data, cols))
        else:
            say('\n'.join(str(x) for x in data) + '\n')
    else:
        say(f"{data}\n")


def main_pvesh(ctx, args):
    cmds = ['create', 'delete', 'get', 'ls', 'set', 'usage']
    if not args or args[0] not in cmds:
        reason = "no command specified" if not args else f"unknown command 'pvesh {args[0]}'"
        out = f"ERROR: {reason}\nUSAGE: pvesh <COMMAND> [ARGS] [OPTIONS]\n\n"
        for c in cmds:
            out += f"       pvesh {c} <api_path> [OPTIONS] [FORMAT_OPTIONS]\n"
        _w(sys.stderr, out)
        return 255
    cmd = args[0]
    path = args[1] if len(args) > 1 else None
    handler = None
    uri = ()
    if path is not None and cmd in ('get', 'ls', 'usage'):
        norm = '/' + path.strip('/')
        for rx, hprops, fn in PVESH_GET:
            m = re.fullmatch(rx, norm)
            if m:
                handler, uri = (rx, hprops, fn), m.groups()
                break
    props = dict(handler[1]) if handler else {}
    props['api_path'] = {'type': 'string'}
    props['noproxy'] = S('boolean')
    props.update(STD_OUTPUT_PROPS)
    param, usage = parse_cmd(f"pvesh {cmd}", props, ['api_path'], args[1:], fmt_opts=True)
    if cmd != 'get':
        die(f"stand-in: 'pvesh {cmd}' is not supported")
    if not handler:
        die(f"no 'get' handler for '{param['api_path']}'")
    with attach_usage(usage):
        data = handler[2](ctx, uri, param)
    print_api_result(data, param)
    return 0


###########################################################################
# pvesm
###########################################################################

def main_pvesm(ctx, args):
    cmds = {'path': ['volume'], 'status': [], 'list': ['storage']}
    if not args or args[0] not in cmds:
        reason = "no command specified" if not args else f"unknown command 'pvesm {args[0]}'"
        out = f"ERROR: {reason}\nUSAGE: pvesm <COMMAND> [ARGS] [OPTIONS]\n\n"
        out += "       pvesm list <storage> [OPTIONS]\n       pvesm path <volume>\n" \
               "       pvesm status  [OPTIONS]\n"
        _w(sys.stderr, out)
        return 255
    cmd = args[0]
    st = Storage(ctx)
    if cmd == 'path':
        param, usage = parse_cmd('pvesm path', {'volume': {'type': 'string', 'format': 'pve-volume-id'}},
                                 ['volume'], args[1:])
        say(st.path(param['volume'])[0] + "\n")
        return 0
    if cmd == 'status':
        props = {'storage': S(format='pve-storage-id'), 'content': S(), 'enabled': S('boolean'),
                 'format': S('boolean'), 'target': S()}
        param, usage = parse_cmd('pvesm status', props, [], args[1:])
        if param.get('storage'):
            st.config(param['storage'])
        res = []
        for sid in st.order:
            scfg = st.ids[sid]
            if param.get('storage') and sid != param['storage']:
                continue
            if param.get('content') and not (set(split_list(param['content'])) & scfg['content']):
                continue
            enabled = scfg.get('disable') != '1'
            if param.get('enabled') == '1' and not enabled:
                continue
            total = used = avail = 0
            active = False
            try:
                sv = os.statvfs(scfg.get('path', '/nonexistent'))
                total = sv.f_blocks * sv.f_frsize
                avail = sv.f_bavail * sv.f_frsize
                used = total - sv.f_bfree * sv.f_frsize
                active = True
            except OSError:
                pass
            res.append((sid, scfg['type'], active, enabled, total, used, avail))
        if not res:
            return 0
        maxlen = max(len(r[0]) for r in res) + 1
        say(f"%-{maxlen}s %10s %10s %15s %15s %15s %8s\n" % (
            'Name', 'Type', 'Status', 'Total (KiB)', 'Used (KiB)', 'Available (KiB)', '%'))
        for sid, typ, active, enabled, total, used, avail in sorted(res):
            a = 'active' if active else 'inactive'
            per = (used * 100) / total if total > 0 else 0
            perf = '% 7.2f%%' % per
            if not enabled:
                a = 'disabled'
                perf = '% 8s' % 'N/A'
            say((f"%-{maxlen}s %10s %10s %15d %15d %15d " % (
                sid, typ, a, total // 1024, used // 1024, avail // 1024)) + perf + "\n")
        return 0
    if cmd == 'list':
        props = {'storage': {'type': 'string', 'format': 'pve-storage-id'}, 'content': S(),
                 'vmid': dict(VMID_OPT, optional=True)}
        param, usage = parse_cmd('pvesm list', props, ['storage'], args[1:])
        sid = param['storage']
        scfg = st._dir(sid)
        vols = []
        for vtype, sub in (('vztmpl', 'template/cache'), ('iso', 'template/iso'), ('backup', 'dump')):
            if vtype not in scfg['content'] or (param.get('content') and param['content'] != vtype):
                continue
            try:
                names = sorted(os.listdir(f"{scfg['path']}/{sub}"))
            except OSError:
                names = []
            for n in names:
                try:
                    st.parse_volname(sid, f"{vtype}/{n}")
                except PVEError:
                    continue
                fn = f"{scfg['path']}/{sub}/{n}"
                vols.append({'volid': f"{sid}:{vtype}/{n}", 'format': 'tzst' if vtype == 'vztmpl' else vtype,
                             'content': vtype, 'size': os.path.getsize(fn)})
        if 'rootdir' in scfg['content'] or 'images' in scfg['content']:
            try:
                vmids = sorted(os.listdir(f"{scfg['path']}/images"), key=lambda x: (len(x), x))
            except OSError:
                vmids = []
            for v in vmids:
                if param.get('vmid') and v != str(int(param['vmid'])):
                    continue
                for n in st.list_images(sid, v):
                    m = re.fullmatch(r'.*\.(raw|qcow2|vmdk|subvol)', n)
                    if not m:
                        continue
                    vols.append({'volid': f"{sid}:{v}/{n}", 'format': m.group(1),
                                 'content': 'rootdir' if m.group(1) == 'subvol' else 'images',
                                 'size': 0, 'vmid': v})
        if not vols:
            return 0
        ml = max(len(v['volid']) for v in vols)
        sd = len(str(max(v['size'] for v in vols)))
        base = f"%-{ml}s %-7s %-9s %{sd}s"
        say((base + " %s\n") % ('Volid', 'Format', 'Type', 'Size', 'VMID'))
        for v in vols:
            say((base + " %s\n") % (v['volid'], v['format'], v['content'], v['size'], v.get('vmid', '')))
        return 0
    return 255


###########################################################################
# pveversion
###########################################################################

def main_pveversion(ctx, args):
    param, usage = parse_cmd('pveversion', {'verbose': S('boolean')}, [], args)
    mgr, ctv, lxcv = VERSIONS[ctx.version]
    kernel = os.uname().release
    if param.get('verbose') == '1':
        say(f"proxmox-ve: {mgr} (running kernel: {kernel})\n")
        say(f"pve-manager: {mgr} (running version: {mgr}/standin)\n")
        say(f"pve-container: {ctv}\n")
        say(f"lxc-pve: {lxcv}\n")
    else:
        say(f"pve-manager/{mgr}/standin (running kernel: {kernel})\n")
    return 0


###########################################################################
# mkroot
###########################################################################

STORAGE_CFG = """dir: local
\tpath {root}/var/lib/vz
\tcontent iso,vztmpl,backup

dir: ctstore
\tpath {root}/var/lib/ctstore
\tcontent rootdir,images

"""


def _ensure_subid(path, line='root:100000:65536'):
    try:
        data = file_read(path) or ''
    except OSError:
        data = ''
    for l in data.splitlines():
        f = l.strip().split(':')
        if len(f) == 3 and f[0] in ('root', '0'):
            try:
                start, cnt = int(f[1]), int(f[2])
            except ValueError:
                continue
            if start <= 100000 and start + cnt >= 165536:
                return False
    with open(path, 'a') as fh:
        if data and not data.endswith('\n'):
            fh.write('\n')
        fh.write(line + '\n')
    return True


def main_mkroot(args):
    usage = "USAGE: mkroot <root> [--version 8.4|9.1] [--node NAME]\n"
    spec = {'version': (False, False), 'node': (False, False)}
    opts, rest, errs = getopt(args, spec)
    if errs or len(rest) != 1:
        for e in errs:
            _w(sys.stderr, e + '\n')
        _w(sys.stderr, usage)
        return 2
    root = os.path.abspath(rest[0])
    version = opts.get('version', '9.1')
    if version not in VERSIONS:
        _w(sys.stderr, f"mkroot: unsupported version '{version}' (8.4 or 9.1)\n")
        return 2
    node = opts.get('node', 'standin')
    if not re.fullmatch(r'[a-zA-Z0-9]([a-zA-Z0-9\-]*[a-zA-Z0-9])?', node):
        _w(sys.stderr, f"mkroot: invalid node name '{node}'\n")
        return 2
    here = os.path.dirname(os.path.realpath(__file__))
    for d in ('bin', f'etc/pve/nodes/{node}/lxc', f'etc/pve/nodes/{node}/qemu-server',
              'run/lock/lxc', 'run/pve', 'run/lxc', 'var/lib/lxc', 'var/lib/vz/template/cache',
              'var/lib/vz/template/iso', 'var/lib/vz/dump', 'var/lib/vz/snippets',
              'var/lib/ctstore/images'):
        os.makedirs(os.path.join(root, d), exist_ok=True)
    os.chmod(root, 0o755)
    for tool in ('pct', 'pvesh', 'pvesm', 'pveversion'):
        link = os.path.join(root, 'bin', tool)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(os.path.join(here, tool), link)
    pve = os.path.join(root, 'etc/pve')
    for name, tgt in (('lxc', f'nodes/{node}/lxc'), ('qemu-server', f'nodes/{node}/qemu-server'),
                      ('local', f'nodes/{node}')):
        link = os.path.join(pve, name)
        if os.path.lexists(link):
            os.unlink(link)
        os.symlink(tgt, link)
    sc = os.path.join(pve, 'storage.cfg')
    if not os.path.exists(sc):
        with open(sc, 'w') as f:
            f.write(STORAGE_CFG.format(root=root))
    with open(os.path.join(root, 'standin.version'), 'w') as f:
        f.write(version + '\n')
    for p in ('/etc/subuid', '/etc/subgid'):
        try:
            if _ensure_subid(p):
                _w(sys.stderr, f"mkroot: added root:100000:65536 to {p}\n")
        except OSError as e:
            _w(sys.stderr, f"mkroot: warning: cannot update {p}: {e.strerror}\n")
    d = root
    while d != '/':
        d = os.path.dirname(d)
        try:
            if not (os.stat(d).st_mode & 0o001):
                _w(sys.stderr, f"mkroot: warning: '{d}' is not searchable by others; unprivileged "
                               f"containers under '{root}' cannot start (chmod o+x '{d}')\n")
        except OSError:
            pass
    return 0


###########################################################################
# entry point
###########################################################################

def main(tool, argv):
    os.environ['PATH'] = '/sbin:/bin:/usr/sbin:/usr/bin'   # CLIHandler::run_cli_handler
    try:
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    except (OSError, ValueError):
        pass
    try:
        if tool == 'mkroot':
            return main_mkroot(argv[1:])
        ctx = Root(argv[0])
        fn = {'pct': main_pct, 'pvesh': main_pvesh, 'pvesm': main_pvesm,
              'pveversion': main_pveversion}[tool]
        return fn(ctx, argv[1:]) or 0
    except PVEError as e:
        _w(sys.stderr, e.render())
        return 255
    except KeyboardInterrupt:
        return 130
    except SystemExit:
        raise
    except Exception as e:
        import traceback
        _w(sys.stderr, f"stand-in internal error: {e!r}\n{traceback.format_exc()}")
        return 255
