// Shared by the `weights` fuzz target and the regression test that replays its inputs
// (`include!`d by both): reads fuzz bytes as a list of tensors, so that besides arbitrary bytes
// the loader also sees well-formed files of this network (right metadata, valid checksum)
// holding odd tensors: wrong names, dtypes, shapes, int8 without or with foreign scales, NaN.

/// Names the loader may meet: the network's parameters, their int8 scales, and a stranger.
const NAMES: [&str; 17] = [
    "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias",
    "fc2.weight", "fc2.bias", "conv1.weight.scale", "conv1.bias.scale", "conv2.weight.scale",
    "fc1.weight.scale", "fc1.bias.scale", "fc2.weight.scale", "fc2.bias.scale", "other", ".scale",
];
const DTYPES: [burn::tensor::DType; 6] = [
    burn::tensor::DType::F32,
    burn::tensor::DType::F16,
    burn::tensor::DType::I8,
    burn::tensor::DType::BF16,
    burn::tensor::DType::I32,
    burn::tensor::DType::U8,
];
/// Real shapes of the small parameters, so that some files fit and reach the values checks.
const SHAPES: [&[usize]; 5] = [&[32, 1, 5, 5], &[32], &[64], &[1024], &[10]];

/// A weights file of the tensors `data` describes, each as a name, dtype, shape and bytes
/// (zero-padded).
fn weights_file(data: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = data.iter().copied();
    let mut tensors = Vec::new();
    while let (Some(name), Some(dtype), Some(shape)) = (bytes.next(), bytes.next(), bytes.next()) {
        let dtype = DTYPES[dtype as usize % DTYPES.len()];
        let shape: Vec<usize> = if shape & 0x80 != 0 {
            SHAPES[(shape & 0x7f) as usize % SHAPES.len()].to_vec()
        } else {
            (0..shape % 4).map(|_| bytes.next().unwrap_or(0) as usize % 9).collect()
        };
        let len = shape.iter().product::<usize>() * dtype.size();
        let payload: Vec<u8> = (0..len).map(|_| bytes.next().unwrap_or(0)).collect();
        tensors.push(burn::store::burn_pack::Tensor::new(
            NAMES[name as usize % NAMES.len()].to_string(),
            dtype,
            shape,
            None,
            burn::tensor::Bytes::from_bytes_vec(payload),
        ));
        if tensors.len() > 24 {
            break;
        }
    }
    weights::pack(tensors, "int8", &[]).ok()
}
