//! Reading values back from a device without blocking: in a browser on WebGPU a synchronous
//! read panics, so the page's engines and its workers read through here (natively it is a
//! plain read). Also a whole network's parameters, read back and put on another device: how
//! training in the page writes its weights file, and carries on on the CPU when the GPU is lost.

use burn::module::{Module, ModuleMapper, ModuleVisitor, Param};
use burn::tensor::{Device, Tensor, TensorData};

use crate::Cnn;

/// A tensor's values as f32, read back asynchronously; the reason when the device could not.
pub async fn floats<const D: usize>(tensor: Tensor<D>) -> Result<Vec<f32>, String> {
    tensor
        .into_data_async()
        .await
        .map_err(|e| {
            format!(
                "the device could not read it back: {}",
                gist(&format!("{e:?}"))
            )
        })?
        .convert::<f32>()
        .try_into_vec::<f32>()
        .map_err(|e| format!("unexpected values ({e:?})"))
}

/// The innermost cause of a device's error, on one line: its report is a chain of causes
/// (each on a line after "Caused by:") and a backtrace.
fn gist(report: &str) -> String {
    let lines: Vec<&str> = report
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with("Caused by") && !l.starts_with("Backtrace"))
        .filter(|l| !l.contains("backtrace"))
        .collect();
    lines.last().copied().unwrap_or(report).to_string()
}

/// Every parameter of a network, as values, in the network's own order.
#[derive(Debug, Clone)]
pub struct Parameters(Vec<Vec<f32>>);

impl Parameters {
    /// `model`'s parameters, read back one tensor at a time.
    pub async fn read(model: &Cnn) -> Result<Self, String> {
        let tensors = flattened(model);
        let mut values = Vec::with_capacity(tensors.len());
        for tensor in tensors {
            values.push(floats(tensor).await?);
        }
        Ok(Self(values))
    }

    /// A network with these parameters on `device` (an autodiff device gives a network that
    /// can be trained on).
    pub fn model(&self, device: &Device) -> Cnn {
        Cnn::new(device).map(&mut Place {
            values: self.0.iter(),
            device: device.clone(),
        })
    }
}

/// Each float parameter of `model`, flattened, in the network's own order (the order a
/// `ModuleMapper` over the same network meets them).
pub fn flattened(model: &Cnn) -> Vec<Tensor<1>> {
    let mut collect = Collect(Vec::new());
    model.visit(&mut collect);
    collect.0
}

/// Each float parameter, flattened.
struct Collect(Vec<Tensor<1>>);

impl ModuleVisitor for Collect {
    fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
        let value = param.val();
        let n = value.shape().num_elements();
        self.0.push(value.reshape([n]));
    }
}

/// Replaces each float parameter by the next values, in the order [`flattened`] reads them.
struct Place<'a> {
    values: std::slice::Iter<'a, Vec<f32>>,
    device: Device,
}

impl ModuleMapper for Place<'_> {
    fn map_float<const D: usize>(&mut self, param: Param<Tensor<D>>) -> Param<Tensor<D>> {
        let values = self.values.next().expect("the same network's parameters");
        param.map(|tensor| {
            let grad = tensor.is_require_grad();
            Tensor::from_data(
                TensorData::new(values.clone(), tensor.shape()),
                &self.device,
            )
            .set_require_grad(grad)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;

    use super::*;
    use crate::weights::{self, Precision};

    fn block_on<F: Future>(future: F) -> F::Output {
        // Natively every read is ready at once.
        let waker = std::task::Waker::noop();
        let mut context = std::task::Context::from_waker(waker);
        let mut future = std::pin::pin!(future);
        loop {
            if let std::task::Poll::Ready(value) = future.as_mut().poll(&mut context) {
                return value;
            }
        }
    }

    #[test]
    fn a_device_error_is_said_by_its_innermost_cause() {
        let report = "An error happened during execution\nCaused by:\n  An error happened during \
                      execution\nCaused by:\n  the staging buffer could not be mapped: Error \
                      occurred when trying to async map a buffer\nBacktrace:\nNo backtrace available";
        assert_eq!(
            gist(report),
            "the staging buffer could not be mapped: Error occurred when trying to async map a buffer"
        );
    }

    #[test]
    fn a_network_read_back_and_placed_again_is_the_same_network() {
        let device = Device::flex();
        let model = Cnn::new(&device);
        let parameters = block_on(Parameters::read(&model)).unwrap();
        assert_eq!(
            parameters.0.iter().map(Vec::len).sum::<usize>(),
            crate::PARAMETERS
        );
        let again = parameters.model(&device);
        assert_eq!(
            weights::encode(&model, Precision::F32, &[]).unwrap(),
            weights::encode(&again, Precision::F32, &[]).unwrap()
        );
    }

    #[cfg(feature = "autodiff")]
    #[test]
    fn on_an_autodiff_device_the_placed_network_can_learn() {
        let device = Device::flex().autodiff();
        let model = Cnn::new(&device);
        let parameters = block_on(Parameters::read(&model)).unwrap();
        let again = parameters.model(&device);
        let mut require_grad = 0;
        struct Count<'a>(&'a mut usize);
        impl ModuleVisitor for Count<'_> {
            fn visit_float<const D: usize>(&mut self, param: &Param<Tensor<D>>) {
                *self.0 += usize::from(param.val().is_require_grad());
            }
        }
        again.visit(&mut Count(&mut require_grad));
        assert_eq!(require_grad, 8, "every weight and bias");
    }
}
