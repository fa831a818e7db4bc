//! Where a network runs in the browser: the CPU (Burn's flex) or WebGPU.

use serde::{Deserialize, Serialize};

/// Where a network runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    /// The value of `body[data-backend]`, and of a message's `backend`.
    pub fn id(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }

    /// Where it runs, as a sentence on the page says it ("on the CPU", "on WebGPU").
    pub fn place(self) -> &'static str {
        match self {
            Backend::WebGpu => "WebGPU",
            Backend::Cpu => "the CPU",
        }
    }
}
