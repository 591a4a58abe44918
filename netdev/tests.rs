// SPDX-License-Identifier: GPL-2.0

//! KUnit suites of the layer, run when veth_rs.ko loads (built only with
//! `CONFIG_KUNIT=y`, into veth_rs.ko only: see `Kbuild`).
//!
//! - `veth_rs_skbf`: the Rust skb accessors of `skbf.rs` against the C
//!   inline helpers they replace (`bindings/kunit_helpers.c`), on linear,
//!   paged and cloned skbs built with the kernel's own allocators.
//! - `veth_rs_netlink`: attribute access and the parsing of a peer
//!   description (`netlink.rs`) on crafted buffers: nested, truncated,
//!   wrong lengths.
//! - `veth_rs_ring`: ring entries (`ring.rs`): the tag of `OneOf`, and
//!   skbs through a real `ptr_ring` and its cleanup.
//! - `veth_rs_names`: kind names and device names (`rtnl.rs`).
//! - `veth_rs_stats`: the arithmetic of [`Stats64`] and its layout as the
//!   C `struct rtnl_link_stats64` that `ndo_get_stats64` passes.
//! - `veth_rs_doctests`: the `# Examples` of the layer's doc comments,
//!   made into cases by `scripts/doctests_gen.py` at build time.
//!
//! [`Stats64`]: super::Stats64

mod doctests_gen {
    include!("doctests_generated.rs");
}

/// An skb made by the suite, freed (`consume_skb`) on drop.
struct TestSkb(*mut super::bindings::sk_buff);

impl TestSkb {
    /// `alloc_skb(size, GFP_KERNEL)`, then `skb_reserve(headroom)`.
    fn alloc(size: u32, headroom: i32) -> kernel::error::Result<Self> {
        use super::bindings;
        // SAFETY: No preconditions (process context, may sleep: KUnit
        // runs its cases in a kthread).
        let skb = unsafe { bindings::veth_rs_kunit_alloc_skb(size) };
        if skb.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        // SAFETY: `skb` is a new linear skb of at least `size` bytes of
        // room; the callers reserve less than that.
        unsafe { bindings::veth_rs_kunit_skb_reserve(skb, headroom) };
        Ok(Self(skb))
    }

    /// `skb_put(len)`: the linear part grows by `len` bytes (zeroed here).
    fn put(&self, len: u32) {
        use super::bindings;
        // SAFETY: `self.0` is a valid skb owned by `self`; the callers stay
        // within the room it was allocated with (skb_put BUGs otherwise).
        let p = unsafe { bindings::skb_put(self.0, len) };
        // SAFETY: `skb_put` returned the start of `len` bytes of the buffer.
        unsafe { core::ptr::write_bytes(p.cast::<u8>(), 0, len as usize) };
    }

    /// `skb_add_rx_frag` of a new page holding `size` bytes from `off`.
    fn add_frag(&self, i: i32, off: i32, size: i32) -> kernel::error::Result {
        use super::bindings;
        // SAFETY: No preconditions.
        let page = unsafe { bindings::veth_rs_kunit_alloc_page() };
        if page.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        // SAFETY: `self.0` is a valid skb with `i` fragments; the page's
        // reference passes to it (put when the skb is freed).
        unsafe {
            bindings::veth_rs_kunit_skb_add_rx_frag(
                self.0,
                i,
                page,
                off,
                size,
                kernel::page::PAGE_SIZE as u32,
            )
        };
        Ok(())
    }

    /// `skb_clone(skb, GFP_KERNEL)`.
    fn clone(&self) -> kernel::error::Result<Self> {
        use super::bindings;
        // SAFETY: `self.0` is a valid skb.
        let c = unsafe { bindings::skb_clone(self.0, kernel::bindings::GFP_KERNEL) };
        if c.is_null() {
            return Err(kernel::error::code::ENOMEM);
        }
        Ok(Self(c))
    }
}

impl Drop for TestSkb {
    fn drop(&mut self) {
        // SAFETY: `self` owns one reference to the skb.
        unsafe { super::bindings::consume_skb(self.0) };
    }
}

#[kernel::macros::kunit_tests(veth_rs_skbf)]
mod skbf_tests {
    use super::super::{
        bindings,
        skbf, //
    };
    use super::TestSkb;
    use kernel::prelude::*;

    // The first case comes before the helpers below, so that their
    // `assert!`s are KUnit's (the macro defines those before each case).
    #[test]
    fn shinfo_size_as_c() {
        // SAFETY: No preconditions.
        assert_eq!(skbf::SHINFO_SIZE, unsafe {
            bindings::veth_rs_skb_shinfo_size()
        });
    }

    /// The Rust accessors of `skb` and the C helpers give the same results.
    fn check_same(skb: &TestSkb) {
        let p = skb.0;
        // SAFETY: `p` is a valid skb owned by the caller's `TestSkb`; the
        // accessors only read it.
        unsafe {
            assert_eq!(skbf::headroom(p), bindings::veth_rs_kunit_skb_headroom(p));
            assert_eq!(skbf::headlen(p), bindings::veth_rs_kunit_skb_headlen(p));
            assert_eq!(
                skbf::is_nonlinear(p),
                bindings::veth_rs_kunit_skb_is_nonlinear(p)
            );
            assert_eq!(
                skbf::end_offset(p),
                bindings::veth_rs_kunit_skb_end_offset(p)
            );
            assert_eq!(skbf::nr_frags(p), bindings::veth_rs_kunit_skb_nr_frags(p));
            assert_eq!(skbf::shared(p), bindings::veth_rs_kunit_skb_shared(p));
        }
    }

    /// Resets the MAC header with the Rust accessor, then with the C one on
    /// the same skb; both set the same field value and give the same
    /// offset, also after the data was pulled past the header.
    fn check_mac(skb: &TestSkb) {
        let p = skb.0;
        // SAFETY: `p` is a valid skb that the caller owns alone (not
        // shared), so it may be written; pulling 14 bytes stays within its
        // linear part (the callers put more).
        unsafe {
            skbf::reset_mac_header(p);
            let rust = bindings::veth_rs_kunit_skb_mac_header_field(p);
            bindings::veth_rs_kunit_skb_reset_mac_header(p);
            assert_eq!(rust, bindings::veth_rs_kunit_skb_mac_header_field(p));
            assert_eq!(u32::from(rust), skbf::headroom(p));
            assert_eq!(skbf::mac_offset(p), 0);
            assert_eq!(
                skbf::mac_offset(p),
                bindings::veth_rs_kunit_skb_mac_offset(p)
            );
            bindings::veth_rs_skb_pull(p, 14);
            assert_eq!(skbf::mac_offset(p), -14);
            assert_eq!(
                skbf::mac_offset(p),
                bindings::veth_rs_kunit_skb_mac_offset(p)
            );
        }
    }

    #[test]
    fn linear() -> Result {
        let skb = TestSkb::alloc(256, 64)?;
        check_same(&skb);
        skb.put(100);
        check_same(&skb);
        // SAFETY: `skb.0` is a valid skb.
        unsafe {
            assert_eq!(skbf::headroom(skb.0), 64);
            assert_eq!(skbf::headlen(skb.0), 100);
            assert!(!skbf::is_nonlinear(skb.0));
            assert_eq!(skbf::nr_frags(skb.0), 0);
            assert!(!skbf::shared(skb.0));
        }
        check_mac(&skb);
        check_same(&skb);
        Ok(())
    }

    #[test]
    fn protocol_as_c() -> Result {
        let skb = TestSkb::alloc(128, 0)?;
        for proto in [0x0008u16, 0xdd86, 0] {
            // SAFETY: `skb.0` is a valid skb the test owns alone.
            unsafe {
                skbf::set_protocol(skb.0, proto);
                assert_eq!(bindings::veth_rs_kunit_skb_protocol(skb.0), proto);
            }
        }
        Ok(())
    }

    #[test]
    fn paged() -> Result {
        let skb = TestSkb::alloc(128, 32)?;
        skb.put(40);
        skb.add_frag(0, 0, 1000)?;
        skb.add_frag(1, 100, 500)?;
        check_same(&skb);
        // SAFETY: `skb.0` is a valid skb.
        unsafe {
            assert!(skbf::is_nonlinear(skb.0));
            assert_eq!(skbf::headlen(skb.0), 40);
            assert_eq!((*skb.0).len, 1540);
            assert_eq!(skbf::nr_frags(skb.0), 2);
            assert_eq!(skbf::headroom(skb.0), 32);
        }
        check_mac(&skb);
        check_same(&skb);
        Ok(())
    }

    #[test]
    fn cloned() -> Result {
        let skb = TestSkb::alloc(256, 64)?;
        skb.put(60);
        skb.add_frag(0, 0, 300)?;
        let clone = skb.clone()?;
        check_same(&skb);
        check_same(&clone);
        // SAFETY: Both are valid skbs, sharing one buffer and shared info.
        unsafe {
            assert_eq!(skbf::headroom(clone.0), skbf::headroom(skb.0));
            assert_eq!(skbf::headlen(clone.0), 60);
            assert_eq!(skbf::end_offset(clone.0), skbf::end_offset(skb.0));
            assert_eq!(skbf::nr_frags(clone.0), 1);
            // A clone is another `sk_buff`: neither is shared.
            assert!(!skbf::shared(skb.0));
            assert!(!skbf::shared(clone.0));
        }
        // A second reference to the clone makes it shared.
        // SAFETY: `clone.0` is valid; the reference taken is put below.
        let again = TestSkb(unsafe { bindings::veth_rs_kunit_skb_get(clone.0) });
        check_same(&clone);
        // SAFETY: `clone.0` is valid.
        assert!(unsafe { skbf::shared(clone.0) });
        drop(again);
        check_same(&clone);
        // SAFETY: `clone.0` is valid.
        assert!(unsafe { !skbf::shared(clone.0) });
        Ok(())
    }
}

/// A netlink message buffer built by hand, 4-byte aligned as netlink
/// attributes are.
#[repr(C, align(4))]
struct NlBuf {
    b: [u8; 256],
    len: usize,
}

impl NlBuf {
    fn new() -> Self {
        Self {
            b: [0; 256],
            len: 0,
        }
    }

    /// Appends the attribute header of type `ty` with length field `len`,
    /// returning its offset.
    fn header(&mut self, ty: u16, len: u16) -> usize {
        let at = self.len;
        self.b[at..at + 2].copy_from_slice(&len.to_ne_bytes());
        self.b[at + 2..at + 4].copy_from_slice(&ty.to_ne_bytes());
        self.len += 4;
        at
    }

    /// Appends raw bytes, then pads to 4 bytes (`NLA_ALIGN`).
    fn bytes(&mut self, data: &[u8]) {
        self.b[self.len..self.len + data.len()].copy_from_slice(data);
        self.len = (self.len + data.len() + 3) & !3;
    }

    /// Appends an attribute of type `ty` holding `data`.
    fn attr(&mut self, ty: usize, data: &[u8]) -> usize {
        let at = self.header(ty as u16, (4 + data.len()) as u16);
        self.bytes(data);
        at
    }

    /// Starts a nested attribute; [`NlBuf::nest_end`] sets its length.
    fn nest_start(&mut self, ty: usize) -> usize {
        self.header(ty as u16, 0)
    }

    fn nest_end(&mut self, at: usize) {
        let len = (self.len - at) as u16;
        self.b[at..at + 2].copy_from_slice(&len.to_ne_bytes());
    }

    /// Appends a `struct ifinfomsg` asking for interface index `index`.
    fn ifinfomsg(&mut self, index: i32) {
        let mut m = [0u8; super::IFINFOMSG_LEN as usize];
        m[4..8].copy_from_slice(&index.to_ne_bytes());
        self.bytes(&m);
    }

    /// The attribute at offset `at`.
    fn at(&self, at: usize) -> &super::Attr {
        assert!(at % 4 == 0 && at + 4 <= self.b.len());
        // The suites only build attributes whose length fields stay within
        // `b` (a truncated one claims more than its parent holds, never
        // more than the buffer).
        // SAFETY: `at` is 4-byte aligned within the 4-byte aligned buffer and
        // leaves room for a header; `Attr` wraps `struct nlattr` transparently.
        unsafe { &*self.b.as_ptr().add(at).cast::<super::Attr>() }
    }
}

#[kernel::macros::kunit_tests(veth_rs_netlink)]
mod netlink_tests {
    use super::super::{
        ifla,
        DevName,
        ExtAck,
        PeerAttrs,
        PeerTable,
        IFINFOMSG_LEN, //
    };
    use super::NlBuf;
    use core::ptr;
    use kernel::{
        error::code::ERANGE,
        prelude::*, //
    };

    fn no_ack() -> ExtAck {
        // SAFETY: A null extended ack is allowed (the request has none).
        unsafe { ExtAck::from_raw(ptr::null_mut()) }
    }

    /// The errno of a parse (0 on success).
    fn errno(r: &Result<PeerAttrs<'_>>) -> i32 {
        r.as_ref().err().map_or(0, |e| e.to_errno())
    }

    #[test]
    fn attr_payload() {
        let mut b = NlBuf::new();
        let mtu = b.attr(ifla::MTU, &1500u32.to_ne_bytes());
        let short = b.attr(ifla::MTU, &[1, 2]);
        let empty = b.attr(ifla::MTU, &[]);
        let bad = b.header(ifla::MTU as u16, 3);
        assert_eq!(b.at(mtu).data().len(), 4);
        assert_eq!(b.at(mtu).as_u32(), Some(1500));
        assert_eq!(b.at(short).data(), &[1u8, 2][..]);
        assert_eq!(b.at(short).as_u32(), None);
        assert_eq!(b.at(empty).data().len(), 0);
        // A length below the header's: no payload, not a huge one.
        assert_eq!(b.at(bad).data().len(), 0);
        assert_eq!(b.at(bad).as_u32(), None);
    }

    /// A peer attribute nested in an outer one, with an ifinfomsg and
    /// three IFLA attributes, as `ip link add ... peer name p0 mtu 9000`
    /// sends it.
    #[test]
    fn peer_nested() -> Result {
        let mut b = NlBuf::new();
        let outer = b.nest_start(1);
        let peer = b.nest_start(1);
        b.ifinfomsg(7);
        b.attr(ifla::IFNAME, b"p0\0");
        b.attr(ifla::MTU, &9000u32.to_ne_bytes());
        b.attr(ifla::NUM_TX_QUEUES, &3u32.to_ne_bytes());
        b.nest_end(peer);
        b.nest_end(outer);
        let ack = no_ack();
        // The outer attribute's payload is the peer attribute, whose
        // payload is the rest.
        assert_eq!(b.at(outer).data().len(), b.len - 4);
        assert_eq!(b.at(peer).data().len(), b.len - 8);
        let mut t = PeerTable::new();
        let p = PeerAttrs::parse(b.at(peer), &ack, &mut t)?;
        assert_eq!(p.ifinfo().index(), 7);
        let tb = p.attrs();
        assert_eq!(tb.get(ifla::MTU).and_then(|a| a.as_u32()), Some(9000));
        assert_eq!(
            tb.get(ifla::NUM_TX_QUEUES).and_then(|a| a.as_u32()),
            Some(3)
        );
        assert!(tb.get(ifla::ADDRESS).is_none());
        assert!(tb.get(ifla::MAX + 1).is_none());
        let name = tb.get(ifla::IFNAME).map(DevName::from_attr);
        assert!(name.is_some_and(|n| n.bytes()[..3] == *b"p0\0"));
        Ok(())
    }

    #[test]
    fn peer_only_ifinfomsg() -> Result {
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(0);
        b.nest_end(peer);
        let mut t = PeerTable::new();
        let p = PeerAttrs::parse(b.at(peer), &no_ack(), &mut t)?;
        assert_eq!(p.ifinfo().index(), 0);
        for i in 0..=ifla::MAX {
            assert!(p.attrs().get(i).is_none());
        }
        Ok(())
    }

    #[test]
    fn peer_too_short() {
        for len in [0usize, 4, IFINFOMSG_LEN as usize - 1] {
            let mut b = NlBuf::new();
            let peer = b.nest_start(1);
            b.bytes(&[0u8; 16][..len]);
            // The length says exactly what the payload holds (unpadded).
            let l = (4 + len) as u16;
            b.b[peer..peer + 2].copy_from_slice(&l.to_ne_bytes());
            let mut t = PeerTable::new();
            let r = PeerAttrs::parse(b.at(peer), &no_ack(), &mut t);
            assert_eq!(errno(&r), EINVAL.to_errno());
        }
    }

    #[test]
    fn peer_negative_ifindex() {
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(-1);
        b.nest_end(peer);
        let mut t = PeerTable::new();
        let r = PeerAttrs::parse(b.at(peer), &no_ack(), &mut t);
        assert_eq!(errno(&r), EINVAL.to_errno());
    }

    /// The last nested attribute claims more than the peer holds: the
    /// parse stops there (the core warns of leftover bytes), the
    /// attributes before it stand.
    #[test]
    fn peer_truncated() -> Result {
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(0);
        b.attr(ifla::MTU, &1400u32.to_ne_bytes());
        b.header(ifla::IFNAME as u16, 40);
        b.bytes(b"abc\0");
        b.nest_end(peer);
        let mut t = PeerTable::new();
        let p = PeerAttrs::parse(b.at(peer), &no_ack(), &mut t)?;
        assert_eq!(
            p.attrs().get(ifla::MTU).and_then(|a| a.as_u32()),
            Some(1400)
        );
        assert!(p.attrs().get(ifla::IFNAME).is_none());
        Ok(())
    }

    /// Attributes of the wrong length for their policy (`ifla_policy`).
    #[test]
    fn peer_wrong_lengths() {
        let erange = ERANGE.to_errno();
        // A u32 of two bytes.
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(0);
        b.attr(ifla::MTU, &[0xdc, 0x05]);
        b.nest_end(peer);
        let mut t = PeerTable::new();
        assert_eq!(
            errno(&PeerAttrs::parse(b.at(peer), &no_ack(), &mut t)),
            erange
        );
        // A name of IFNAMSIZ characters (no room for its NUL).
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(0);
        b.attr(ifla::IFNAME, b"abcdefghijklmnop\0");
        b.nest_end(peer);
        let mut t = PeerTable::new();
        assert_eq!(
            errno(&PeerAttrs::parse(b.at(peer), &no_ack(), &mut t)),
            erange
        );
        // A u32 of eight bytes: the deprecated (liberal) parse that
        // rtnetlink uses warns and accepts it; the first four count.
        let mut b = NlBuf::new();
        let peer = b.nest_start(1);
        b.ifinfomsg(0);
        b.attr(ifla::MTU, &[0xdc, 0x05, 0, 0, 1, 1, 1, 1]);
        b.nest_end(peer);
        let mut t = PeerTable::new();
        let r = PeerAttrs::parse(b.at(peer), &no_ack(), &mut t);
        assert_eq!(errno(&r), 0);
        if let Ok(p) = r {
            assert_eq!(
                p.attrs().get(ifla::MTU).and_then(|a| a.as_u32()),
                Some(1500)
            );
        }
    }
}

#[kernel::macros::kunit_tests(veth_rs_ring)]
mod ring_tests {
    use super::super::{
        bindings,
        ring,
        OneOf,
        RingEntry,
        RxSkBuff, //
    };
    use super::TestSkb;
    use core::ptr::NonNull;
    use kernel::{
        ffi::c_void,
        prelude::*,
        types::Opaque, //
    };

    /// Two skbs told apart by the tag bit.
    type Two = OneOf<RxSkBuff, RxSkBuff>;

    /// A new skb as the ring's kind of skb, and its address.
    fn rx_skb() -> Result<(RxSkBuff, usize)> {
        let t = TestSkb::alloc(128, 16)?;
        let raw = t.0;
        core::mem::forget(t);
        // SAFETY: `raw` is a valid skb whose only reference we give away
        // (no header pulled: the suite never pushes one back).
        let skb = unsafe { RxSkBuff::from_raw(NonNull::new_unchecked(raw)) };
        Ok((skb, raw as usize))
    }

    /// The first kind's entry is its pointer, the second's has bit 0 set;
    /// each comes back as the kind and object it was.
    #[test]
    fn tags() -> Result {
        let (a, a_addr) = rx_skb()?;
        let (b, b_addr) = rx_skb()?;
        let pa = Two::First(a).into_ptr();
        let pb = Two::Second(b).into_ptr();
        assert_eq!(pa.as_ptr() as usize, a_addr);
        assert_eq!(pb.as_ptr() as usize, b_addr | 1);
        // SAFETY: Entries made just above, each taken back once.
        let (a, b) = unsafe { (Two::from_ptr(pa), Two::from_ptr(pb)) };
        assert!(matches!(a, OneOf::First(_)));
        assert!(matches!(b, OneOf::Second(_)));
        for (item, addr) in [(a, a_addr), (b, b_addr)] {
            let (OneOf::First(s) | OneOf::Second(s)) = item;
            assert_eq!(s.into_ptr().as_ptr() as usize, addr);
            // SAFETY: Given up just above; freed here.
            drop(unsafe { RxSkBuff::from_ptr(NonNull::new_unchecked(addr as *mut c_void)) });
        }
        Ok(())
    }

    /// Through a real `ptr_ring`: entries come out in order and of their
    /// kind, and the cleanup frees what is left (kmemleak would report an
    /// skb it missed at the end of the VM).
    #[test]
    fn through_ptr_ring() -> Result {
        let r = Opaque::<bindings::ptr_ring>::uninit();
        // SAFETY: `r` is ours, not initialised yet.
        kernel::error::to_result(unsafe { bindings::veth_rs_ptr_ring_init(r.get(), 4) })?;
        let mut addrs = [0usize; 3];
        for (i, slot) in addrs.iter_mut().enumerate() {
            let (skb, addr) = rx_skb()?;
            *slot = addr;
            let item = if i == 1 {
                Two::Second(skb)
            } else {
                Two::First(skb)
            };
            // With BHs off, as the transmit path produces (the producer
            // lock's lockdep class is shared with every ring's).
            // SAFETY: The ring is initialised; its entries are `Two`s.
            let err = unsafe {
                bindings::veth_rs_kunit_ptr_ring_produce_bh(r.get(), item.into_ptr().as_ptr())
            };
            assert_eq!(err, 0);
        }
        // SAFETY: As above; we are the only consumer.
        let p = unsafe { bindings::veth_rs_ptr_ring_consume(r.get()) };
        // SAFETY: An entry of a ring of `Two`s, now ours.
        let first = unsafe { Two::from_ptr(NonNull::new(p).ok_or(EINVAL)?) };
        match first {
            OneOf::First(s) => {
                let p = s.into_ptr();
                assert_eq!(p.as_ptr() as usize, addrs[0]);
                // SAFETY: Given up just above.
                drop(unsafe { RxSkBuff::from_ptr(p) });
            }
            OneOf::Second(_) => panic!("the first entry came back as the second kind"),
        }
        // Two entries left, one of each kind: freed by the cleanup.
        // SAFETY: Initialised above, used by nobody else; its entries are
        // `Two`s.
        unsafe { bindings::veth_rs_ptr_ring_cleanup(r.get(), Some(ring::free_entry::<Two>)) };
        Ok(())
    }
}

#[kernel::macros::kunit_tests(veth_rs_names)]
mod names_tests {
    use super::super::{
        DevName,
        Kind,
        IFNAMSIZ, //
    };
    use super::NlBuf;
    use kernel::prelude::*;

    #[test]
    fn kind_lengths() {
        assert!(Kind::new(b"").is_err());
        assert!(Kind::new(b"veth_rs").is_ok());
        assert!(Kind::new(&[b'k'; IFNAMSIZ - 1]).is_ok());
        assert!(Kind::new(&[b'k'; IFNAMSIZ]).is_err());
        assert!(Kind::new(b"ve\0th").is_err());
    }

    #[test]
    fn kind_nul_terminated() -> Result {
        let k = Kind::new(&[b'k'; IFNAMSIZ - 1])?;
        assert_eq!(k.bytes()[IFNAMSIZ - 1], 0);
        let k = Kind::new(b"veth")?;
        assert_eq!(&k.bytes()[..5], b"veth\0");
        Ok(())
    }

    #[test]
    fn name_pattern() {
        let n = DevName::pattern(b"veth_rs");
        assert_eq!(&n.bytes()[..10], b"veth_rs%d\0");
        // A long prefix is cut so that "%d" and the NUL fit.
        let n = DevName::pattern(&[b'p'; 20]);
        assert_eq!(&n.bytes()[IFNAMSIZ - 3..], b"%d\0");
        assert_eq!(n.bytes()[IFNAMSIZ - 4], b'p');
        let n = DevName::pattern(b"");
        assert_eq!(&n.bytes()[..3], b"%d\0");
    }

    #[test]
    fn name_from_attr() {
        let mut b = NlBuf::new();
        let short = b.attr(3, b"vr0\0");
        let long = b.attr(3, b"abcdefghijklmnopqrst\0");
        let unterminated = b.attr(3, b"xyz");
        let n = DevName::from_attr(b.at(short));
        assert_eq!(&n.bytes()[..4], b"vr0\0");
        // nla_strscpy truncates to IFNAMSIZ - 1 characters and a NUL.
        let n = DevName::from_attr(b.at(long));
        assert_eq!(&n.bytes()[..], b"abcdefghijklmno\0");
        let n = DevName::from_attr(b.at(unterminated));
        assert_eq!(&n.bytes()[..4], b"xyz\0");
    }
}

/// A driver for the per-CPU stats case: only its type is used.
struct KunitDrv;

#[kernel::macros::vtable]
impl super::Driver for KunitDrv {
    type Priv = ();
    type RqPriv = ();
    type RingItem = super::RxSkBuff;
    const MAX_TYPE: usize = 0;
    const PEER_TYPE: u16 = 0;
    const POLICY: &'static [super::Policy] = &[super::Policy::NONE];

    fn init_priv() -> impl kernel::prelude::PinInit<()> {}

    fn setup(_dev: &mut super::SetupDevice<'_, Self>) {}

    fn newlink<'a>(
        _dev: super::LinkDevice<'a, Self>,
        _params: &super::NewLinkParams<'_>,
        _extack: &super::ExtAck,
        _ops: &super::LinkOps<Self>,
        _rtnl: &'a super::Rtnl,
    ) -> kernel::error::Result<super::Linked<'a>> {
        Err(kernel::error::code::EOPNOTSUPP)
    }

    fn start_xmit(
        skb: super::SkBuff,
        _dev: &super::Device<Self, super::state::Registered>,
    ) -> super::TxStatus {
        skb.consume();
        super::TxStatus::Ok
    }
}

/// A device allocated (`alloc_netdev`, never registered) with per-CPU
/// stats (`dev->tstats`), freed on drop.
struct StatsDev(core::ptr::NonNull<super::bindings::net_device>);

impl StatsDev {
    fn new() -> kernel::error::Result<Self> {
        use super::bindings;
        // SAFETY: No preconditions (process context).
        let dev = core::ptr::NonNull::new(unsafe { bindings::veth_rs_kunit_alloc_netdev() })
            .ok_or(kernel::error::code::ENOMEM)?;
        // SAFETY: `dev` is a new, unregistered device that we own.
        let err = unsafe { bindings::veth_rs_kunit_alloc_tstats(dev.as_ptr()) };
        if err != 0 {
            // SAFETY: Never registered: `free_netdev` frees it at once.
            unsafe { bindings::free_netdev(dev.as_ptr()) };
            return Err(kernel::error::Error::from_errno(err));
        }
        Ok(Self(dev))
    }

    /// The device as the per-CPU stats methods take it.
    fn dev(&self) -> &super::Device<KunitDrv, super::state::Registered> {
        // It was neither made by `KunitDrv`'s link operations nor
        // registered, which the type's invariant asks for: the only methods
        // called on it, `tx_stats_add` and `fetch_sw_stats`, use nothing but
        // `dev->tstats`, which `new` allocated (what registration does).
        // SAFETY: The device is valid while `self` lives; see above.
        unsafe { super::Device::from_raw(self.0.as_ptr()) }
    }
}

impl Drop for StatsDev {
    fn drop(&mut self) {
        // SAFETY: Allocated by `new`; the stats first (`free_netdev` of an
        // unregistered device does not free them), then the device,
        // never registered, so freed at once.
        unsafe {
            super::bindings::veth_rs_kunit_free_tstats(self.0.as_ptr());
            super::bindings::free_netdev(self.0.as_ptr());
        }
    }
}

#[kernel::macros::kunit_tests(veth_rs_stats)]
mod stats_tests {
    use super::super::{
        bindings,
        Stats64, //
    };
    use super::StatsDev;
    use core::mem::{
        align_of,
        size_of, //
    };
    use kernel::prelude::*;

    /// `ndo_get_stats64` hands the layer a `struct rtnl_link_stats64`
    /// that it uses as a `Stats64`.
    #[test]
    fn layout_as_c() {
        assert_eq!(
            size_of::<Stats64>(),
            size_of::<bindings::rtnl_link_stats64>()
        );
        assert_eq!(
            align_of::<Stats64>(),
            align_of::<bindings::rtnl_link_stats64>()
        );
    }

    #[test]
    fn sums() {
        let mut s = Stats64::new();
        assert_eq!(s.tx(), (0, 0));
        s.add_tx(3, 180);
        s.add_tx(2, 1000);
        s.add_rx(4, 400);
        s.add_rx(1, 60);
        s.set_dropped(7, 9);
        assert_eq!(s.tx(), (5, 1180));
        let raw = s.raw();
        assert_eq!(raw.tx_packets, 5);
        assert_eq!(raw.tx_bytes, 1180);
        assert_eq!(raw.rx_packets, 5);
        assert_eq!(raw.rx_bytes, 460);
        assert_eq!(raw.tx_dropped, 7);
        assert_eq!(raw.rx_dropped, 9);
        // Nothing else is touched.
        assert_eq!(raw.multicast, 0);
        assert_eq!(raw.rx_errors, 0);
        // `set_dropped` sets, it does not add.
        s.set_dropped(1, 2);
        assert_eq!((s.raw().tx_dropped, s.raw().rx_dropped), (1, 2));
    }

    /// The counters are `u64` that wrap, as the C ones do (no overflow
    /// panic with `CONFIG_RUST_OVERFLOW_CHECKS`).
    #[test]
    fn wraps_as_c() {
        let mut s = Stats64::new();
        s.add_tx(u64::MAX, u64::MAX - 1);
        s.add_tx(2, 3);
        assert_eq!(s.tx(), (1, 1));
        s.add_rx(u64::MAX, 0);
        s.add_rx(1, 0);
        assert_eq!(s.raw().rx_packets, 0);
    }

    /// The per-CPU transmit counters (`dev_sw_netstats_tx_add`) and their
    /// sum over the CPUs (`dev_fetch_sw_netstats`), which adds to what the
    /// stats held.
    #[test]
    fn per_cpu_tx() -> Result {
        let d = StatsDev::new()?;
        let dev = d.dev();
        let mut s = Stats64::new();
        dev.fetch_sw_stats(&mut s);
        assert_eq!(s.tx(), (0, 0));
        dev.tx_stats_add(1, 100);
        dev.tx_stats_add(1, 100);
        dev.tx_stats_add(3, 60);
        dev.fetch_sw_stats(&mut s);
        assert_eq!(s.tx(), (5, 260));
        assert_eq!(s.raw().rx_packets, 0);
        let mut s = Stats64::new();
        s.add_tx(10, 1000);
        dev.fetch_sw_stats(&mut s);
        assert_eq!(s.tx(), (15, 1260));
        Ok(())
    }
}
