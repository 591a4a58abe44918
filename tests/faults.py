#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Systematic fault injection of veth's control path (issue 15), run by
tests/faults.sh inside the debug VM.

For one control operation at a time (one netlink request, ethtool ioctl
or delete_module call), /proc/thread-self/fail-nth makes the N-th
injectable call inside that one system call fail (failslab: every slab
allocation, GFP_KERNEL ones too). A first attempt armed with a huge N
reaches no fault and counts the operation's fault points (what is left of
the counter); then N = 1 .. points (or, --sample, three of them: the
first, the middle and the last). After each attempt:
  - one that failed left the state it found (the devices of every
    namespace involved, with their MTU, MAC, flags, XDP program and queue
    counts), and one that succeeded made the whole result;
  - the operation's pair, brought back to its starting state, carries UDP
    both ways, and so does a witness pair nobody touches;
and at the end every XDP program it loaded is freed once closed. Each
operation runs against each kind given (C veth, veth_rs) in turn, on
identical set-ups, so that the figures compare.

One line per operation and kind on stdout:
  OP<TAB>KIND<TAB>POINTS<TAB>TRIED<TAB>ANSWERS<TAB>FINAL<TAB>PROBLEMS<TAB>SECONDS
ANSWERS: the answers of the injected attempts with their counts
("unreached": N was past the points of that attempt; "no-ack": the core
could not allocate the answer); FINAL: the answer without a fault;
PROBLEMS: "-" or what was wrong.

  faults.py --kinds veth,veth_rs --ns NSF --ns2 NSM [--sample]
            [--count-only veth] [--ops a,b]
"""
import argparse
import collections
import ctypes
import errno
import fcntl
import os
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz import ack_errno  # noqa: E402
from nl import attr, ifinfomsg  # noqa: E402

RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_NEWADDR = 16, 17, 18, 20
NLM_F_REQUEST, NLM_F_ACK, NLM_F_DUMP = 1, 4, 0x300
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400
NLMSG_ERROR, NLMSG_DONE = 2, 3
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO = 1, 3, 4, 18
IFLA_NET_NS_FD, IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES = 28, 31, 32
IFLA_XDP = 43
IFLA_XDP_FD, IFLA_XDP_FLAGS, IFLA_XDP_PROG_ID = 1, 3, 4
XDP_FLAGS_DRV_MODE = 1 << 2
IFLA_INFO_KIND, IFLA_INFO_DATA, VETH_INFO_PEER = 1, 2, 1
IFA_LOCAL, IFA_ADDRESS = 2, 1
IFF_UP = 1
NLA_F_NESTED = 0x8000
SIOCETHTOOL = 0x8946
ETHTOOL_GCHANNELS, ETHTOOL_SCHANNELS = 0x3C, 0x3D
ETHTOOL_GGRO, ETHTOOL_SGRO = 0x2B, 0x2C
SYS_BPF, SYS_DELETE_MODULE = 321, 176
BPF_PROG_LOAD, BPF_PROG_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD = 5, 13, 15
BPF_PROG_TYPE_XDP = 6
UDP_PORT = 9

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def errname(err):
    return "OK" if err == 0 else errno.errorcode.get(err, str(err))


# ---- fail-nth


class FailNth:
    """/proc/thread-self/fail-nth of this (single-threaded) process."""

    def __init__(self):
        self.fd = os.open("/proc/thread-self/fail-nth", os.O_RDWR)

    def call(self, n, fn):
        """fn() with its N-th injectable call failing. Returns (fn's
        result, the points left: 0 when the fault was injected). Nothing
        but fn's own system call runs between arming and reading back."""
        os.write(self.fd, b"%d" % n)
        try:
            res = fn()
        finally:
            left = int(os.pread(self.fd, 32, 0) or b"0")
            os.write(self.fd, b"0")
        return res, left


# ---- namespaces and sockets


class Netns:
    """A netns by name (or the init one, name None): its fd, a netlink
    socket and an ioctl socket made in it."""

    def __init__(self, name):
        self.name = name or "init"
        self.fd = os.open(f"/run/netns/{name}" if name else "/proc/self/ns/net", os.O_RDONLY)
        self.nl = self.make(lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                                  socket.NETLINK_ROUTE))
        self.nl.bind((0, 0))
        self.nl.settimeout(30)
        self.io = self.make(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        self.seq = 0

    def make(self, fn):
        own = os.open("/proc/self/ns/net", os.O_RDONLY)
        try:
            os.setns(self.fd, os.CLONE_NEWNET)
            return fn()
        finally:
            os.setns(own, os.CLONE_NEWNET)
            os.close(own)

    # -- netlink
    def msg(self, typ, flags, body):
        self.seq += 1
        return struct.pack("=IHHII", 16 + len(body), typ, flags, self.seq, 0) + body

    def answer(self, seq):
        """The errno of request seq; None when its ack was lost (the
        core could not allocate it: the request may have been done)."""
        while True:
            try:
                data = self.nl.recv(1 << 16)
            except OSError as e:
                if e.errno == errno.ENOBUFS:
                    return None
                raise
            err = ack_errno(data, seq)
            if err is not None:
                return err

    def send(self, msg):
        """Send a request made by msg(); returns a function that waits
        for its answer (the errno, 0 when done)."""
        try:
            self.nl.send(msg)
        except OSError as e:
            err = e.errno
            return lambda: err
        seq = struct.unpack_from("=I", msg, 8)[0]
        return lambda: self.answer(seq)

    def request(self, msg):
        err = self.send(msg)()
        return errno.ENOBUFS if err is None else err

    def links(self):
        """{name: (ifindex, mtu, up, mac, xdp prog id, rx/tx queues)}."""
        self.nl.send(self.msg(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, ifinfomsg()))
        out = {}
        while True:
            data = self.nl.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind in (NLMSG_DONE, NLMSG_ERROR):
                    return out
                _, _, _, index, flags, _ = struct.unpack_from("=BBHiII", data, off + 16)
                f = {"mtu": None, "mac": None, "xdp": 0, "q": None}
                name, a = "", off + 32
                while a + 4 <= off + length:
                    alen, atype = struct.unpack_from("=HH", data, a)
                    if alen < 4:
                        break
                    v = data[a + 4: a + alen]
                    atype &= 0x3FFF
                    if atype == IFLA_IFNAME:
                        name = v.rstrip(b"\0").decode(errors="replace")
                    elif atype == IFLA_MTU:
                        f["mtu"] = struct.unpack("=I", v)[0]
                    elif atype == IFLA_ADDRESS:
                        f["mac"] = v.hex(":")
                    elif atype == IFLA_XDP:
                        for t, p in nested(v):
                            if t == IFLA_XDP_PROG_ID:
                                f["xdp"] = struct.unpack("=I", p)[0]
                    a += (alen + 3) & ~3
                if self.name == "init" and os.path.isdir(f"/sys/class/net/{name}/queues"):
                    qs = os.listdir(f"/sys/class/net/{name}/queues")
                    f["q"] = (sum(q.startswith("rx-") for q in qs),
                              sum(q.startswith("tx-") for q in qs))
                out[name] = (index, f["mtu"], bool(flags & IFF_UP), f["mac"], f["xdp"], f["q"])
                off += (length + 3) & ~3

    # -- ethtool ioctl
    def ethtool(self, dev, buf):
        ifr = struct.pack("16sP", dev.encode(), ctypes.addressof(buf)) + b"\0" * 16
        try:
            fcntl.ioctl(self.io, SIOCETHTOOL, ifr)
            return 0
        except OSError as e:
            return e.errno


def nested(v):
    a = 0
    while a + 4 <= len(v):
        alen, atype = struct.unpack_from("=HH", v, a)
        if alen < 4:
            break
        yield atype & 0x3FFF, v[a + 4: a + alen]
        a += (alen + 3) & ~3


# ---- requests


def newlink_msg(ns, kind, name, peer=None, top=b""):
    """RTM_NEWLINK of a pair; peer: the peer's link attributes, or None
    for none (the kernel names the peer)."""
    info = attr(IFLA_INFO_KIND, kind.encode() + b"\0")
    if peer is not None:
        info += attr(IFLA_INFO_DATA | NLA_F_NESTED,
                     attr(VETH_INFO_PEER, ifinfomsg() + peer))
    body = ifinfomsg() + attr(IFLA_IFNAME, name.encode() + b"\0") + top
    body += attr(IFLA_LINKINFO | NLA_F_NESTED, info)
    return ns.msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body)


def setlink_msg(ns, index, attrs=b"", up=None):
    flags = change = 0
    if up is not None:
        change, flags = IFF_UP, IFF_UP if up else 0
    body = struct.pack("=BBHiII", 0, 0, 0, index, flags, change) + attrs
    return ns.msg(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, body)


def dellink_msg(ns, index):
    return ns.msg(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK,
                  struct.pack("=BBHiII", 0, 0, 0, index, 0, 0))


def xdp_attr(fd):
    return attr(IFLA_XDP | NLA_F_NESTED,
                attr(IFLA_XDP_FD, struct.pack("=i", fd)) +
                attr(IFLA_XDP_FLAGS, struct.pack("=I", XDP_FLAGS_DRV_MODE)))


def u32(v):
    return struct.pack("=I", v)


def bpf(cmd, buf):
    r = libc.syscall(ctypes.c_long(SYS_BPF), ctypes.c_long(cmd),
                     ctypes.c_void_p(ctypes.addressof(buf)), ctypes.c_long(len(buf)))
    return r if r >= 0 else -ctypes.get_errno()


def xdp_pass_prog():
    """An XDP program that returns XDP_PASS: (fd, id)."""
    insns = struct.pack("<BBhi", 0xB7, 0, 0, 2) + struct.pack("<BBhi", 0x95, 0, 0, 0)
    ibuf = ctypes.create_string_buffer(insns)
    lic = ctypes.create_string_buffer(b"GPL")
    a = ctypes.create_string_buffer(128)
    struct.pack_into("=IIQQ", a, 0, BPF_PROG_TYPE_XDP, 2, ctypes.addressof(ibuf),
                     ctypes.addressof(lic))
    fd = bpf(BPF_PROG_LOAD, a)
    if fd < 0:
        raise OSError(-fd, "BPF_PROG_LOAD")
    info = ctypes.create_string_buffer(256)
    q = ctypes.create_string_buffer(16)
    struct.pack_into("=IIQ", q, 0, fd, 256, ctypes.addressof(info))
    r = bpf(BPF_OBJ_GET_INFO_BY_FD, q)
    if r < 0:
        raise OSError(-r, "BPF_OBJ_GET_INFO_BY_FD")
    return fd, struct.unpack_from("=II", info, 0)[1]


def prog_alive(pid):
    a = ctypes.create_string_buffer(16)
    struct.pack_into("=I", a, 0, pid)
    fd = bpf(BPF_PROG_GET_FD_BY_ID, a)
    if fd >= 0:
        os.close(fd)
        return True
    return False


# ---- the set-up: namespaces, the pair of each operation, the witness


class Env:
    def __init__(self, a):
        self.init = Netns(None)
        self.nsf = Netns(a.ns)    # the far end of the operated pairs
        self.nsm = Netns(a.ns2)   # where moved ends and peers go
        self.all = [self.init, self.nsf, self.nsm]
        self.fail = FailNth()
        self.progs = [xdp_pass_prog(), xdp_pass_prog()]
        self.udp = {}

    def snapshot(self):
        return {ns.name: ns.links() for ns in self.all}

    def index(self, ns, name):
        return ns.links()[name][0]

    def must(self, ns, msg, what):
        err = ns.request(msg)
        if err:
            raise RuntimeError(f"{what}: {errname(err)}")

    def addr(self, ns, dev, ip):
        body = struct.pack("=BBBBi", socket.AF_INET, 24, 0, 0, self.index(ns, dev))
        body += attr(IFA_LOCAL, socket.inet_aton(ip)) + attr(IFA_ADDRESS, socket.inet_aton(ip))
        self.must(ns, ns.msg(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL,
                             body), f"address {ip} on {dev}")

    def pair(self, kind, a, b, net, queues=4):
        """Pair a (init, .1) -- b (nsf, .2) of kind, both up; a has
        `queues` rx and tx queues (all in use), b the default."""
        q = attr(IFLA_NUM_TX_QUEUES, u32(queues)) + attr(IFLA_NUM_RX_QUEUES, u32(queues))
        peer = attr(IFLA_IFNAME, b.encode() + b"\0") + attr(IFLA_NET_NS_FD,
                                                           struct.pack("=i", self.nsf.fd))
        self.must(self.init, newlink_msg(self.init, kind, a, peer, q), f"{kind} pair {a}")
        self.addr(self.init, a, f"{net}.1")
        self.addr(self.nsf, b, f"{net}.2")
        self.must(self.init, setlink_msg(self.init, self.index(self.init, a), up=True), "up")
        self.must(self.nsf, setlink_msg(self.nsf, self.index(self.nsf, b), up=True), "up")
        r0 = self.init.make(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        r0.bind((f"{net}.1", UDP_PORT))
        r1 = self.nsf.make(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM))
        r1.bind((f"{net}.2", UDP_PORT))
        for s in (r0, r1):
            s.settimeout(3)
        self.udp[a] = (net, r0, r1)

    def drop_witness(self):
        if "fw0" in self.udp:
            self.drop_udp("fw0")
            self.must(self.init, dellink_msg(self.init, self.index(self.init, "fw0")),
                      "delete fw0")

    def drop_udp(self, a):
        for s in self.udp.pop(a)[1:]:
            s.close()

    def works(self, a):
        """A datagram each way over the pair of end a: None or a problem."""
        net, r0, r1 = self.udp[a]
        for src, dst, ip in ((r0, r1, f"{net}.2"), (r1, r0, f"{net}.1")):
            token = os.urandom(8)
            for _ in range(3):
                try:
                    src.sendto(token, (ip, UDP_PORT))
                except OSError as e:
                    return f"sending to {ip}: {errname(e.errno)}"
                try:
                    while dst.recv(64) != token:
                        pass
                    break
                except socket.timeout:
                    continue
            else:
                return f"no datagram to {ip}"
        return None


# ---- the operations


def diff(before, after):
    out = []
    for ns in before:
        b, a = before[ns], after[ns]
        for name in sorted(set(b) | set(a)):
            if b.get(name) != a.get(name):
                out.append(f"{ns}/{name}: {b.get(name)} -> {a.get(name)}")
    return "; ".join(out)


class Op:
    """One control operation. prepare() brings its object to the state
    the operation starts from (no injection); call(env) is the injected
    system call (returns a function giving its errno); expect(before)
    says what a success must have changed; undo() returns after a
    success; traffic() checks the operation's own pair, if it has one."""

    def __init__(self, env, kind):
        self.e, self.k = env, kind

    def traffic(self):
        return None

    def setup(self):
        pass

    def prepare(self):
        pass

    def undo(self):
        pass

    def teardown(self):
        pass


def peer_attrs(name, *extra):
    return attr(IFLA_IFNAME, name.encode() + b"\0") + b"".join(extra)


class NewLink(Op):
    """RTM_NEWLINK of a pair fa0/fa1 (variant: the attributes)."""

    def __init__(self, env, kind, variant):
        super().__init__(env, kind)
        self.v = variant

    def call(self):
        e, i = self.e, self.e.init
        mac = bytes.fromhex("02aa00000001")
        if self.v == "plain":
            msg = newlink_msg(i, self.k, "fa0")
            self.where = {"init": ["fa0"]}
        elif self.v == "peer":
            q = attr(IFLA_NUM_TX_QUEUES, u32(3)) + attr(IFLA_NUM_RX_QUEUES, u32(2))
            peer = peer_attrs("fa1", attr(IFLA_MTU, u32(9000)), attr(IFLA_ADDRESS, mac), q)
            msg = newlink_msg(i, self.k, "fa0", peer, attr(IFLA_MTU, u32(9000)) + q)
            self.where = {"init": ["fa0", "fa1"]}
        else:  # peer into another namespace
            peer = peer_attrs("fa1", attr(IFLA_NET_NS_FD, struct.pack("=i", e.nsm.fd)))
            msg = newlink_msg(i, self.k, "fa0", peer)
            self.where = {"init": ["fa0"], e.nsm.name: ["fa1"]}
        return lambda: i.send(msg)

    def expect(self, before, after):
        for ns, names in self.where.items():
            for n in names:
                if n not in after[ns]:
                    return f"succeeded without {ns}/{n}"
        if self.v == "plain" and len(after["init"]) != len(before["init"]) + 2:
            return "succeeded without its two ends"
        if self.v == "peer":
            f = after["init"]["fa1"]
            if f[1] != 9000 or f[3] != "02:aa:00:00:00:01" or f[5] != (2, 3):
                return f"peer made as {f}"
        return None

    def undo(self):
        i = self.e.init
        self.e.must(i, dellink_msg(i, self.e.index(i, "fa0")), "delete fa0")


class DelLink(Op):
    def prepare(self):
        i = self.e.init
        if "fd0" not in i.links():
            self.e.must(i, newlink_msg(i, self.k, "fd0", peer_attrs("fd1")), "fd pair")

    def call(self):
        i = self.e.init
        msg = dellink_msg(i, self.e.index(i, "fd0"))
        return lambda: i.send(msg)

    def expect(self, before, after):
        if "fd0" in after["init"] or "fd1" in after["init"]:
            return "an end is left"
        return None


class SetLink(Op):
    """A change of the operated pair's near end fo0 (its far end fo1 in
    nsf); variant: up, down, mtu, mac, move, gro_on, gro_off, ch_up,
    ch_down, xdp_attach, xdp_replace, xdp_detach; state: "" or "down",
    "gro", "xdp" (what holds while the change is made)."""

    def __init__(self, env, kind, variant, state=""):
        super().__init__(env, kind)
        self.v, self.s = variant, state

    def setup(self):
        self.relinked = 0
        self.e.pair(self.k, "fo0", "fo1", "10.97.0")
        # The far end's queues in use: one each way (XDP on fo0 wants no
        # more tx queues there than fo0 has rx queues).
        self.must_io(self.channels(1, self.e.nsf, "fo1"), "channels 1 on fo1")
        self.idx = self.e.index(self.e.init, "fo0")
        self.mac = self.e.init.links()["fo0"][3]

    def teardown(self):
        i = self.e.init
        self.e.drop_udp("fo0")
        self.e.must(i, dellink_msg(i, self.e.index(i, "fo0")), "delete fo0")

    # helpers, without injection
    def set(self, attrs=b"", up=None):
        self.e.must(self.e.init, setlink_msg(self.e.init, self.idx, attrs, up), f"{self.v}: set")

    def gro(self, on, dev="fo0"):
        b = ctypes.create_string_buffer(struct.pack("=II", ETHTOOL_SGRO, int(on)))
        return lambda: self.e.init.ethtool(dev, b)

    def channels(self, n, ns=None, dev="fo0"):
        """The SCHANNELS call that sets dev's rx and tx counts to n (a
        no-op if they are n already), made from its GCHANNELS answer."""
        ns = ns or self.e.init
        g = ctypes.create_string_buffer(struct.pack("=9I", ETHTOOL_GCHANNELS, *[0] * 8))
        err = ns.ethtool(dev, g)
        if err:
            raise RuntimeError(f"GCHANNELS {dev}: {errname(err)}")
        v = list(struct.unpack_from("=9I", g.raw))
        if (v[5], v[6]) == (n, n):
            return lambda: 0
        v[0], v[5], v[6] = ETHTOOL_SCHANNELS, n, n
        b = ctypes.create_string_buffer(struct.pack("=9I", *v))
        return lambda: ns.ethtool(dev, b)

    def must_io(self, fn, what):
        err = fn()
        if err:
            raise RuntimeError(f"{what}: {errname(err)}")

    def base(self, up=None):
        """The state before the change: the pair up (or down), one queue
        each way, GRO off, no XDP; then what the variant starts from.
        up=True: up whatever the variant starts from (the traffic check)."""
        links = self.e.init.links()["fo0"]
        if links[4]:
            self.set(xdp_attr(-1))
        self.must_io(self.gro(False), "gro off")
        if links[5] != (1, 1):
            self.must_io(self.channels(1), "channels 1")
        self.set(attr(IFLA_MTU, u32(1500)) + attr(IFLA_ADDRESS, bytes.fromhex(self.mac.replace(":", ""))),
                 up=up or (self.s != "down" and self.v != "up"))
        if self.s == "gro" or self.v == "gro_off":
            self.must_io(self.gro(True), "gro on")
        if self.s == "xdp" or self.v in ("xdp_replace", "xdp_detach"):
            self.set(xdp_attr(self.e.progs[0][0]))
        if self.v == "ch_down":
            self.must_io(self.channels(3), "channels 3")

    def prepare(self):
        self.base()

    def call(self):
        e, v, i = self.e, self.v, self.e.init
        if v in ("gro_on", "gro_off", "ch_up", "ch_down"):
            if v.startswith("gro"):
                io = self.gro(v == "gro_on")
            else:
                io = self.channels(3 if v == "ch_up" else 1)

            def go():
                r = io()
                return lambda: r
            return go
        attrs = {"mtu": attr(IFLA_MTU, u32(9000)),
                 "mac": attr(IFLA_ADDRESS, bytes.fromhex("02bb00000002")),
                 "xdp_attach": xdp_attr(e.progs[0][0]),
                 "xdp_replace": xdp_attr(e.progs[1][0]),
                 "xdp_detach": xdp_attr(-1)}
        if v in ("up", "down"):
            msg = setlink_msg(i, self.idx, up=v == "up")
        else:
            msg = setlink_msg(i, self.idx, attrs[v])
        return lambda: i.send(msg)

    def traffic(self):
        self.base(up=True)
        bad = self.e.works("fo0")
        if bad and self.v == "up":
            # An allocation failed in the core's NETDEV_UP notifiers (the
            # IPv4 routes of the device's addresses: lost, and the open
            # still succeeds, for veth and veth_rs alike): a clean down
            # and up restores them; the driver is at fault only if the
            # pair still does not carry traffic then.
            self.set(up=False)
            self.set(up=True)
            bad = self.e.works("fo0")
            if not bad:
                self.relinked += 1
        return bad

    def expect(self, before, after):
        b, a = before["init"]["fo0"], after["init"].get("fo0")
        want = {"up": (2, True), "down": (2, False), "mtu": (1, 9000),
                "mac": (3, "02:bb:00:00:00:02"), "ch_up": (5, (3, 3)), "ch_down": (5, (1, 1)),
                "xdp_attach": (4, self.e.progs[0][1]), "xdp_replace": (4, self.e.progs[1][1]),
                "xdp_detach": (4, 0)}
        if a is None:
            return "fo0 is gone"
        if self.v in want:
            f, val = want[self.v]
            if a[f] != val:
                return f"succeeded with {a} (before: {b})"
        return None

    def undo(self):
        pass  # prepare() of the next attempt restores the start


class Move(Op):
    """fm0 of a pair fm0/fm1 moved to nsm (RTM_NEWLINK with a netns fd)."""

    def prepare(self):
        i = self.e.init
        if "fm0" not in i.links():
            self.e.must(i, newlink_msg(i, self.k, "fm0", peer_attrs("fm1")), "fm pair")

    def call(self):
        i = self.e.init
        msg = setlink_msg(i, self.e.index(i, "fm0"),
                          attr(IFLA_NET_NS_FD, struct.pack("=i", self.e.nsm.fd)))
        return lambda: i.send(msg)

    def expect(self, before, after):
        if "fm0" not in after[self.e.nsm.name] or "fm0" in after["init"]:
            return "fm0 did not move"
        return None

    def undo(self):
        m = self.e.nsm
        self.e.must(m, dellink_msg(m, self.e.index(m, "fm0")), "delete fm0")


class Rmmod(Op):
    """delete_module of the kind's module with three live pairs, one with
    an end in nsf; reloaded by modprobe after a success."""

    def module(self):
        return "veth" if self.k == "veth" else "veth_rs"

    def prepare(self):
        i = self.e.init
        if not os.path.isdir(f"/sys/module/{self.module()}"):
            subprocess.run(["modprobe", self.module()], check=True)
        have = i.links()
        for n in range(3):
            if f"fr{n}" not in have:
                peer = peer_attrs(f"fr{n}p", attr(IFLA_NET_NS_FD, struct.pack("=i", self.e.nsf.fd))
                                  if n == 0 else b"")
                self.e.must(i, newlink_msg(i, self.k, f"fr{n}", peer), "fr pair")

    def call(self):
        name = ctypes.create_string_buffer(self.module().encode())

        def go():
            r = libc.syscall(ctypes.c_long(SYS_DELETE_MODULE), name, ctypes.c_long(os.O_NONBLOCK))
            err = 0 if r == 0 else ctypes.get_errno()
            return lambda: err
        return go

    def expect(self, before, after):
        left = [n for ns in after.values() for n in ns if n.startswith("fr")]
        if left or os.path.isdir(f"/sys/module/{self.module()}"):
            return f"left after rmmod: {left}"
        return None

    def undo(self):
        subprocess.run(["modprobe", self.module()], check=True)

    def teardown(self):
        self.prepare()
        i = self.e.init
        for n in range(3):
            self.e.must(i, dellink_msg(i, self.e.index(i, f"fr{n}")), "delete fr")


OPS = {
    "newlink": lambda e, k: NewLink(e, k, "plain"),
    "newlink_peer": lambda e, k: NewLink(e, k, "peer"),
    "newlink_netns": lambda e, k: NewLink(e, k, "netns"),
    "dellink": DelLink,
    "open": lambda e, k: SetLink(e, k, "up"),
    "stop": lambda e, k: SetLink(e, k, "down"),
    "mtu": lambda e, k: SetLink(e, k, "mtu"),
    "mac": lambda e, k: SetLink(e, k, "mac"),
    "gro_on": lambda e, k: SetLink(e, k, "gro_on"),
    "gro_off": lambda e, k: SetLink(e, k, "gro_off"),
    "channels_up": lambda e, k: SetLink(e, k, "ch_up"),
    "channels_down": lambda e, k: SetLink(e, k, "ch_down"),
    "channels_up_gro": lambda e, k: SetLink(e, k, "ch_up", "gro"),
    "channels_down_gro": lambda e, k: SetLink(e, k, "ch_down", "gro"),
    "channels_up_xdp": lambda e, k: SetLink(e, k, "ch_up", "xdp"),
    "channels_down_xdp": lambda e, k: SetLink(e, k, "ch_down", "xdp"),
    "xdp_attach": lambda e, k: SetLink(e, k, "xdp_attach"),
    "xdp_replace": lambda e, k: SetLink(e, k, "xdp_replace"),
    "xdp_detach": lambda e, k: SetLink(e, k, "xdp_detach"),
    "xdp_attach_down": lambda e, k: SetLink(e, k, "xdp_attach", "down"),
    "xdp_replace_down": lambda e, k: SetLink(e, k, "xdp_replace", "down"),
    "xdp_detach_down": lambda e, k: SetLink(e, k, "xdp_detach", "down"),
    "move": Move,
    "rmmod": Rmmod,
}


def attempts(points, sample):
    """The N to try: all of 1..points, or (sample) the first, the middle
    and the last."""
    if not sample:
        return list(range(1, points + 1))
    return sorted({n for n in (1, points // 2, points) if 1 <= n <= points})


def run_op(env, name, kind, sample, count_only):
    """One attempt that reaches no fault counts the operation's points
    (the fail-nth counter left of a huge N); then the attempts at the
    chosen N. count_only: the count attempt only."""
    op = OPS[name](env, kind)
    op.setup()
    answers = collections.Counter()
    problems = []
    points, final, tried = None, None, 0
    big = 1 << 30
    try:
        todo = [big]
        while todo and len(problems) < 4:
            n = todo.pop(0)
            op.prepare()
            go = op.call()
            before = env.snapshot()
            wait, left = env.fail.call(n, go)
            err = wait()
            tried += 1
            after = env.snapshot()
            injected = left == 0
            if err is None:
                # The ack was lost: done or not done, but not half done.
                answers["no-ack"] += 1
                if after != before:
                    err = 0
            if err == 0:
                bad = op.expect(before, after)
                if bad:
                    problems.append(f"N={n}{' (injected)' if injected else ''}: {bad}")
                op.undo()
            elif err is not None and after != before:
                problems.append(f"N={n}: {errname(err)} but changed: {diff(before, after)}")
            if n == big:
                points = big - left
                final = "no-ack" if err is None else errname(err)
                if not count_only:
                    todo = attempts(points, sample)
            elif not injected:
                answers["unreached"] += 1
            elif err is not None:
                answers[errname(err)] += 1
            if not problems:
                bad = op.traffic()
                if bad:
                    problems.append(f"N={n}: its pair after: {bad}")
    finally:
        op.teardown()
    if getattr(op, "relinked", 0):
        answers["routes-relinked"] = op.relinked
    if "fw0" in env.udp:
        w = env.works("fw0")
        if w:
            problems.append(f"witness pair: {w}")
    ans = " ".join(f"{k}:{v}" for k, v in sorted(answers.items())) or "-"
    return points, tried, ans, final, "; ".join(problems) or "-"


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kinds", default="veth,veth_rs")
    p.add_argument("--ns", required=True)
    p.add_argument("--ns2", required=True)
    p.add_argument("--sample", action="store_true",
                   help="three points of each operation, not all")
    p.add_argument("--count-only", default="",
                   help="kinds whose points are only counted (the reference of a short run)")
    p.add_argument("--ops", default=",".join(OPS))
    a = p.parse_args()
    for path, val in (("failslab/ignore-gfp-wait", "N"), ("failslab/verbose", "0"),
                      ("fail_page_alloc/min-order", "11")):
        with open(f"/sys/kernel/debug/{path}", "w") as f:
            f.write(val)
    env = Env(a)
    ops = a.ops.split(",")
    # rmmod removes the witness pair too: last, without it.
    if "rmmod" in ops:
        ops = [o for o in ops if o != "rmmod"] + ["rmmod"]
    for i, kind in enumerate(a.kinds.split(",")):
        env.pair(kind, "fw0", "fw1", f"10.96.{i}")
        for name in ops:
            if name == "rmmod":
                env.drop_witness()
            t = time.monotonic()
            try:
                res = run_op(env, name, kind, a.sample, kind in a.count_only.split(","))
            except Exception as ex:  # a set-up that failed: reported, next op
                traceback.print_exc()
                res = (None, 0, "-", "-", f"set-up failed: {ex}")
            pts = "?" if res[0] is None else res[0]
            print(f"{name}\t{kind}\t{pts}\t{res[1]}\t{res[2]}\t{res[3]}\t{res[4]}"
                  f"\t{time.monotonic() - t:.1f}", flush=True)
        env.drop_witness()
    ids = [pid for _, pid in env.progs]
    for fd, _ in env.progs:
        os.close(fd)
    deadline = time.monotonic() + 30
    while any(prog_alive(pid) for pid in ids) and time.monotonic() < deadline:
        time.sleep(0.2)
    alive = [pid for pid in ids if prog_alive(pid)]
    print(f"xdp_progs_freed\t{'-' if not alive else 'alive: ' + str(alive)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
