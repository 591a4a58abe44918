// SPDX-License-Identifier: GPL-2.0

//! Test-only module that triggers one kernel WARNING on load.
//!
//! tests/run.sh loads it after the real tests to prove that its kernel log
//! scan catches a splat. Never loaded otherwise.

use kernel::prelude::*;

module! {
    type: SplatWarn,
    name: "splat_warn",
    authors: ["The veth_rs developers"],
    description: "Deliberate WARN for the veth_rs test runner's self-test",
    license: "GPL v2",
}

struct SplatWarn;

impl kernel::Module for SplatWarn {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        pr_info!("triggering a deliberate warning for the splat scan self-test\n");
        kernel::warn_on!(true);
        Ok(SplatWarn)
    }
}
