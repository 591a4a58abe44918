// SPDX-License-Identifier: GPL-2.0
//! A QEMU TCG plugin that counts the instructions the guest executes, in
//! total and per translation block, in windows the guest marks itself.
//!
//! Written for the instruction-counted benchmarks of veth_rs
//! (`bench/bench.sh --icount`, `--icount --profile`). QEMU loads it with
//! `-plugin PATH,out=DIR[,mode=total|tb]`:
//! - every translation block adds its instruction count to the window's
//!   total when it executes (a callback per execution: QEMU 10.0 aborts
//!   with "Bad icount read" when inline ops meet -icount), and to the
//!   part executed at kernel addresses;
//! - `mode=tb` also counts, per block at a kernel address, how many times
//!   it ran: with the block's address
//!   and length, `bench/insn_report.py` maps them to kernel symbols;
//! - the guest closes a window by executing the marker instruction, a
//!   `nopl` whose displacement spells "veth" (`bench/insn-plugin/mark.rs`):
//!   the plugin appends the window's totals to `DIR/totals.tsv`, in
//!   `mode=tb` writes `DIR/snap-N.tsv` (address, instructions, executions
//!   of each block that ran), then zeroes every counter.
//!
//! The API functions used are declared here by hand (QEMU's
//! include/qemu/qemu-plugin.h is not packaged); their signatures are those
//! of QEMU 10's plugin API, version 4.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::fs::OpenOptions;
use std::io::{BufWriter, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// The plugin API version this plugin is written against.
#[no_mangle]
pub static qemu_plugin_version: c_int = 4;

type PluginId = u64;

#[repr(C)]
struct Tb {
    _opaque: [u8; 0],
}

#[repr(C)]
struct Insn {
    _opaque: [u8; 0],
}

/// `qemu_info_t`, as far as it is read here (its union of system
/// information is left out: only read through a pointer).
#[repr(C)]
pub struct Info {
    target_name: *const c_char,
    version_min: c_int,
    version_cur: c_int,
    system_emulation: bool,
}

const CB_NO_REGS: c_int = 0;

type TbTransCb = extern "C" fn(PluginId, *mut Tb);
type VcpuUdataCb = extern "C" fn(c_uint, *mut c_void);
type UdataCb = extern "C" fn(PluginId, *mut c_void);

extern "C" {
    fn qemu_plugin_register_vcpu_tb_trans_cb(id: PluginId, cb: TbTransCb);
    fn qemu_plugin_register_vcpu_tb_exec_cb(
        tb: *mut Tb,
        cb: VcpuUdataCb,
        flags: c_int,
        userdata: *mut c_void,
    );
    fn qemu_plugin_register_vcpu_insn_exec_cb(
        insn: *mut Insn,
        cb: VcpuUdataCb,
        flags: c_int,
        userdata: *mut c_void,
    );
    fn qemu_plugin_register_atexit_cb(id: PluginId, cb: UdataCb, userdata: *mut c_void);
    fn qemu_plugin_tb_n_insns(tb: *const Tb) -> usize;
    fn qemu_plugin_tb_vaddr(tb: *const Tb) -> u64;
    fn qemu_plugin_tb_get_insn(tb: *const Tb, idx: usize) -> *mut Insn;
    fn qemu_plugin_insn_data(insn: *const Insn, dest: *mut c_void, len: usize) -> usize;
    fn qemu_plugin_insn_size(insn: *const Insn) -> usize;
    fn qemu_plugin_outs(string: *const c_char);
}

/// The marker: `nopl 0x68746576(%rax)`, i.e. the bytes of "veth" as its
/// displacement.
const MARK: [u8; 7] = [0x0f, 0x1f, 0x80, b'v', b'e', b't', b'h'];

/// Guest addresses at or above this are the kernel's (x86-64, 4-level or
/// 5-level paging alike).
const KERNEL: u64 = 0xff00_0000_0000_0000;

/// One translated block at a kernel address: its executions (mode=tb).
struct Block {
    vaddr: u64,
    insns: u64,
    execs: AtomicU64,
}

struct State {
    out: String,
    per_tb: bool,
    /// Instructions executed in the window, and those at kernel addresses.
    all: AtomicU64,
    kernel: AtomicU64,
    /// (vaddr, instructions) -> the block's counter, leaked: QEMU keeps
    /// the pointer as callback data for as long as the translation lives.
    blocks: Mutex<HashMap<(u64, u64), &'static Block>>,
    snaps: AtomicU64,
}

static STATE: std::sync::OnceLock<State> = std::sync::OnceLock::new();

fn state() -> &'static State {
    // The callbacks are registered only after STATE is set.
    STATE.get().expect("plugin state set at install")
}

fn outs(s: &str) {
    if let Ok(c) = std::ffi::CString::new(s) {
        // SAFETY: a valid NUL-terminated string, copied by QEMU.
        unsafe { qemu_plugin_outs(c.as_ptr()) };
    }
}

/// A block at a user address ran: its instruction count is the callback
/// data itself.
extern "C" fn on_user_block(_vcpu: c_uint, udata: *mut c_void) {
    state().all.fetch_add(udata as u64, Ordering::Relaxed);
}

/// A block at a kernel address ran, without per-block counting: its
/// instruction count is the callback data itself.
extern "C" fn on_kernel_block(_vcpu: c_uint, udata: *mut c_void) {
    let st = state();
    st.all.fetch_add(udata as u64, Ordering::Relaxed);
    st.kernel.fetch_add(udata as u64, Ordering::Relaxed);
}

/// A block at a kernel address ran, counted per block (mode=tb).
extern "C" fn on_block(_vcpu: c_uint, udata: *mut c_void) {
    // SAFETY: udata is the leaked &'static Block registered with the TB.
    let b = unsafe { &*(udata as *const Block) };
    b.execs.fetch_add(1, Ordering::Relaxed);
    let st = state();
    st.all.fetch_add(b.insns, Ordering::Relaxed);
    st.kernel.fetch_add(b.insns, Ordering::Relaxed);
}

extern "C" fn on_mark(_vcpu: c_uint, _udata: *mut c_void) {
    let st = state();
    let n = st.snaps.fetch_add(1, Ordering::Relaxed);
    let all = st.all.swap(0, Ordering::Relaxed);
    let kernel = st.kernel.swap(0, Ordering::Relaxed);
    let r = (|| -> std::io::Result<()> {
        let mut t = OpenOptions::new()
            .create(true)
            .append(true)
            .open(format!("{}/totals.tsv", st.out))?;
        writeln!(t, "{n}\t{all}\t{kernel}")?;
        if st.per_tb {
            let blocks = st.blocks.lock().unwrap_or_else(|e| e.into_inner());
            let mut w = BufWriter::new(
                OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(true)
                    .open(format!("{}/snap-{n}.tsv", st.out))?,
            );
            for b in blocks.values() {
                let e = b.execs.swap(0, Ordering::Relaxed);
                if e > 0 {
                    writeln!(w, "{:x}\t{}\t{}", b.vaddr, b.insns, e)?;
                }
            }
            w.flush()?;
        }
        Ok(())
    })();
    if let Err(e) = r {
        outs(&format!(
            "insn plugin: cannot write snapshot {n} to {}: {e}\n",
            st.out
        ));
    }
}

fn is_mark(insn: *const Insn) -> bool {
    // SAFETY: insn is valid during the translation callback.
    if unsafe { qemu_plugin_insn_size(insn) } != MARK.len() {
        return false;
    }
    let mut buf = [0u8; 7];
    // SAFETY: buf has room for len bytes.
    let got = unsafe { qemu_plugin_insn_data(insn, buf.as_mut_ptr().cast(), buf.len()) };
    got == MARK.len() && buf == MARK
}

extern "C" fn on_translate(_id: PluginId, tb: *mut Tb) {
    let st = state();
    // SAFETY: tb is valid during this callback.
    let (vaddr, n) = unsafe { (qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb)) };
    // Counted by a callback per execution: QEMU 10.0 aborts ("Bad icount
    // read") when inline ops are combined with -icount.
    if vaddr < KERNEL {
        // SAFETY: tb is valid; the callback data is a plain integer.
        unsafe {
            qemu_plugin_register_vcpu_tb_exec_cb(tb, on_user_block, CB_NO_REGS, n as *mut c_void)
        };
    } else if st.per_tb {
        let mut blocks = st.blocks.lock().unwrap_or_else(|e| e.into_inner());
        let b: &'static Block = blocks.entry((vaddr, n as u64)).or_insert_with(|| {
            Box::leak(Box::new(Block {
                vaddr,
                insns: n as u64,
                execs: AtomicU64::new(0),
            }))
        });
        // SAFETY: b lives for the whole run (leaked).
        unsafe {
            qemu_plugin_register_vcpu_tb_exec_cb(
                tb,
                on_block,
                CB_NO_REGS,
                b as *const Block as *mut c_void,
            )
        };
        return;
    } else {
        // SAFETY: tb is valid; the callback data is a plain integer.
        unsafe {
            qemu_plugin_register_vcpu_tb_exec_cb(tb, on_kernel_block, CB_NO_REGS, n as *mut c_void)
        };
        return;
    }
    for i in 0..n {
        // SAFETY: i < n_insns.
        let insn = unsafe { qemu_plugin_tb_get_insn(tb, i) };
        if !insn.is_null() && is_mark(insn) {
            // SAFETY: insn is valid during this callback.
            unsafe {
                qemu_plugin_register_vcpu_insn_exec_cb(
                    insn,
                    on_mark,
                    CB_NO_REGS,
                    std::ptr::null_mut(),
                )
            };
        }
    }
}

extern "C" fn on_exit(_id: PluginId, _udata: *mut c_void) {
    outs(&format!(
        "insn plugin: {} windows written to {}\n",
        state().snaps.load(Ordering::Relaxed),
        state().out
    ));
}

/// Entry point: `out=DIR` (required), `mode=total|tb` (default total).
///
/// # Safety
/// Called by QEMU with its plugin id, a valid info block and `argc`
/// NUL-terminated argument strings.
#[no_mangle]
pub unsafe extern "C" fn qemu_plugin_install(
    id: PluginId,
    info: *const Info,
    argc: c_int,
    argv: *const *const c_char,
) -> c_int {
    // SAFETY: QEMU passes a valid info block for the duration of the call.
    if !unsafe { (*info).system_emulation } {
        outs("insn plugin: system emulation only\n");
        return -1;
    }
    let (mut out, mut per_tb) = (None, false);
    for i in 0..argc.max(0) as usize {
        // SAFETY: argv has argc valid strings, alive as long as the plugin.
        let a = unsafe { CStr::from_ptr(*argv.add(i)) }.to_string_lossy();
        match a.split_once('=') {
            Some(("out", v)) => out = Some(v.to_string()),
            Some(("mode", "tb")) => per_tb = true,
            Some(("mode", "total")) => per_tb = false,
            _ => {
                outs(&format!("insn plugin: unknown argument {a}\n"));
                return -1;
            }
        }
    }
    let Some(out) = out else {
        outs("insn plugin: out=DIR is required\n");
        return -1;
    };
    let st = State {
        out,
        per_tb,
        all: AtomicU64::new(0),
        kernel: AtomicU64::new(0),
        blocks: Mutex::new(HashMap::new()),
        snaps: AtomicU64::new(0),
    };
    if STATE.set(st).is_err() {
        return -1;
    }
    // SAFETY: the callbacks are extern "C" functions of the right types.
    unsafe {
        qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
        qemu_plugin_register_atexit_cb(id, on_exit, std::ptr::null_mut());
    }
    0
}
