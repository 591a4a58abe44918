#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Netlink fuzzer of a veth-like link kind: random and malformed
RTM_NEWLINK / RTM_SETLINK / RTM_DELLINK requests over a raw rtnetlink
socket; asserts that every request gets its ack or error, and prints the
errno histogram.

Run it in a network namespace of its own (`ip netns exec NS fuzz.py ...`):
the requests only ever point at that namespace and at those given with
--netns and --pid, so whatever it makes stays there and goes away with
them. The devices it names start with --prefix. Message N depends on the
seed alone (not on the kernel's answers), so `--seed S --show N` prints the
exact bytes of a message that misbehaved, and `--seed S --count N` replays
a run.

  fuzz.py --kind veth_rs --count 2000 [--seed S] [--netns /run/netns/X]
          [--pid PID] [--nsid ID]
"""
import argparse
import collections
import errno
import os
import random
import socket
import struct
import sys
import time

RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK, RTM_SETLINK = 16, 17, 18, 19
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK, NLM_F_ECHO = 0x1, 0x2, 0x4, 0x8
NLM_F_REPLACE, NLM_F_EXCL, NLM_F_CREATE, NLM_F_APPEND = 0x100, 0x200, 0x400, 0x800
NLM_F_DUMP = 0x300
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLA_F_NESTED = 0x8000
SOL_NETLINK, NETLINK_CAP_ACK, NETLINK_EXT_ACK = 270, 10, 11
IFF_UP = 0x1

IFLA_ADDRESS, IFLA_BROADCAST, IFLA_IFNAME, IFLA_MTU, IFLA_LINK = 1, 2, 3, 4, 5
IFLA_MASTER, IFLA_TXQLEN, IFLA_OPERSTATE, IFLA_LINKMODE = 10, 13, 16, 17
IFLA_LINKINFO, IFLA_NET_NS_PID, IFLA_IFALIAS, IFLA_AF_SPEC = 18, 19, 20, 26
IFLA_GROUP, IFLA_NET_NS_FD, IFLA_PROMISCUITY = 27, 28, 30
IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES, IFLA_CARRIER = 31, 32, 33
IFLA_LINK_NETNSID, IFLA_PROTO_DOWN = 37, 39
IFLA_GSO_MAX_SEGS, IFLA_GSO_MAX_SIZE, IFLA_XDP = 40, 41, 43
IFLA_TARGET_NETNSID, IFLA_NEW_IFINDEX, IFLA_ALT_IFNAME = 46, 49, 53
IFLA_GRO_MAX_SIZE, IFLA_TSO_MAX_SIZE, IFLA_MAX_GUESS = 58, 59, 70
IFLA_INFO_KIND, IFLA_INFO_DATA, IFLA_INFO_SLAVE_KIND = 1, 2, 4
IFLA_XDP_FD, IFLA_XDP_FLAGS = 1, 3
VETH_INFO_PEER = 1

# Interesting 32-bit values: limits of MTUs, queue counts and sizes,
# sign boundaries, and zero.
U32_EDGES = [0, 1, 2, 67, 68, 1280, 1500, 4096, 4097, 9000, 65535, 65536,
             65537, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFE, 0xFFFFFFFF]
# Queue counts: the invalid edges, and valid ones kept small. A pair with
# thousands of queues took minutes to make under KASAN and TCG (4096 tx
# queues: 123 s; the core makes sysfs objects per queue), which would eat
# the fuzzer's time budget for a handful of messages; the refusal of 4097
# (over the core's limit) is also checked by tests/errors.sh.
QUEUE_VALUES = [0, 1, 2, 3, 16, 64, 4097, 9000, 65536, 0x80000000, 0xFFFFFFFF]
GROUP = 4242  # the group the fuzzer's devices may join (and be deleted by)


def nla(kind, payload, nested=False):
    """One attribute, padded to 4 bytes."""
    if nested:
        kind |= NLA_F_NESTED
    return struct.pack("=HH", 4 + len(payload), kind) + payload + b"\0" * (-len(payload) % 4)


def u32(v):
    return struct.pack("=I", v & 0xFFFFFFFF)


def ifinfomsg(family=0, index=0, flags=0, change=0):
    return struct.pack("=BxHiII", family, 0, index, flags, change)


class Gen:
    """Makes message N of a seed: an rtnetlink request for the link kind."""

    def __init__(self, seed, kind, prefix, env):
        self.seed, self.kind, self.prefix, self.env = seed, kind.encode(), prefix, env
        self.names = [f"{prefix}{i}".encode() for i in range(16)]

    def message(self, n):
        self.r = random.Random(f"{self.seed}:{n}")
        r = self.r
        typ = r.choices([RTM_NEWLINK, RTM_SETLINK, RTM_DELLINK], [60, 25, 15])[0]
        flags = NLM_F_REQUEST | NLM_F_ACK
        if typ == RTM_NEWLINK:
            flags |= r.choices([NLM_F_CREATE | NLM_F_EXCL, NLM_F_CREATE, 0,
                                NLM_F_CREATE | NLM_F_REPLACE], [70, 15, 5, 10])[0]
        if r.random() < 0.05:
            flags |= r.choice([NLM_F_ECHO, NLM_F_APPEND, NLM_F_REPLACE, NLM_F_EXCL])
        body = {RTM_NEWLINK: self.newlink, RTM_SETLINK: self.setlink,
                RTM_DELLINK: self.dellink}[typ]()
        body = self.mutate(body)
        # The header stays well-formed (a message whose length field lies is
        # dropped by netlink without any answer): all the damage is inside.
        return typ, flags, body

    # ---- building blocks

    def u32_val(self):
        r = self.r
        return r.choice(U32_EDGES) if r.random() < 0.7 else r.getrandbits(32)

    def u32_attr(self, kind, value=None):
        r = self.r
        v = self.u32_val() if value is None else value
        if r.random() < 0.08:  # wrong length
            return nla(kind, u32(v)[: r.choice([0, 1, 2, 3])] if r.random() < 0.5
                       else u32(v) + bytes(r.choice([1, 2, 4])))
        return nla(kind, u32(v))

    def name(self):
        r = self.r
        p = r.random()
        if p < 0.6:
            return r.choice(self.names) + b"\0"
        if p < 0.68:
            return r.choice(self.names)  # no NUL
        if p < 0.72:
            return self.prefix.encode() + b"%d\0"
        if p < 0.78:  # too long
            return self.prefix.encode() + b"x" * r.randint(14, 40) + b"\0"
        if p < 0.82:
            return r.choice([b"", b"\0", b".\0", b"..\0"])
        if p < 0.9:  # characters dev_valid_name refuses
            return self.prefix.encode() + r.choice([b"/", b":", b" ", b"\n", b"/.."]) + b"\0"
        return bytes(r.getrandbits(8) for _ in range(r.randint(1, 20)))

    def mac(self):
        r = self.r
        p = r.random()
        if p < 0.5:
            return bytes([0x02] + [r.getrandbits(8) for _ in range(5)])
        if p < 0.6:
            return bytes(6)
        if p < 0.7:
            return bytes([0x01, 0, 0x5E, 0, 0, r.getrandbits(8)])
        return bytes(r.getrandbits(8) for _ in range(r.choice([0, 1, 5, 7, 8, 32])))

    def ns_fd(self):
        r, e = self.r, self.env
        p = r.random()
        if p < 0.5 and e["ns_fds"]:
            return r.choice(e["ns_fds"])
        if p < 0.7:
            return r.choice(e["other_fds"])
        return r.choice([-1, 4096, 0x7FFFFFFF, -0x80000000, r.getrandbits(31)])

    def ns_pid(self):
        r, e = self.r, self.env
        p = r.random()
        if p < 0.5:
            return r.choice(e["pids"])
        return r.choice([0, -1, 0x7FFFFFFF, (1 << 22) + r.getrandbits(20)])

    def nsid(self):
        r, e = self.r, self.env
        if r.random() < 0.5 and e["nsids"]:
            return r.choice(e["nsids"])
        return r.choice([-1, -2, 0, 1, 2, 3, 0x7FFFFFFF, r.getrandbits(31)])

    def bad_len_attr(self):
        """An attribute whose length field does not fit what follows."""
        r = self.r
        kind = r.randint(0, IFLA_MAX_GUESS)
        payload = bytes(r.getrandbits(8) for _ in range(r.randint(0, 12)))
        length = r.choice([0, 1, 2, 3, 4 + len(payload) + r.randint(1, 400), 0xFFFF])
        return struct.pack("=HH", length, kind) + payload

    def link_attr(self, depth, op):
        """One IFLA attribute for a link (or the peer, at depth 1)."""
        r = self.r
        makers = [
            (20, lambda: nla(IFLA_IFNAME, self.name())),
            (10, lambda: self.u32_attr(IFLA_MTU)),
            (8, lambda: nla(IFLA_ADDRESS, self.mac())),
            (2, lambda: nla(IFLA_BROADCAST, self.mac())),
            (4, lambda: self.u32_attr(IFLA_TXQLEN)),
            (5, lambda: self.u32_attr(IFLA_NUM_TX_QUEUES, r.choice(QUEUE_VALUES))),
            (5, lambda: self.u32_attr(IFLA_NUM_RX_QUEUES, r.choice(QUEUE_VALUES))),
            (3, lambda: self.u32_attr(IFLA_GSO_MAX_SIZE)),
            (2, lambda: self.u32_attr(IFLA_GSO_MAX_SEGS)),
            (2, lambda: self.u32_attr(IFLA_GRO_MAX_SIZE)),
            (3, lambda: self.u32_attr(IFLA_GROUP, GROUP if r.random() < 0.7 else None)),
            (5, lambda: self.u32_attr(IFLA_NET_NS_FD, self.ns_fd())),
            (4, lambda: self.u32_attr(IFLA_NET_NS_PID, self.ns_pid())),
            (4, lambda: self.u32_attr(IFLA_TARGET_NETNSID, self.nsid())),
            (3, lambda: self.u32_attr(IFLA_LINK_NETNSID, self.nsid())),
            (2, lambda: self.u32_attr(IFLA_LINK, r.randint(0, 40))),
            (1, lambda: self.u32_attr(IFLA_MASTER, r.randint(0, 40))),
            (2, lambda: nla(IFLA_OPERSTATE, bytes([r.randint(0, 7)]))),
            (1, lambda: nla(IFLA_LINKMODE, bytes([r.randint(0, 2)]))),
            (1, lambda: nla(IFLA_CARRIER, bytes([r.randint(0, 1)]))),
            (1, lambda: nla(IFLA_PROTO_DOWN, bytes([r.randint(0, 1)]))),
            (1, lambda: self.u32_attr(IFLA_PROMISCUITY)),
            (1, lambda: self.u32_attr(IFLA_NEW_IFINDEX, r.randint(0, 64))),
            (2, lambda: nla(IFLA_ALT_IFNAME, self.name())),
            (1, lambda: nla(IFLA_IFALIAS, self.name())),
            (1, lambda: nla(IFLA_XDP, self.u32_attr(IFLA_XDP_FD, r.choice([-1, 0, 3]))
                            + self.u32_attr(IFLA_XDP_FLAGS, r.randint(0, 15)), nested=True)),
            (1, lambda: nla(IFLA_AF_SPEC, bytes(r.getrandbits(8) for _ in range(r.randint(0, 16))))),
            (3, self.bad_len_attr),
            (2, lambda: nla(r.randint(0, IFLA_MAX_GUESS),
                            bytes(r.getrandbits(8) for _ in range(r.randint(0, 24))))),
        ]
        if depth < 2 and op != RTM_DELLINK:
            makers.append((12 if depth == 0 else 2, lambda: self.linkinfo(depth)))
        return r.choices([m for _, m in makers], [w for w, _ in makers])[0]()

    def link_attrs(self, depth, op, lo, hi):
        return b"".join(self.link_attr(depth, op) for _ in range(self.r.randint(lo, hi)))

    def peer_payload(self, depth):
        """The payload of VETH_INFO_PEER: an ifinfomsg and IFLA attributes."""
        r = self.r
        hdr = ifinfomsg(index=r.choice([0, 0, 0, r.randint(1, 64), r.getrandbits(31)]))
        if r.random() < 0.1:
            hdr = hdr[: r.randint(0, 15)]  # truncated ifinfomsg
        attrs = b""
        if r.random() < 0.8:
            attrs += nla(IFLA_IFNAME, r.choice(self.names) + b"\0")
        attrs += self.link_attrs(depth + 1, RTM_NEWLINK, 0, 3)
        if r.random() < 0.1:
            return attrs  # no ifinfomsg at all
        return hdr + attrs

    def linkinfo(self, depth):
        r = self.r
        kind = self.kind + b"\0"
        p = r.random()
        if p < 0.03:
            kind = self.kind  # no NUL
        elif p < 0.05:
            kind = b""
        elif p < 0.06:
            kind = self.kind + b"_nokind\0"  # not registered; asks modprobe
        info = nla(IFLA_INFO_KIND, kind)
        p = r.random()
        if p < 0.65:
            data = nla(VETH_INFO_PEER, self.peer_payload(depth), nested=r.random() < 0.2)
            if r.random() < 0.05:  # a second peer, or an unknown type beside it
                data += nla(r.choice([VETH_INFO_PEER, 2, 3, 0x7FFF]), self.peer_payload(depth))
            info += nla(IFLA_INFO_DATA, data, nested=r.random() < 0.3)
        elif p < 0.72:  # peer one level too high
            info += nla(VETH_INFO_PEER + 1, nla(VETH_INFO_PEER, self.peer_payload(depth)))
        elif p < 0.77:  # data that is not attributes
            info += nla(IFLA_INFO_DATA, bytes(r.getrandbits(8) for _ in range(r.randint(0, 40))))
        elif p < 0.82:  # peer attributes straight in INFO_DATA, no ifinfomsg
            info += nla(IFLA_INFO_DATA, self.link_attrs(depth + 1, RTM_NEWLINK, 1, 3))
        elif p < 0.85:
            info += nla(IFLA_INFO_SLAVE_KIND, kind)
        # else: no data, the peer gets default settings
        if r.random() < 0.05:
            info = nla(IFLA_INFO_DATA, b"") + info  # data before kind
        return nla(IFLA_LINKINFO, info, nested=r.random() < 0.3)

    # ---- the three requests

    def newlink(self):
        r = self.r
        attrs = b""
        if r.random() < 0.85:
            attrs += nla(IFLA_IFNAME, self.name())
        attrs += self.link_attrs(0, RTM_NEWLINK, 0, 4)
        if r.random() < 0.85:
            attrs += self.linkinfo(0)
        index = 0 if r.random() < 0.9 else r.choice([1, r.randint(2, 64), -1])
        return self.ifinfo(index) + attrs

    def setlink(self):
        r = self.r
        attrs = b""
        if r.random() < 0.5:
            index = 0
            attrs += nla(IFLA_IFNAME, r.choice(self.names) + b"\0")
        else:
            index = r.randint(1, 64)
        attrs += self.link_attrs(0, RTM_SETLINK, 0, 3)
        return self.ifinfo(index, updown=True) + attrs

    def dellink(self):
        r = self.r
        p = r.random()
        index, attrs = 0, b""
        if p < 0.45:
            attrs = nla(IFLA_IFNAME, self.name())
        elif p < 0.75:
            index = r.randint(1, 64)
        elif p < 0.85:
            attrs = self.u32_attr(IFLA_GROUP, r.choice([GROUP, GROUP, 0, self.u32_val()]))
        elif p < 0.9:
            attrs = nla(IFLA_ALT_IFNAME, self.name())
        if r.random() < 0.3:
            attrs += self.link_attrs(0, RTM_DELLINK, 1, 2)
        return self.ifinfo(index) + attrs

    def ifinfo(self, index, updown=False):
        r = self.r
        family = 0 if r.random() < 0.9 else r.getrandbits(8)
        flags = change = 0
        if updown and r.random() < 0.4:
            flags, change = r.choice([IFF_UP, 0]), IFF_UP
        elif r.random() < 0.05:
            flags, change = r.getrandbits(32), r.getrandbits(32)
        return ifinfomsg(family, index, flags, change)

    def mutate(self, body):
        r = self.r
        p = r.random()
        if p < 0.08 and body:  # flip bytes
            b = bytearray(body)
            for _ in range(r.randint(1, 3)):
                b[r.randrange(len(b))] = r.getrandbits(8)
            return bytes(b)
        if p < 0.14:  # cut short
            return body[: r.randint(0, len(body))]
        if p < 0.17:  # trailing garbage, unaligned
            return body + bytes(r.getrandbits(8) for _ in range(r.randint(1, 7)))
        return body


def ack_errno(data, seq=None):
    """The errno (0 when done) that the ack in data gives request seq
    (any request when seq is None); None when data holds no such ack."""
    off = 0
    while off + 16 <= len(data):
        length, kind, _, rseq = struct.unpack_from("=IHHI", data, off)
        if kind == NLMSG_ERROR and (seq is None or rseq == seq):
            return -struct.unpack_from("=i", data, off + 16)[0]
        if length < 16:
            break
        off += (length + 3) & ~3
    return None


class Netlink:
    """A NETLINK_ROUTE socket that sends one request and waits for its
    ack or error (skipping the echoes NLM_F_ECHO asks for)."""

    def __init__(self, timeout):
        self.s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
        self.s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.s.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.s.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.s.bind((0, 0))
        self.s.settimeout(timeout)
        self.seq = 0

    def fileno(self):
        return self.s.fileno()

    def request(self, typ, flags, body):
        """Returns 0 or a positive errno, or None when no answer came."""
        self.seq += 1
        seq = self.seq
        self.s.send(struct.pack("=IHHII", 16 + len(body), typ, flags, seq, 0) + body)
        while True:
            try:
                data = self.s.recv(1 << 16)
            except socket.timeout:
                return None
            err = ack_errno(data, seq)
            if err is not None:
                return err

    def links(self):
        """(ifindex, name) of every link of the socket's namespace."""
        self.seq += 1
        self.s.send(struct.pack("=IHHII", 32, RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP,
                                self.seq, 0) + ifinfomsg())
        out = []
        while True:
            data = self.s.recv(1 << 20)
            off = 0
            while off + 16 <= len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind == NLMSG_DONE:
                    return out
                if kind == NLMSG_ERROR:
                    return out
                index = struct.unpack_from("=i", data, off + 20)[0]
                a, name = off + 32, ""
                while a + 4 <= off + length:
                    alen, atype = struct.unpack_from("=HH", data, a)
                    if alen < 4:
                        break
                    if atype == IFLA_IFNAME:
                        name = data[a + 4: a + alen].rstrip(b"\0").decode(errors="replace")
                    a += (alen + 3) & ~3
                out.append((index, name))
                off += (length + 3) & ~3


def clean(nl):
    """Deletes the devices of the fuzzer's namespace (lo aside); returns
    how many went."""
    n = 0
    for index, name in nl.links():
        if index != 1 and nl.request(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK,
                                     ifinfomsg(index=index)) == 0:
            n += 1
    return n


def errname(err):
    return "OK" if err == 0 else errno.errorcode.get(err, f"E{err}")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", default="veth_rs")
    p.add_argument("--count", type=int, default=1000)
    p.add_argument("--seed", type=int)
    p.add_argument("--prefix", default="vz", help="prefix of the device names it makes")
    p.add_argument("--netns", action="append", default=[],
                   help="another namespace (path) whose fd the requests may carry")
    p.add_argument("--pid", action="append", type=int, default=[],
                   help="a pid (in a fuzz namespace) that IFLA_NET_NS_PID may name")
    p.add_argument("--nsid", action="append", type=int, default=[],
                   help="a valid nsid of this namespace for another fuzz namespace")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer")
    p.add_argument("--clean-every", type=int, default=200,
                   help="delete the devices of this namespace every N requests")
    p.add_argument("--max-seconds", type=float, default=0,
                   help="send no further request after this many seconds (0: no bound)")
    p.add_argument("--show", type=int, help="print message N in hex and exit")
    a = p.parse_args()
    if a.seed is None:
        a.seed = int.from_bytes(os.urandom(4), "little")

    nl = Netlink(a.timeout)
    env = {
        # Namespaces the requests may name: this one and the given ones.
        "ns_fds": [os.open("/proc/self/ns/net", os.O_RDONLY)]
        + [os.open(path, os.O_RDONLY) for path in a.netns],
        # fds that are no namespace: stdin, the socket, a file.
        "other_fds": [0, nl.fileno(), os.open("/dev/null", os.O_RDONLY)],
        "pids": [os.getpid()] + a.pid,
        "nsids": a.nsid,
    }
    gen = Gen(a.seed, a.kind, a.prefix, env)
    if a.show is not None:
        typ, flags, body = gen.message(a.show)
        print(f"type {typ} flags {flags:#x} body {body.hex()}")
        return 0

    print(f"# fuzz: seed {a.seed}, {a.count} requests for kind {a.kind}", flush=True)
    hist = {RTM_NEWLINK: collections.Counter(), RTM_SETLINK: collections.Counter(),
            RTM_DELLINK: collections.Counter()}
    total = collections.Counter()
    noreply, cleaned, start = [], 0, time.monotonic()
    slowest = []  # (seconds, n, type, answer) of the slowest requests
    for n in range(a.count):
        if a.max_seconds and time.monotonic() - start > a.max_seconds:
            print(f"# fuzz: time bound of {a.max_seconds:.0f} s reached after {n} requests", flush=True)
            break
        typ, flags, body = gen.message(n)
        t0 = time.monotonic()
        err = nl.request(typ, flags, body)
        slowest.append((time.monotonic() - t0, n, typ, "none" if err is None else errname(err)))
        if len(slowest) > 20:
            slowest = sorted(slowest, reverse=True)[:5]
        if err is None:
            noreply.append(n)
            print(f"# fuzz: no answer to message {n} (seed {a.seed}): "
                  f"type {typ} flags {flags:#x} body {body.hex()}", flush=True)
            if len(noreply) > 5:
                break
            continue
        hist[typ][errname(err)] += 1
        total[errname(err)] += 1
        if (n + 1) % a.clean_every == 0:
            cleaned += clean(nl)
        if (n + 1) % 1000 == 0:
            print(f"# fuzz: {n + 1} requests, {time.monotonic() - start:.0f} s", flush=True)
    cleaned += clean(nl)
    answered = sum(total.values())
    for typ, name in ((RTM_NEWLINK, "NEWLINK"), (RTM_SETLINK, "SETLINK"), (RTM_DELLINK, "DELLINK")):
        h = " ".join(f"{k}={v}" for k, v in hist[typ].most_common())
        print(f"# fuzz: {name:8} {sum(hist[typ].values()):6}: {h}")
    names = {RTM_NEWLINK: "NEWLINK", RTM_SETLINK: "SETLINK", RTM_DELLINK: "DELLINK"}
    print("# fuzz: slowest: " + ", ".join(
        f"#{n} {names[typ]} {ans} {secs:.2f} s" for secs, n, typ, ans in sorted(slowest, reverse=True)[:5]))
    left = [name for index, name in nl.links() if index != 1]
    hist_s = ",".join(f"{k}:{v}" for k, v in total.most_common())
    print(f"fuzz-result seed={a.seed} sent={answered + len(noreply)} answered={answered} "
          f"noreply={len(noreply)} cleaned={cleaned} left={len(left)} "
          f"seconds={time.monotonic() - start:.0f} errno={hist_s}")
    return 1 if noreply or left else 0


if __name__ == "__main__":
    sys.exit(main())
