//! Which Burn device the trainer computes on, and in which float type: the `--backend` and
//! `--bf16` flags every computing command shares.

use anyhow::Result;
use burn::tensor::{Device, DeviceConfig, FloatDType};
use serde::{Deserialize, Serialize};

/// A Burn backend the trainer can run on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    /// Burn's portable CPU backend (rayon + SIMD): the fastest CPU backend that builds offline.
    #[default]
    Flex,
    /// Burn's wgpu backend: Vulkan, Metal or DX12 (on a machine without a GPU, Mesa's lavapipe).
    Wgpu,
    /// Burn's LibTorch backend on the CPU (oneDNN and MKL); an optional build feature.
    Tch,
}

impl Backend {
    /// The device for inference (no autodiff).
    pub fn device(self) -> Result<Device> {
        match self {
            Backend::Flex => Ok(Device::flex()),
            #[cfg(feature = "wgpu")]
            Backend::Wgpu => Ok(Device::wgpu(burn::tensor::DeviceKind::DefaultDevice)),
            #[cfg(not(feature = "wgpu"))]
            Backend::Wgpu => anyhow::bail!(
                "this trainer was built without the `wgpu` feature: \
                 cargo build --release -p mnist-trainer --features wgpu"
            ),
            // Burn 0.22 deprecates burn-tch in favour of its CubeCL CPU backend, which needs an
            // LLVM download and does not build offline; LibTorch is the fast CPU option today.
            #[cfg(feature = "tch")]
            #[allow(deprecated)]
            Backend::Tch => Ok(Device::libtorch()),
            #[cfg(not(feature = "tch"))]
            Backend::Tch => anyhow::bail!(
                "this trainer was built without the `tch` feature: \
                 scripts/install-libtorch.sh, then build with --features tch (see the README)"
            ),
        }
    }

    /// The device for inference, computing in bfloat16 with `bf16` (experimental: fast on
    /// LibTorch where the CPU has AVX512_BF16; slower on flex), else in f32. The float type is a
    /// setting of the device itself, fixed once the device is first used.
    pub fn compute_device(self, bf16: bool) -> Result<Device> {
        let mut device = self.device()?;
        if bf16 {
            device
                .configure(DeviceConfig::default().float_dtype(FloatDType::BF16))
                .map_err(|e| anyhow::anyhow!("cannot compute in bf16 on {self:?}: {e:?}"))?;
        }
        Ok(device)
    }

    /// Makes this backend Burn's default device, which Burn uses where it takes no device
    /// argument (restoring optimizer state from a checkpoint). Call before any other thread
    /// starts.
    pub fn make_default(self) {
        let name = match self {
            Backend::Flex => "flex",
            Backend::Wgpu => "wgpu",
            Backend::Tch => "tch",
        };
        // SAFETY: called at the start of `main`, while the process has a single thread.
        #[allow(
            unsafe_code,
            reason = "Burn reads its default device from the environment"
        )]
        unsafe {
            std::env::set_var("BURN_DEVICE", name)
        };
    }
}

/// Where and in which float type a command computes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::Args, Serialize, Deserialize)]
pub struct Compute {
    /// Burn backend to compute on.
    #[arg(long, value_enum, default_value_t = Backend::Flex)]
    pub backend: Backend,
    /// Compute in bfloat16 (experimental; fast with `--backend tch` on CPUs with AVX512_BF16).
    #[arg(long)]
    // Runs recorded before bf16 existed have no such field.
    #[serde(default)]
    pub bf16: bool,
}

impl Compute {
    /// The device to compute on (no autodiff).
    pub fn device(self) -> Result<Device> {
        self.backend.compute_device(self.bf16)
    }
}
