#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""AF_XDP receiver for tests/xdp.sh: counts the frames an XDP program
redirects into an AF_XDP socket (copy mode) bound to one queue of a device.

  xsk.py --dev IFNAME --map PINNED_XSKMAP [--queue Q] [--expect N]
         [--marker TEXT] [--timeout S]

Makes a UMEM of 64 frames, the fill and RX rings, binds to IFNAME queue Q
in copy mode (XDP_COPY), puts the socket into the pinned XSKMAP at key Q,
prints "ready" and then receives until N frames carrying MARKER arrived or
S seconds passed. Prints "xsk-result frames=F marked=M" and exits 0 when
M >= N. Only the standard library: the socket, rings and bpf() calls are
made by hand (x86-64 numbers and layouts of the 7.3 uapi headers).
"""
import argparse
import ctypes
import mmap
import os
import select
import socket
import struct
import sys
import time

AF_XDP = 44
SOL_XDP = 283
XDP_MMAP_OFFSETS, XDP_RX_RING, XDP_UMEM_REG = 1, 2, 4
XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING = 5, 6
XDP_COPY = 1 << 1
XDP_PGOFF_RX_RING = 0
XDP_UMEM_PGOFF_FILL_RING = 0x100000000
SYS_BPF = 321
BPF_MAP_UPDATE_ELEM, BPF_OBJ_GET = 2, 7

FRAMES, FRAME_SIZE, RING = 64, 4096, 64

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(attr, 128)
    ret = libc.syscall(SYS_BPF, cmd, buf, ctypes.c_uint(128))
    if ret < 0:
        e = ctypes.get_errno()
        raise OSError(e, f"bpf({cmd}): {os.strerror(e)}")
    return ret


def xskmap_set(path, key, fd):
    """Puts socket fd at key of the XSKMAP pinned at path."""
    name = ctypes.create_string_buffer(path.encode())
    map_fd = bpf(BPF_OBJ_GET, struct.pack("=QII", ctypes.addressof(name), 0, 0))
    k = ctypes.c_uint32(key)
    v = ctypes.c_uint32(fd)
    bpf(BPF_MAP_UPDATE_ELEM, struct.pack("=IIQQQ", map_fd, 0, ctypes.addressof(k),
                                         ctypes.addressof(v), 0))
    os.close(map_fd)


class Ring:
    """A producer/consumer ring mapped from the socket."""

    def __init__(self, fd, off, pgoff, entry):
        prod, cons, desc, _flags = off
        self.m = mmap.mmap(fd, desc + RING * entry, mmap.MAP_SHARED,
                           mmap.PROT_READ | mmap.PROT_WRITE, offset=pgoff)
        self.prod, self.cons, self.desc, self.entry = prod, cons, desc, entry

    def get(self, field):
        return struct.unpack_from("=I", self.m, field)[0]

    def put(self, field, v):
        struct.pack_into("=I", self.m, field, v & 0xFFFFFFFF)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--dev", required=True)
    p.add_argument("--map", required=True, help="pinned XSKMAP path")
    p.add_argument("--queue", type=int, default=0)
    p.add_argument("--expect", type=int, default=1)
    p.add_argument("--marker", default="veth_rs-xsk")
    p.add_argument("--timeout", type=float, default=30)
    a = p.parse_args()

    s = socket.socket(AF_XDP, socket.SOCK_RAW, 0)
    fd = s.fileno()
    umem = mmap.mmap(-1, FRAMES * FRAME_SIZE, mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    addr = ctypes.addressof(ctypes.c_char.from_buffer(umem))
    # struct xdp_umem_reg: addr, len, chunk_size, headroom, flags, tx_metadata_len
    s.setsockopt(SOL_XDP, XDP_UMEM_REG,
                 struct.pack("=QQIIII", addr, len(umem), FRAME_SIZE, 0, 0, 0))
    for opt in (XDP_UMEM_FILL_RING, XDP_UMEM_COMPLETION_RING, XDP_RX_RING):
        s.setsockopt(SOL_XDP, opt, struct.pack("=I", RING))
    offs = struct.unpack("=16Q", s.getsockopt(SOL_XDP, XDP_MMAP_OFFSETS, 128))
    rx_off, fill_off = offs[0:4], offs[8:12]
    rx = Ring(fd, rx_off, XDP_PGOFF_RX_RING, 16)
    fill = Ring(fd, fill_off, XDP_UMEM_PGOFF_FILL_RING, 8)

    # All frames to the kernel through the fill ring.
    for i in range(RING):
        struct.pack_into("=Q", fill.m, fill.desc + i * 8, i * FRAME_SIZE)
    fill.put(fill.prod, RING)

    ifindex = socket.if_nametoindex(a.dev)
    # struct sockaddr_xdp: family, flags, ifindex, queue_id, shared_umem_fd
    sa = ctypes.create_string_buffer(struct.pack("=HHIII", AF_XDP, XDP_COPY, ifindex,
                                                 a.queue, 0))
    if libc.bind(fd, sa, ctypes.c_uint(len(sa.raw))) != 0:
        e = ctypes.get_errno()
        print(f"xsk: bind to {a.dev} queue {a.queue}: {os.strerror(e)}", file=sys.stderr)
        return 2
    xskmap_set(a.map, a.queue, fd)
    print("ready", flush=True)

    marker = a.marker.encode()
    frames = marked = 0
    deadline = time.monotonic() + a.timeout
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    while marked < a.expect and time.monotonic() < deadline:
        poller.poll(200)
        prod, cons = rx.get(rx.prod), rx.get(rx.cons)
        n = (prod - cons) & 0xFFFFFFFF
        for j in range(n):
            off = rx.desc + ((cons + j) % RING) * 16
            daddr, dlen, _opts = struct.unpack_from("=QII", rx.m, off)
            frames += 1
            if marker in umem[daddr:daddr + dlen]:
                marked += 1
            # The frame goes back to the kernel.
            fp = fill.get(fill.prod)
            struct.pack_into("=Q", fill.m, fill.desc + (fp % RING) * 8,
                             daddr - daddr % FRAME_SIZE)
            fill.put(fill.prod, fp + 1)
        rx.put(rx.cons, cons + n)
    print(f"xsk-result frames={frames} marked={marked}", flush=True)
    return 0 if marked >= a.expect else 1


if __name__ == "__main__":
    sys.exit(main())
