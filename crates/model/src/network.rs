//! The seed network: conv 5×5×32 (same) → ReLU → max-pool 2 → conv 5×5×64 (same) → ReLU →
//! max-pool 2 → dense 1024 → ReLU → dropout 0.5 → dense 10.

use burn::module::Module;
use burn::nn::conv::{Conv2d, Conv2dConfig};
use burn::nn::pool::{MaxPool2d, MaxPool2dConfig};
use burn::nn::{Dropout, DropoutConfig, Linear, LinearConfig, PaddingConfig2d, Relu};
use burn::tensor::activation::softmax;
use burn::tensor::{Device, Tensor, TensorData};

/// Side of the square input image, in pixels.
pub const IMAGE_SIDE: usize = 28;
/// Pixels in one input image.
pub const IMAGE_PIXELS: usize = IMAGE_SIDE * IMAGE_SIDE;
/// Output classes: the digits 0–9.
pub const NUM_CLASSES: usize = 10;
/// Trainable parameters of the seed network (the Keras tutorial's `model.summary()` total).
pub const PARAMETERS: usize = 3_274_634;

/// Name written into every weights file, checked on load.
pub const ARCHITECTURE: &str = "mnist-cnn";
/// Bumped whenever a change to [`Cnn`] makes older weights unusable.
pub const ARCHITECTURE_VERSION: u32 = 1;

const CONV1_FILTERS: usize = 32;
const CONV2_FILTERS: usize = 64;
const KERNEL: usize = 5;
/// Units of the dense layer: the features [`crate::novelty`] measures.
pub const HIDDEN: usize = 1024;
pub(crate) const DROPOUT: f64 = 0.5;
/// After two 2×2 poolings a 28×28 map is 7×7.
const FLATTENED: usize = CONV2_FILTERS * (IMAGE_SIDE / 4) * (IMAGE_SIDE / 4);

/// The MNIST convolutional network.
#[derive(Module, Debug)]
pub struct Cnn {
    conv1: Conv2d,
    conv2: Conv2d,
    pool: MaxPool2d,
    fc1: Linear,
    dropout: Dropout,
    fc2: Linear,
    relu: Relu,
}

impl Cnn {
    /// A freshly initialised network on `device`.
    pub fn new(device: &Device) -> Self {
        let conv = |channels| {
            Conv2dConfig::new(channels, [KERNEL, KERNEL])
                .with_padding(PaddingConfig2d::Same)
                .init(device)
        };
        Self {
            conv1: conv([1, CONV1_FILTERS]),
            conv2: conv([CONV1_FILTERS, CONV2_FILTERS]),
            pool: MaxPool2dConfig::new([2, 2]).init(),
            fc1: LinearConfig::new(FLATTENED, HIDDEN).init(device),
            dropout: DropoutConfig::new(DROPOUT).init(),
            fc2: LinearConfig::new(HIDDEN, NUM_CLASSES).init(device),
            relu: Relu::new(),
        }
    }

    /// Logits `[batch, 10]` for images `[batch, 1, 28, 28]` holding white ink on black, 0..1.
    ///
    /// Dropout is active only on an autodiff (training) device.
    pub fn forward(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self
            .pool
            .forward(self.relu.forward(self.conv1.forward(images)));
        let x = self.pool.forward(self.relu.forward(self.conv2.forward(x)));
        let x = x.flatten::<2>(1, 3);
        let x = self.dropout.forward(self.relu.forward(self.fc1.forward(x)));
        self.fc2.forward(x)
    }

    /// Every layer's output for `images`, for looking inside the network: the same
    /// computation as [`Self::forward`] (a test holds them equal), keeping what it passes on.
    pub fn forward_layers(&self, images: Tensor<4>) -> Layers {
        let conv1 = self.relu.forward(self.conv1.forward(images));
        let pool1 = self.pool.forward(conv1.clone());
        let conv2 = self.relu.forward(self.conv2.forward(pool1.clone()));
        let pool2 = self.pool.forward(conv2.clone());
        let dense = self
            .relu
            .forward(self.fc1.forward(pool2.clone().flatten::<2>(1, 3)));
        let logits = self.fc2.forward(self.dropout.forward(dense.clone()));
        Layers {
            conv1,
            pool1,
            conv2,
            pool2,
            dense,
            logits,
        }
    }

    /// The dense layer's 1024 units (after ReLU) for `images`: what the output layer reads,
    /// and all that fine-tuning it needs (see [`crate::adapt`]).
    pub fn dense(&self, images: Tensor<4>) -> Tensor<2> {
        let x = self
            .pool
            .forward(self.relu.forward(self.conv1.forward(images)));
        let x = self.pool.forward(self.relu.forward(self.conv2.forward(x)));
        self.relu.forward(self.fc1.forward(x.flatten::<2>(1, 3)))
    }

    /// The output layer (dense 1024 → 10).
    pub fn output_layer(&self) -> Linear {
        self.fc2.clone()
    }

    /// This network with `layer` as its output layer.
    pub fn with_output_layer(self, layer: Linear) -> Self {
        Self { fc2: layer, ..self }
    }

    /// The first convolution's 32 kernels, `[32, 1, 5, 5]`: what each conv1 map looks for.
    pub fn conv1_kernels(&self) -> Tensor<4> {
        self.conv1.weight.val()
    }

    /// Logits and class probabilities for a batch of preprocessed 28×28 images (uncalibrated:
    /// the page and `trainer predict` answer through [`crate::recogniser`]).
    pub fn classify(
        &self,
        images: &[[f32; IMAGE_PIXELS]],
        device: &Device,
    ) -> (Tensor<2>, Tensor<2>) {
        let logits = self.forward(images_tensor(images, device));
        let probabilities = softmax(logits.clone(), 1);
        (logits, probabilities)
    }
}

/// What every layer of [`Cnn`] made of a batch of images, after its ReLU.
#[derive(Debug, Clone)]
pub struct Layers {
    /// `[batch, 32, 28, 28]`
    pub conv1: Tensor<4>,
    /// `[batch, 32, 14, 14]`
    pub pool1: Tensor<4>,
    /// `[batch, 64, 14, 14]`
    pub conv2: Tensor<4>,
    /// `[batch, 64, 7, 7]`
    pub pool2: Tensor<4>,
    /// `[batch, 1024]`
    pub dense: Tensor<2>,
    /// `[batch, 10]`, before softmax.
    pub logits: Tensor<2>,
}

/// Stacks preprocessed images into the `[batch, 1, 28, 28]` input tensor.
///
/// Built as `[batch, 28, 28, 1]` and viewed as `[batch, 1, 28, 28]`: with one channel the bytes
/// are the same, but LibTorch reads these strides as channels-last and then keeps every layer in
/// that layout, where its max-pooling is vectorised rather than a scalar loop (evaluation 1.9×
/// faster in bf16). Backends that ignore strides see the usual tensor.
pub fn images_tensor(images: &[[f32; IMAGE_PIXELS]], device: &Device) -> Tensor<4> {
    let flat: Vec<f32> = images.iter().flatten().copied().collect();
    let data = TensorData::new(flat, [images.len(), IMAGE_SIDE, IMAGE_SIDE, 1]);
    Tensor::<4>::from_data(data, device).permute([0, 3, 1, 2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_seed_networks_parameter_count() {
        let model = Cnn::new(&Device::flex());
        assert_eq!(model.num_params(), PARAMETERS);
    }

    #[test]
    fn the_input_tensor_holds_each_image_row_by_row() {
        let mut first = [0.0; IMAGE_PIXELS];
        first[3 * IMAGE_SIDE + 5] = 1.0; // row 3, column 5
        let second = [0.5; IMAGE_PIXELS];
        let images = images_tensor(&[first, second], &Device::flex());
        assert_eq!(images.dims(), [2, 1, IMAGE_SIDE, IMAGE_SIDE]);
        let pixel = |b: usize, row: usize, column: usize| {
            images
                .clone()
                .slice([b..b + 1, 0..1, row..row + 1, column..column + 1])
                .into_scalar::<f32>()
        };
        assert_eq!(pixel(0, 3, 5), 1.0);
        assert_eq!(pixel(0, 5, 3), 0.0);
        assert_eq!(pixel(1, 27, 0), 0.5);
        let flat = images.into_data().try_to_vec::<f32>().unwrap();
        assert_eq!(&flat[..IMAGE_PIXELS], &first[..]);
        assert_eq!(&flat[IMAGE_PIXELS..], &second[..]);
    }

    #[test]
    fn the_layers_end_in_the_same_logits_as_forward() {
        let device = Device::flex();
        let model = Cnn::new(&device);
        let mut image = [0.0; IMAGE_PIXELS];
        image[10 * IMAGE_SIDE..12 * IMAGE_SIDE].fill(1.0);
        let input = images_tensor(&[image], &device);
        let layers = model.forward_layers(input.clone());
        assert_eq!(layers.conv1.dims(), [1, CONV1_FILTERS, 28, 28]);
        assert_eq!(layers.pool1.dims(), [1, CONV1_FILTERS, 14, 14]);
        assert_eq!(layers.conv2.dims(), [1, CONV2_FILTERS, 14, 14]);
        assert_eq!(layers.pool2.dims(), [1, CONV2_FILTERS, 7, 7]);
        assert_eq!(layers.dense.dims(), [1, HIDDEN]);
        assert_eq!(
            layers.logits.into_data(),
            model.forward(input).into_data(),
            "one computation"
        );
        assert_eq!(
            model.conv1_kernels().dims(),
            [CONV1_FILTERS, 1, KERNEL, KERNEL]
        );
    }

    #[test]
    fn maps_a_batch_of_images_to_ten_logits() {
        let device = Device::flex();
        let model = Cnn::new(&device);
        let (logits, probabilities) = model.classify(&[[0.0; IMAGE_PIXELS]; 3], &device);
        assert_eq!(logits.dims(), [3, NUM_CLASSES]);
        let sums = probabilities
            .sum_dim(1)
            .into_data()
            .try_to_vec::<f32>()
            .unwrap();
        for sum in sums {
            assert!((sum - 1.0).abs() < 1e-5, "probabilities sum to {sum}");
        }
    }
}
