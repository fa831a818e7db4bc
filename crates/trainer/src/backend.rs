//! Which Burn device the trainer computes on.

use anyhow::Result;
use burn::tensor::Device;

/// A Burn backend the trainer can run on.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Burn's portable CPU backend (rayon + SIMD): the fastest CPU backend that builds offline.
    Flex,
    /// Burn's wgpu backend: Vulkan, Metal or DX12 (on a machine without a GPU, Mesa's lavapipe).
    Wgpu,
}

impl Backend {
    /// The device for inference (no autodiff).
    pub fn device(self) -> Result<Device> {
        match self {
            Backend::Flex => Ok(Device::flex()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(not(feature = "wgpu"))]
            Backend::Wgpu => anyhow::bail!("this trainer was built without the `wgpu` feature"),
        }
    }
}
