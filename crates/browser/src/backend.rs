//! Where inference runs: the CPU (Burn's flex) or WebGPU.

/// Where inference runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    WebGpu,
    Cpu,
}

impl Backend {
    /// The value of `body[data-backend]`.
    pub fn id(self) -> &'static str {
        match self {
            Backend::WebGpu => "webgpu",
            Backend::Cpu => "cpu",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        [Backend::WebGpu, Backend::Cpu]
            .into_iter()
            .find(|b| b.id() == id)
    }
}
