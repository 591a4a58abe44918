#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Send one RTM_NEWLINK for a veth-like link kind, made from the options,
and print the kernel's answer as an errno name ("OK" on success).

Unlike ip(8), it sends what it is told (over-long names, bad lengths,
malformed peer attributes), so the kernel's own checks are what answer.
With several kinds (--kind veth,veth_rs) the same request goes to each in
turn and the answers are printed on one line; a device made by an
accepted request (--name, no --netns) is deleted before the next kind's
turn, so that names do not collide (one python start per comparison: a
process start is the slow part of the debug VM).

With --batch FILE, one python start for many comparisons: each line of
FILE is "EXPECT<TAB>WHAT<TAB>OPTIONS" (OPTIONS shell-quoted, the other two
ignored here); for each line it prints "ANSWERS<TAB>PROBLEM", the answers
of the kinds separated by spaces, and what differed in the devices of the
init namespace and of the --snapshot-netns namespaces between before and
after the requests (every accepted request's device deleted), if anything.

  nl.py --kind veth_rs --name a0 --peer-name b0 --peer-mtu 67
  nl.py --kind veth,veth_rs --name a0 --mtu 67
  nl.py --kind veth,veth_rs --snapshot-netns /run/netns/ns1 --batch cases
"""
import argparse
import errno
import os
import shlex
import socket
import struct
import sys

from fuzz import Netlink, ack_errno

RTM_NEWLINK, RTM_DELLINK = 16, 17
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 1, 4, 0x200, 0x400
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINKINFO = 1, 3, 4, 18
IFLA_NET_NS_PID, IFLA_NET_NS_FD = 19, 28
IFLA_NUM_TX_QUEUES, IFLA_NUM_RX_QUEUES = 31, 32
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
VETH_INFO_PEER = 1


def attr(kind, payload):
    """One netlink attribute, padded to 4 bytes."""
    hdr = struct.pack("=HH", 4 + len(payload), kind)
    pad = b"\0" * (-len(payload) % 4)
    return hdr + payload + pad


def ifinfomsg(index=0):
    return struct.pack("=BBHiII", 0, 0, 0, index, 0, 0)


def link_attrs(name, name_raw, mtu, mtu_raw, address, ns_pid, ns_fd, txq, rxq):
    out = b""
    if name_raw is not None:
        out += attr(IFLA_IFNAME, name_raw.encode())
    elif name is not None:
        out += attr(IFLA_IFNAME, name.encode() + b"\0")
    if mtu is not None:
        out += attr(IFLA_MTU, struct.pack("=I", mtu & 0xFFFFFFFF))
    if mtu_raw is not None:
        out += attr(IFLA_MTU, bytes.fromhex(mtu_raw))
    if address is not None:
        out += attr(IFLA_ADDRESS, bytes.fromhex(address.replace(":", "")))
    if ns_pid is not None:
        out += attr(IFLA_NET_NS_PID, struct.pack("=I", ns_pid))
    if ns_fd is not None:
        out += attr(IFLA_NET_NS_FD, struct.pack("=i", ns_fd))
    if txq is not None:
        out += attr(IFLA_NUM_TX_QUEUES, struct.pack("=I", txq))
    if rxq is not None:
        out += attr(IFLA_NUM_RX_QUEUES, struct.pack("=I", rxq))
    return out


def open_netns(path):
    return os.open(path, os.O_RDONLY) if path else None


def build(a, kind):
    body = ifinfomsg()
    body += link_attrs(a.name, a.name_raw, a.mtu, a.mtu_raw, a.address, None,
                       open_netns(a.netns), a.numtxqueues, a.numrxqueues)
    info = attr(IFLA_INFO_KIND, kind.encode() + b"\0")
    if a.peer_raw is not None:
        info += attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, bytes.fromhex(a.peer_raw)))
    elif a.peer:
        peer_fd = open_netns(a.peer_netns)
        if a.peer_netns_fd is not None:
            peer_fd = a.peer_netns_fd
        peer = ifinfomsg(a.peer_index) + link_attrs(
            a.peer_name, a.peer_name_raw, a.peer_mtu, a.peer_mtu_raw,
            a.peer_address, a.peer_netns_pid, peer_fd, None, None)
        info += attr(IFLA_INFO_DATA, attr(VETH_INFO_PEER, peer))
    body += attr(IFLA_LINKINFO, info)
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, 1, 0) + body


def delete(name):
    """RTM_DELLINK by name in this namespace; returns the errno (0: done)."""
    body = ifinfomsg() + attr(IFLA_IFNAME, name.encode() + b"\0")
    flags = NLM_F_REQUEST | NLM_F_ACK
    return talk(struct.pack("=IHHII", 16 + len(body), RTM_DELLINK, flags, 2, 0) + body)


def netlink_in(netns=None):
    """A netlink socket (tests/fuzz.py's, for its dump of the links) of this
    namespace, or of the one at path netns (a socket stays in the
    namespace it was made in)."""
    if not netns:
        return Netlink(timeout=30)
    own = os.open("/proc/self/ns/net", os.O_RDONLY)
    other = os.open(netns, os.O_RDONLY)
    try:
        os.setns(other, os.CLONE_NEWNET)
        try:
            return Netlink(timeout=30)
        finally:
            os.setns(own, os.CLONE_NEWNET)
    finally:
        os.close(other)
        os.close(own)


def errname(err):
    return "OK" if err == 0 else errno.errorcode.get(err, str(err))


def talk(msg):
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.bind((0, 0))
    s.send(msg)
    while True:
        err = ack_errno(s.recv(65536))
        if err is not None:
            return err


def parser():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--kind", required=True)
    p.add_argument("--batch", help="file of requests, one a line (see above)")
    p.add_argument("--snapshot-netns", action="append", default=[],
                   help="with --batch: a namespace whose devices are compared too")
    p.add_argument("--name")
    p.add_argument("--name-raw", help="IFLA_IFNAME bytes as given, no NUL added")
    p.add_argument("--mtu", type=int)
    p.add_argument("--mtu-raw", help="IFLA_MTU payload in hex")
    p.add_argument("--address")
    p.add_argument("--netns", help="path of the netns the device goes to")
    p.add_argument("--numtxqueues", type=int)
    p.add_argument("--numrxqueues", type=int)
    p.add_argument("--peer", action="store_true", help="send VETH_INFO_PEER")
    p.add_argument("--peer-name")
    p.add_argument("--peer-name-raw")
    p.add_argument("--peer-index", type=int, default=0)
    p.add_argument("--peer-mtu", type=int)
    p.add_argument("--peer-mtu-raw")
    p.add_argument("--peer-address")
    p.add_argument("--peer-netns", help="path of the peer's netns")
    p.add_argument("--peer-netns-pid", type=int)
    p.add_argument("--peer-netns-fd", type=int)
    p.add_argument("--peer-raw", help="VETH_INFO_PEER payload in hex")
    return p


def parse(p, argv):
    a = p.parse_args(argv)
    if any(v is not None for k, v in vars(a).items()
           if k.startswith("peer_") and k != "peer_index"):
        a.peer = True
    return a


def send(a, delete_last):
    """The request to each kind in turn; a device an accepted request made
    (--name, no --netns) is deleted before the next kind's turn, and after
    the last one's if delete_last. Returns (answers, problems)."""
    kinds = a.kind.split(",")
    answers, problems = [], []
    for i, kind in enumerate(kinds):
        err = talk(build(a, kind))
        answers.append(errname(err))
        if err == 0 and (delete_last or i + 1 < len(kinds)) and a.name and not a.netns:
            derr = delete(a.name)
            if derr:
                problems.append(f"deleting {a.name} ({kind}): {errname(derr)}")
    return answers, problems


def batch(p, top):
    """The --batch mode (see above)."""
    socks = [("", netlink_in())]
    socks += [(path.rsplit("/", 1)[-1] + ": ", netlink_in(path))
              for path in top.snapshot_netns]

    def snapshot():
        return [label + name for label, nl in socks for _, name in nl.links()]

    with open(top.batch) as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    for line in lines:
        a = parse(p, ["--kind", top.kind] + shlex.split(line.split("\t", 2)[2]))
        before = snapshot()
        answers, problems = send(a, delete_last=True)
        after = snapshot()
        if after != before:
            gone = [n for n in before if n not in after]
            new = [n for n in after if n not in before]
            problems.append(f"devices left: {' '.join(new) or '-'}; gone: {' '.join(gone) or '-'}")
        print(" ".join(answers) + "\t" + "; ".join(problems), flush=True)
    return 0


def main():
    p = parser()
    a = parse(p, sys.argv[1:])
    if a.batch:
        return batch(p, a)
    answers, problems = send(a, delete_last=False)
    if problems:
        print("nl.py: " + "; ".join(problems), file=sys.stderr)
        return 1
    print(" ".join(answers))
    return 0


if __name__ == "__main__":
    sys.exit(main())
