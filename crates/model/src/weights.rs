//! The weights format: a burnpack file (Burn's own) whose metadata names the architecture and
//! its version, the stored precision, and a CRC-32 of every tensor, so that loading a file of
//! another network, a truncated file, a corrupted file or something that is not weights at all
//! each fails with an error that says which.

use std::collections::BTreeMap;

use burn::store::ModuleSnapshot;
use burn::store::burn_pack::{self, Reader, Writer};
use burn::tensor::Bytes;
use burn::tensor::{DType, Device, TensorData, f16};

use crate::calibration::KEY_TEMPERATURE;
use crate::network::{ARCHITECTURE, ARCHITECTURE_VERSION, Cnn};
use crate::novelty::{KEY_NOVELTY, Novelty};

const KEY_ARCHITECTURE: &str = "architecture";
const KEY_VERSION: &str = "architecture_version";
const KEY_PRECISION: &str = "precision";
const KEY_CHECKSUM: &str = "checksum_crc32";
/// The keys [`pack`] writes itself; the rest of a file's metadata is its own.
const RESERVED_KEYS: [&str; 4] = [KEY_ARCHITECTURE, KEY_VERSION, KEY_PRECISION, KEY_CHECKSUM];

/// Suffix of the tensor holding the per-row scales of an int8 tensor.
const SCALE_SUFFIX: &str = ".scale";

/// How the parameters are stored. The network always computes in f32.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    F32,
    /// Half the size; logits move by about 1e-3.
    F16,
    /// A quarter of the size, and it compresses (f16 does not): every kernel and weight
    /// matrix as 8-bit integers with one f32 scale per row (per output channel of a
    /// convolution, per input of a dense layer); biases in f16.
    Int8,
    /// The smallest download: as [`Precision::Int8`], except that the dense layers' weight
    /// matrices are 4-bit integers, two to a byte, with an f16 scale for each group of
    /// [`INT4_GROUP`] weights of a row (see docs/size.md for what it costs in accuracy).
    Int4,
}

/// How many consecutive weights of a row share one scale in an int4 tensor. The file records
/// the grouping (by the scales' shape), so the loader does not depend on this value.
pub const INT4_GROUP: usize = 128;

impl std::str::FromStr for Precision {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            Precision::F32,
            Precision::F16,
            Precision::Int8,
            Precision::Int4,
        ]
        .into_iter()
        .find(|p| p.name() == s)
        .ok_or_else(|| format!("unknown precision '{s}' (f32, f16, int8 or int4)"))
    }
}

impl Precision {
    /// The name used in the file's metadata and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::F16 => "f16",
            Precision::Int8 => "int8",
            Precision::Int4 => "int4",
        }
    }
}

/// What a weights file says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WeightsInfo {
    /// Every metadata entry, including the extra ones given to [`encode`].
    pub metadata: BTreeMap<String, String>,
}

impl WeightsInfo {
    /// The temperature that calibrates the network's confidence (1 when the file has none).
    pub fn temperature(&self) -> Result<f32, WeightsError> {
        match self.metadata.get(KEY_TEMPERATURE) {
            None => Ok(1.0),
            Some(text) => text
                .parse::<f32>()
                .ok()
                .filter(|t| t.is_finite() && *t > 0.0)
                .ok_or_else(|| {
                    WeightsError::Corrupted(format!(
                        "its temperature '{text}' is not a positive number"
                    ))
                }),
        }
    }

    /// Where the network puts digits, to tell inputs unlike any digit (none when the file has
    /// no statistics: then only the confidence decides "not sure").
    pub fn novelty(&self) -> Result<Option<Novelty>, WeightsError> {
        self.metadata
            .get(KEY_NOVELTY)
            .map(|text| Novelty::decode(text).map_err(WeightsError::Corrupted))
            .transpose()
    }

    /// The CRC-32 of the tensors, as stored: what tells two weights files apart.
    pub fn checksum(&self) -> &str {
        self.metadata
            .get(KEY_CHECKSUM)
            .map_or("unknown", String::as_str)
    }

    /// The stored precision (`f32`, `f16`, `int8` or `int4`).
    pub fn precision(&self) -> &str {
        self.metadata
            .get(KEY_PRECISION)
            .map_or("unknown", String::as_str)
    }
}

/// Why a weights file could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WeightsError {
    #[error("not a weights file: {0}")]
    NotWeights(String),
    #[error("the weights file is truncated: {0}")]
    Truncated(String),
    #[error("the weights file is corrupted: {0}")]
    Corrupted(String),
    #[error(
        "these weights are for another network: found architecture '{found}', expected '{ARCHITECTURE}' version {ARCHITECTURE_VERSION}"
    )]
    WrongArchitecture { found: String },
    #[error("the weights do not fit the network: {0}")]
    Mismatch(String),
    #[error("could not encode the weights: {0}")]
    Encode(String),
}

/// Serialises `model` to burnpack bytes at `precision`, with `extra` metadata (e.g. accuracy).
pub fn encode(
    model: &Cnn,
    precision: Precision,
    extra: &[(&str, String)],
) -> Result<Vec<u8>, WeightsError> {
    let mut tensors = Vec::new();
    for tensor in model.collect(None, None, false) {
        let name = tensor.name.clone();
        let shape = tensor.shape.clone();
        let bytes = tensor
            .to_bytes()
            .map_err(|e| WeightsError::Encode(format!("{name}: {e}")))?;
        let data = TensorData::from_bytes(bytes, shape.clone(), tensor.dtype);
        match precision {
            Precision::F32 => tensors.push(stored(name, data.convert_dtype(DType::F32))),
            Precision::Int4 if shape.len() == 2 && shape[1] % INT4_GROUP == 0 => {
                let (values, scales) = quantize4(&data.convert_dtype(DType::F32), INT4_GROUP)
                    .map_err(|e| WeightsError::Encode(format!("{name}: {e}")))?;
                tensors.push(stored(format!("{name}{SCALE_SUFFIX}"), scales));
                tensors.push(stored(name, values));
            }
            Precision::Int8 | Precision::Int4 if shape.len() >= 2 => {
                let (values, scales) = quantize(&data.convert_dtype(DType::F32), shape[0])
                    .map_err(|e| WeightsError::Encode(format!("{name}: {e}")))?;
                tensors.push(stored(format!("{name}{SCALE_SUFFIX}"), scales));
                tensors.push(stored(name, values));
            }
            Precision::F16 | Precision::Int8 | Precision::Int4 => {
                tensors.push(stored(name, data.convert_dtype(DType::F16)))
            }
        }
    }
    pack(tensors, precision.name(), extra)
}

/// Writes `tensors` as a weights file of this network: architecture metadata, the stated
/// `precision` and the checksum. [`encode`] uses it; so do tests and the fuzzer, to build
/// well-formed files that hold unusual tensors.
pub fn pack(
    mut tensors: Vec<burn_pack::Tensor>,
    precision: &str,
    extra: &[(&str, String)],
) -> Result<Vec<u8>, WeightsError> {
    tensors.sort_by(|a, b| a.name.cmp(&b.name));
    let checksum = checksum(&tensors)?;
    let mut writer = Writer::new(tensors)
        .with_metadata(KEY_ARCHITECTURE, ARCHITECTURE)
        .with_metadata(KEY_VERSION, &ARCHITECTURE_VERSION.to_string())
        .with_metadata(KEY_PRECISION, precision)
        .with_metadata(KEY_CHECKSUM, &format!("{checksum:08x}"));
    for (key, value) in extra {
        writer = writer.with_metadata(key, value);
    }
    let bytes = writer
        .into_bytes()
        .map_err(|e| WeightsError::Encode(e.to_string()))?;
    Ok(bytes.to_vec())
}

/// Reads only the metadata of a weights file, checking that it is one of ours.
pub fn inspect(bytes: &[u8]) -> Result<WeightsInfo, WeightsError> {
    Ok(WeightsInfo {
        metadata: open(bytes)?.metadata().clone(),
    })
}

/// Loads weights into a fresh [`Cnn`] on `device`, checking everything on the way.
pub fn decode(bytes: &[u8], device: &Device) -> Result<(Cnn, WeightsInfo), WeightsError> {
    let (info, tensors) = verified(bytes)?;
    info.temperature()?;
    info.novelty()?;
    let tensors = to_f32(tensors)?;
    let mut model = Cnn::new(device);
    let result = model.apply(tensors, None, None, false);
    if !result.errors.is_empty() || !result.missing.is_empty() || !result.unused.is_empty() {
        return Err(WeightsError::Mismatch(format!(
            "errors {:?}, missing {:?}, unexpected {:?}",
            result.errors, result.missing, result.unused
        )));
    }
    Ok((model, info))
}

/// The same weights file with `extra` metadata added or replaced (e.g. a fitted temperature):
/// the tensors, and so the checksum, are untouched.
pub fn with_metadata(bytes: &[u8], extra: &[(&str, String)]) -> Result<Vec<u8>, WeightsError> {
    let (info, tensors) = verified(bytes)?;
    let mut metadata = own_metadata(&info);
    for (key, value) in extra {
        metadata.insert((*key).to_string(), value.clone());
    }
    pack(tensors, info.precision(), &as_pairs(&metadata))
}

/// The same weights stored at another `precision`, keeping the file's own metadata (the
/// temperature, the training date). From int4 to f32 is exact; the other way rounds.
pub fn convert(bytes: &[u8], precision: Precision) -> Result<Vec<u8>, WeightsError> {
    let (model, info) = decode(bytes, &Device::flex())?;
    encode(&model, precision, &as_pairs(&own_metadata(&info)))
}

/// A file's metadata without the keys [`pack`] writes itself.
fn own_metadata(info: &WeightsInfo) -> BTreeMap<String, String> {
    let mut metadata = info.metadata.clone();
    metadata.retain(|key, _| !RESERVED_KEYS.contains(&key.as_str()));
    metadata
}

fn as_pairs(metadata: &BTreeMap<String, String>) -> Vec<(&str, String)> {
    metadata
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect()
}

/// The metadata and tensors (sorted by name) of a weights file of this network whose checksum
/// matches.
fn verified(bytes: &[u8]) -> Result<(WeightsInfo, Vec<burn_pack::Tensor>), WeightsError> {
    let reader = open(bytes)?;
    let info = WeightsInfo {
        metadata: reader.metadata().clone(),
    };
    let mut tensors = reader
        .into_tensors()
        .map_err(|e| WeightsError::Corrupted(e.to_string()))?;
    tensors.sort_by(|a, b| a.name.cmp(&b.name));

    let expected = info
        .metadata
        .get(KEY_CHECKSUM)
        .ok_or_else(|| WeightsError::Corrupted("no checksum in the metadata".into()))?;
    let actual = format!("{:08x}", checksum(&tensors)?);
    if *expected != actual {
        return Err(WeightsError::Corrupted(format!(
            "checksum mismatch (stored {expected}, computed {actual})"
        )));
    }
    Ok((info, tensors))
}

/// Parses the header and metadata, and rejects files that are not weights for this network.
fn open(bytes: &[u8]) -> Result<Reader, WeightsError> {
    let reader =
        Reader::from_bytes(Bytes::from_bytes_vec(bytes.to_vec())).map_err(|e| match e {
            burn_pack::Error::InvalidMagicNumber => {
                WeightsError::NotWeights("it does not start with the burnpack signature".into())
            }
            burn_pack::Error::InvalidHeader if bytes.len() < 64 => {
                WeightsError::NotWeights(format!("only {} bytes long", bytes.len()))
            }
            burn_pack::Error::InvalidHeader => {
                WeightsError::Truncated("it ends inside its header or metadata".into())
            }
            burn_pack::Error::InvalidVersion => {
                WeightsError::NotWeights("written by a newer burnpack format version".into())
            }
            burn_pack::Error::ValidationError(msg) if msg.contains("truncated") => {
                WeightsError::Truncated(msg)
            }
            other => WeightsError::Corrupted(other.to_string()),
        })?;

    let metadata = reader.metadata();
    let architecture = metadata.get(KEY_ARCHITECTURE).ok_or_else(|| {
        WeightsError::NotWeights("a burnpack file without an architecture name".into())
    })?;
    let version = metadata.get(KEY_VERSION).map_or("?", String::as_str);
    if architecture != ARCHITECTURE || version != ARCHITECTURE_VERSION.to_string() {
        return Err(WeightsError::WrongArchitecture {
            found: format!("{architecture}' version '{version}"),
        });
    }
    Ok(reader)
}

fn stored(name: String, data: TensorData) -> burn_pack::Tensor {
    let (dtype, shape) = (data.dtype(), data.shape().to_vec());
    burn_pack::Tensor::new(name, dtype, shape, None, data.into_bytes())
}

/// Symmetric 8-bit quantisation of f32 `data` with one scale for each of `rows` rows.
fn quantize(data: &TensorData, rows: usize) -> Result<(TensorData, TensorData), String> {
    let values = data.as_slice::<f32>().map_err(|e| format!("{e:?}"))?;
    if rows == 0 || values.len() % rows != 0 {
        return Err(format!(
            "{} values do not split into {rows} rows",
            values.len()
        ));
    }
    let mut quantized = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(rows);
    for row in values.chunks(values.len() / rows) {
        let scale = row.iter().fold(0f32, |m, v| m.max(v.abs())) / 127.0;
        let inverse = if scale > 0.0 { scale.recip() } else { 0.0 };
        quantized.extend(
            row.iter()
                .map(|v| (v * inverse).round().clamp(-127.0, 127.0) as i8),
        );
        scales.push(scale);
    }
    Ok((
        TensorData::new(quantized, data.shape().clone()),
        TensorData::new(scales, [rows]),
    ))
}

/// The 4-bit levels: -8..=7, stored as the nibble `level + 8`.
const INT4_LEVELS: (f32, f32) = (-8.0, 7.0);

/// Symmetric 4-bit quantisation of an f32 matrix with one f16 scale (largest magnitude / 7)
/// per `group` weights of a row. Returns the nibbles, two to a byte (low nibble first), and
/// the scales. (Choosing each group's clipping point for the least squared error instead
/// measured the same accuracy and compressed worse: docs/size.md.)
fn quantize4(data: &TensorData, group: usize) -> Result<(TensorData, TensorData), String> {
    let values = data.as_slice::<f32>().map_err(|e| format!("{e:?}"))?;
    let [rows, cols] = data.shape()[..] else {
        return Err(format!("{:?} is not a matrix", data.shape()));
    };
    if !cols.is_multiple_of(group) || !group.is_multiple_of(2) {
        return Err(format!(
            "rows of {cols} do not split into groups of {group}"
        ));
    }
    let (low, high) = INT4_LEVELS;
    let mut nibbles = Vec::with_capacity(values.len());
    let mut scales = Vec::with_capacity(values.len() / group);
    for chunk in values.chunks(group) {
        // Rounded to f16 first, so that the levels are chosen for the scale the loader sees.
        let scale = f16::from_f32(chunk.iter().fold(0f32, |m, v| m.max(v.abs())) / high);
        let inverse = if scale.to_f32() > 0.0 {
            scale.to_f32().recip()
        } else {
            0.0
        };
        nibbles.extend(
            chunk
                .iter()
                .map(|&v| ((v * inverse).round().clamp(low, high) - low) as u8),
        );
        scales.push(scale);
    }
    let packed: Vec<u8> = nibbles.chunks(2).map(|p| p[0] | (p[1] << 4)).collect();
    Ok((
        TensorData::new(packed, [rows, cols / 2]),
        TensorData::new(scales, [rows, cols / group]),
    ))
}

/// Turns stored tensors into the f32 tensors the network takes: f16 is widened, int8 and int4
/// are multiplied by their scales (whose tensors are consumed), and non-finite values rejected.
fn to_f32(tensors: Vec<burn_pack::Tensor>) -> Result<Vec<burn_pack::Tensor>, WeightsError> {
    let corrupted = |e: &dyn std::fmt::Display| WeightsError::Corrupted(e.to_string());
    let mut scales = BTreeMap::new();
    let mut others = Vec::new();
    for tensor in tensors {
        let (name, dtype, shape, _, bytes) = tensor.into_parts().map_err(|e| corrupted(&e))?;
        let data = TensorData::try_from_bytes(bytes, shape, dtype).map_err(|e| corrupted(&e))?;
        match name.strip_suffix(SCALE_SUFFIX) {
            Some(owner) if matches!(dtype, DType::F32 | DType::F16) => {
                scales.insert(owner.to_string(), data.convert_dtype(DType::F32));
            }
            _ => others.push((name, data)),
        }
    }
    let mut out = Vec::with_capacity(others.len());
    for (name, data) in others {
        let data = match data.dtype() {
            DType::F32 | DType::F16 => data.convert_dtype(DType::F32),
            DType::I8 => {
                let scale = scales.remove(&name).ok_or_else(|| {
                    WeightsError::Mismatch(format!("{name} is int8 but has no {SCALE_SUFFIX}"))
                })?;
                dequantize(&name, &data, &scale)?
            }
            DType::U8 => {
                let scale = scales.remove(&name).ok_or_else(|| {
                    WeightsError::Mismatch(format!("{name} is int4 but has no {SCALE_SUFFIX}"))
                })?;
                dequantize4(&name, &data, &scale)?
            }
            other => {
                return Err(WeightsError::Mismatch(format!(
                    "{name} is stored as {other:?}"
                )));
            }
        };
        let values = data.as_slice::<f32>().map_err(|e| corrupted(&e))?;
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(WeightsError::Corrupted(format!(
                "{name} holds the value {bad}"
            )));
        }
        out.push(stored(name, data));
    }
    if let Some(orphan) = scales.keys().next() {
        return Err(WeightsError::Mismatch(format!(
            "{orphan}{SCALE_SUFFIX} belongs to no int8 tensor"
        )));
    }
    Ok(out)
}

fn dequantize(
    name: &str,
    data: &TensorData,
    scale: &TensorData,
) -> Result<TensorData, WeightsError> {
    let corrupted = |e: &dyn std::fmt::Debug| WeightsError::Corrupted(format!("{name}: {e:?}"));
    let values = data.as_slice::<i8>().map_err(|e| corrupted(&e))?;
    let scales = scale.as_slice::<f32>().map_err(|e| corrupted(&e))?;
    let rows = data.shape().first().copied().unwrap_or(0);
    if scales.len() != rows || rows == 0 || values.len() % rows != 0 {
        return Err(WeightsError::Mismatch(format!(
            "{name}: {} scales for {rows} rows",
            scales.len()
        )));
    }
    let row_len = values.len() / rows;
    let widened: Vec<f32> = values
        .iter()
        .enumerate()
        .map(|(i, &q)| f32::from(q) * scales[i / row_len.max(1)])
        .collect();
    Ok(TensorData::new(widened, data.shape().clone()))
}

/// Unpacks 4-bit levels (two to a byte, `rows × cols/2`) and multiplies each by its group's
/// scale (`rows × groups`).
fn dequantize4(
    name: &str,
    data: &TensorData,
    scale: &TensorData,
) -> Result<TensorData, WeightsError> {
    let corrupted = |e: &dyn std::fmt::Debug| WeightsError::Corrupted(format!("{name}: {e:?}"));
    let packed = data.as_slice::<u8>().map_err(|e| corrupted(&e))?;
    let scales = scale.as_slice::<f32>().map_err(|e| corrupted(&e))?;
    let (&[rows, half], &[scale_rows, groups]) = (&data.shape()[..], &scale.shape()[..]) else {
        return Err(WeightsError::Mismatch(format!(
            "{name}: int4 {:?} with scales {:?} are not two matrices",
            data.shape(),
            scale.shape()
        )));
    };
    let cols = half * 2;
    if scale_rows != rows || groups == 0 || cols % groups != 0 {
        return Err(WeightsError::Mismatch(format!(
            "{name}: scales {scale_rows}×{groups} do not fit {rows}×{cols} weights"
        )));
    }
    let group = cols / groups;
    let low = INT4_LEVELS.0;
    let widened: Vec<f32> = packed
        .iter()
        .flat_map(|b| [b & 0x0f, b >> 4])
        .enumerate()
        .map(|(i, q)| (f32::from(q) + low) * scales[i / group])
        .collect();
    Ok(TensorData::new(widened, [rows, cols]))
}

/// CRC-32 over each tensor's name, dtype, shape and bytes, in name order.
fn checksum(tensors: &[burn_pack::Tensor]) -> Result<u32, WeightsError> {
    let mut hasher = crc32fast::Hasher::new();
    for tensor in tensors {
        hasher.update(tensor.name.as_bytes());
        hasher.update(format!("{:?}{:?}", tensor.dtype, tensor.shape).as_bytes());
        let bytes = tensor
            .to_bytes()
            .map_err(|e| WeightsError::Corrupted(format!("{}: {e}", tensor.name)))?;
        hasher.update(&bytes);
    }
    Ok(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;
    use burn::module::Module;

    fn encoded(precision: Precision) -> (Cnn, Vec<u8>) {
        let model = Cnn::new(&Device::flex());
        let bytes = encode(&model, precision, &[("note", "test".into())]).unwrap();
        (model, bytes)
    }

    fn params(model: &Cnn) -> Vec<f32> {
        model
            .collect(None, None, false)
            .into_iter()
            .flat_map(|t| {
                let bytes = t.to_bytes().unwrap();
                TensorData::from_bytes(bytes, t.shape.clone(), t.dtype)
                    .try_to_vec::<f32>()
                    .unwrap()
            })
            .collect()
    }

    #[test]
    fn f32_round_trip_is_exact() {
        let (model, bytes) = encoded(Precision::F32);
        let (loaded, info) = decode(&bytes, &Device::flex()).unwrap();
        assert_eq!(params(&model), params(&loaded));
        assert_eq!(info.precision(), "f32");
        assert_eq!(info.metadata["note"], "test");
        assert_eq!(loaded.num_params(), crate::PARAMETERS);
    }

    #[test]
    fn f16_round_trip_is_close_and_half_the_size() {
        let (model, bytes16) = encoded(Precision::F16);
        let (_, bytes32) = encoded(Precision::F32);
        assert!(
            bytes16.len() * 10 < bytes32.len() * 6,
            "{} vs {}",
            bytes16.len(),
            bytes32.len()
        );
        let (loaded, info) = decode(&bytes16, &Device::flex()).unwrap();
        assert_eq!(info.precision(), "f16");
        for (a, b) in params(&model).iter().zip(params(&loaded)) {
            assert!((a - b).abs() <= a.abs() * 1e-3 + 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn int8_round_trip_is_close_and_a_quarter_of_the_size() {
        let (model, bytes8) = encoded(Precision::Int8);
        let (_, bytes32) = encoded(Precision::F32);
        assert!(
            bytes8.len() * 10 < bytes32.len() * 3,
            "{} vs {}",
            bytes8.len(),
            bytes32.len()
        );
        let (loaded, info) = decode(&bytes8, &Device::flex()).unwrap();
        assert_eq!(info.precision(), "int8");
        assert_eq!(loaded.num_params(), crate::PARAMETERS);
        // Each weight is within half a step of its row's scale (max |row| / 127).
        let largest = params(&model).iter().fold(0f32, |m, v| m.max(v.abs()));
        for (a, b) in params(&model).iter().zip(params(&loaded)) {
            assert!((a - b).abs() <= largest / 254.0 + 1e-6, "{a} vs {b}");
        }
    }

    #[test]
    fn int4_halves_the_dense_layer_and_stays_within_half_a_step() {
        let (model, bytes4) = encoded(Precision::Int4);
        let (_, bytes8) = encoded(Precision::Int8);
        assert!(
            bytes4.len() * 10 < bytes8.len() * 6,
            "{} vs {}",
            bytes4.len(),
            bytes8.len()
        );
        let (loaded, info) = decode(&bytes4, &Device::flex()).unwrap();
        assert_eq!(info.precision(), "int4");
        assert_eq!(loaded.num_params(), crate::PARAMETERS);
        // fc1 is int4: each weight within half a step (max |group| / 7, in f16) of the original.
        let fc1 = |m: &Cnn| {
            let t = m.collect(None, None, false);
            let t = t.iter().find(|t| t.name == "fc1.weight").unwrap();
            TensorData::from_bytes(t.to_bytes().unwrap(), t.shape.clone(), t.dtype)
                .try_to_vec::<f32>()
                .unwrap()
        };
        let (original, widened) = (fc1(&model), fc1(&loaded));
        for (group, back) in original.chunks(INT4_GROUP).zip(widened.chunks(INT4_GROUP)) {
            let step = group.iter().fold(0f32, |m, v| m.max(v.abs())) / 7.0;
            for (a, b) in group.iter().zip(back) {
                assert!(
                    (a - b).abs() <= step * 0.502 + 1e-7,
                    "{a} vs {b}, step {step}"
                );
            }
        }
    }

    #[test]
    fn converting_int4_to_f32_keeps_every_value_and_the_metadata() {
        let (_, bytes4) = encoded(Precision::Int4);
        let bytes4 = with_metadata(&bytes4, &[(KEY_TEMPERATURE, "1.5".into())]).unwrap();
        let bytes32 = convert(&bytes4, Precision::F32).unwrap();
        let (a, info4) = decode(&bytes4, &Device::flex()).unwrap();
        let (b, info32) = decode(&bytes32, &Device::flex()).unwrap();
        assert_eq!(params(&a), params(&b));
        assert_eq!(info32.precision(), "f32");
        assert_eq!(info32.metadata["note"], "test");
        assert_eq!(info32.temperature().unwrap(), 1.5);
        assert_ne!(info32.checksum(), info4.checksum());
    }

    #[test]
    fn rejects_int4_scales_that_do_not_fit() {
        let (_, bytes) = encoded(Precision::Int4);
        let tensors: Vec<_> = Reader::from_bytes(Bytes::from_bytes_vec(bytes))
            .unwrap()
            .into_tensors()
            .unwrap()
            .into_iter()
            .map(|t| {
                if t.name == "fc1.weight.scale" {
                    let odd = TensorData::new(vec![f16::from_f32(0.1); 3136 * 3], [3136, 3]);
                    stored(t.name.clone(), odd)
                } else {
                    t
                }
            })
            .collect();
        let bytes = pack(tensors, "int4", &[]).unwrap();
        let err = decode(&bytes, &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightsError::Mismatch(_)), "{err}");
        assert!(err.to_string().contains("do not fit 3136×1024"), "{err}");
    }

    #[test]
    fn rejects_int8_tensors_without_their_scales() {
        let (_, bytes) = encoded(Precision::Int8);
        let tensors: Vec<_> = Reader::from_bytes(Bytes::from_bytes_vec(bytes))
            .unwrap()
            .into_tensors()
            .unwrap()
            .into_iter()
            .filter(|t| t.name != "fc1.weight.scale")
            .collect();
        let bytes = pack(tensors, "int8", &[]).unwrap();
        let err = decode(&bytes, &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightsError::Mismatch(_)), "{err}");
        assert!(err.to_string().contains("fc1.weight"), "{err}");
    }

    #[test]
    fn rejects_a_file_that_is_not_weights() {
        let err = decode(
            b"\x89PNG\r\n\x1a\n not weights at all, just some bytes",
            &Device::flex(),
        )
        .unwrap_err();
        assert!(matches!(err, WeightsError::NotWeights(_)), "{err}");
        assert!(matches!(
            decode(&[], &Device::flex()),
            Err(WeightsError::NotWeights(_))
        ));
    }

    #[test]
    fn rejects_a_truncated_file() {
        let (_, bytes) = encoded(Precision::F16);
        for len in [bytes.len() - 1, bytes.len() / 2, 200] {
            let err = decode(&bytes[..len], &Device::flex()).unwrap_err();
            assert!(matches!(err, WeightsError::Truncated(_)), "{len}: {err}");
        }
    }

    #[test]
    fn rejects_a_corrupted_file() {
        let (_, mut bytes) = encoded(Precision::F16);
        let at = bytes.len() - 1000;
        bytes[at] ^= 0x40;
        let err = decode(&bytes, &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightsError::Corrupted(_)), "{err}");
        assert!(err.to_string().contains("checksum"), "{err}");
    }

    #[test]
    fn metadata_can_be_added_without_touching_the_weights() {
        let (model, bytes) = encoded(Precision::Int8);
        let calibrated = with_metadata(&bytes, &[(KEY_TEMPERATURE, "1.5".into())]).unwrap();
        let (loaded, info) = decode(&calibrated, &Device::flex()).unwrap();
        assert_eq!(info.temperature().unwrap(), 1.5);
        assert_eq!(info.precision(), "int8");
        let (plain, _) = decode(&bytes, &Device::flex()).unwrap();
        assert_eq!(params(&loaded), params(&plain));
        assert!(!params(&model).is_empty());
        assert_eq!(inspect(&bytes).unwrap().temperature().unwrap(), 1.0);

        let bad = with_metadata(&bytes, &[(KEY_TEMPERATURE, "-2".into())]).unwrap();
        let err = decode(&bad, &Device::flex()).unwrap_err();
        assert!(err.to_string().contains("temperature '-2'"), "{err}");
        assert_eq!(info.novelty().unwrap(), None);
        let bad = with_metadata(&bytes, &[(KEY_NOVELTY, "AQID".into())]).unwrap();
        let err = decode(&bad, &Device::flex()).unwrap_err();
        assert!(err.to_string().contains("novelty statistics"), "{err}");
        let mut damaged = bytes.clone();
        let last = damaged.len() - 1;
        damaged[last] ^= 0xff;
        assert!(
            with_metadata(&damaged, &[]).is_err(),
            "a damaged file is not re-blessed"
        );
    }

    #[test]
    fn rejects_weights_of_another_architecture() {
        let model = Cnn::new(&Device::flex());
        let bytes = encode(&model, Precision::F16, &[]).unwrap();
        // Same layout, other name: what a file from another network looks like to the loader.
        let other = Writer::new(
            Reader::from_bytes(Bytes::from_bytes_vec(bytes))
                .unwrap()
                .into_tensors()
                .unwrap(),
        )
        .with_metadata(KEY_ARCHITECTURE, "resnet18")
        .into_bytes()
        .unwrap()
        .to_vec();
        let err = decode(&other, &Device::flex()).unwrap_err();
        assert!(
            matches!(err, WeightsError::WrongArchitecture { .. }),
            "{err}"
        );
        assert!(err.to_string().contains("resnet18"), "{err}");
    }

    #[test]
    fn rejects_tensors_that_do_not_fit() {
        let tensor = burn_pack::Tensor::new(
            "conv1.weight".into(),
            DType::F32,
            [2, 2],
            None,
            TensorData::new(vec![0f32; 4], [2, 2]).into_bytes(),
        );
        let bytes = pack(vec![tensor], "f32", &[]).unwrap();
        let err = decode(&bytes, &Device::flex()).unwrap_err();
        assert!(matches!(err, WeightsError::Mismatch(_)), "{err}");
    }
}
