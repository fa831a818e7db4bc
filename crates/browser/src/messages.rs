//! Every message between the page and its two workers, defined once for both sides. They
//! travel as plain JavaScript objects tagged by `kind` (`{ kind: "load", id, … }`, readable in
//! the browser's developer tools), made and read by `serde-wasm-bindgen`; bytes and floats as
//! typed arrays. A message that does not decode becomes an error with the reason.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsValue;

use crate::backend::Backend;

/// What the page asks of the engine worker. Every request but `Release` is numbered, and its
/// reply carries the number.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EngineRequest {
    /// Load a weights file as engine `id`, on `backend`, warmed up.
    Load {
        id: u32,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
        backend: Backend,
    },
    /// One forward pass of `engine` on `inputs` (28×28 each, flat), with the first input's
    /// layers if `layers`.
    Forward {
        id: u32,
        engine: u32,
        #[serde(with = "floats")]
        inputs: Vec<f32>,
        layers: bool,
    },
    /// The first convolution's kernels of `engine`.
    Kernels { id: u32, engine: u32 },
    /// Free `engine`; no reply.
    Release { engine: u32 },
}

impl EngineRequest {
    /// Its number; `None` for a release, which has no reply.
    pub fn id(&self) -> Option<u32> {
        match self {
            EngineRequest::Load { id, .. }
            | EngineRequest::Forward { id, .. }
            | EngineRequest::Kernels { id, .. } => Some(*id),
            EngineRequest::Release { .. } => None,
        }
    }
}

/// What the engine worker answers.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum EngineReply {
    /// It listens (the reply to the start, request 0).
    Listening,
    /// Engine `id` is loaded: its weights file's metadata and its novelty limit.
    Loaded {
        id: u32,
        metadata: BTreeMap<String, String>,
        novelty_limit: f32,
    },
    /// What request `id` computed, as parts of the given lengths.
    Values {
        id: u32,
        #[serde(with = "floats")]
        values: Vec<f32>,
        lengths: Vec<u32>,
    },
    /// Request `id` failed (0: the worker could not start).
    Error { id: u32, message: String },
}

impl EngineReply {
    /// The request it answers.
    pub fn id(&self) -> u32 {
        match self {
            EngineReply::Listening => 0,
            EngineReply::Loaded { id, .. }
            | EngineReply::Values { id, .. }
            | EngineReply::Error { id, .. } => *id,
        }
    }
}

/// What the page asks of the teaching worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TeachRequest {
    /// Adapt the shipped `weights` to `examples` (`mnist_model::personal` bytes) on `backend`,
    /// as job `job`.
    Adapt {
        job: u32,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
        #[serde(with = "serde_bytes")]
        examples: Vec<u8>,
        backend: Backend,
    },
    /// The gradient saliency of `input` for `digit` (request `id`), with `weights` when the
    /// worker does not have the page's current ones.
    Why {
        id: u64,
        #[serde(with = "floats")]
        input: Vec<f32>,
        digit: u32,
        backend: Backend,
        #[serde(default, with = "serde_bytes")]
        weights: Option<Vec<u8>>,
    },
    /// Train a fresh network from random weights.
    Train(TrainRequest),
    /// Pause, resume or stop training job `job`.
    Control { job: u32, action: Control },
}

/// Training job `job`: a fresh network from random weights (`seed`) trained on the first
/// `digits` of MNIST's 55,000 training digits, `epochs` times, on `backend`, by the seed's
/// recipe (at learning rate `rate` instead, if given).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TrainRequest {
    pub job: u32,
    pub digits: u32,
    pub epochs: u32,
    pub seed: u32,
    #[serde(default)]
    pub rate: Option<f64>,
    pub backend: Backend,
}

/// What training job `job` made: this weights file, in `steps` steps and `ms` milliseconds
/// on `backend`; `stopped` says why it ended before the last epoch, if it did, and
/// `diverged` whether that was a loss that was no longer finite (the weights are then the
/// last good ones).
#[derive(Debug, Serialize, Deserialize)]
pub struct TrainedNetwork {
    pub job: u32,
    #[serde(with = "serde_bytes")]
    pub weights: Vec<u8>,
    pub steps: u32,
    pub ms: f64,
    pub backend: Backend,
    pub stopped: Option<String>,
    pub diverged: bool,
}

/// What the page can ask of a training job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Control {
    Pause,
    Resume,
    /// Stop after the current step, and hand back the network as it is.
    Stop,
}

/// What the teaching worker says.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum TeachReply {
    /// It listens.
    Ready,
    /// Job `job` has taken `step` of `steps` steps (the loss of the last, once there is one).
    Progress {
        job: u32,
        step: u32,
        steps: u32,
        loss: Option<f32>,
    },
    /// Job `job` made this weights file in `ms` milliseconds on `backend`.
    Done {
        job: u32,
        #[serde(with = "serde_bytes")]
        weights: Vec<u8>,
        ms: f64,
        backend: Backend,
    },
    /// Job `job` failed.
    Failed { job: u32, message: String },
    /// The gradient saliency for request `id`.
    Why {
        id: u64,
        #[serde(with = "floats")]
        scores: Vec<f32>,
    },
    /// Request `id` has no gradient.
    WhyFailed { id: u64, message: String },
    /// Training job `job` has its digits and a fresh network on `backend`: `steps` steps in
    /// all, of `batch` digits each, over `digits` digits an epoch.
    TrainStarted {
        job: u32,
        backend: Backend,
        digits: u32,
        steps: u32,
        batch: u32,
    },
    /// Training job `job` took step `step` of `steps` (in epoch `epoch`): the batch's loss and
    /// accuracy before the step, and the images per second since the start.
    TrainStep {
        job: u32,
        epoch: u32,
        step: u32,
        steps: u32,
        loss: f32,
        accuracy: f32,
        images_per_second: f32,
    },
    /// Training job `job`, paused by the page, holds after step `step` until it resumes.
    TrainPaused { job: u32, step: u32 },
    /// The first convolution's 32 filters (5×5 each) after step `step`.
    TrainFilters {
        job: u32,
        step: u32,
        #[serde(with = "floats")]
        filters: Vec<f32>,
    },
    /// After epoch `epoch` (step `step`), the share of the 5,000 validation digits read right.
    TrainValidated {
        job: u32,
        epoch: u32,
        step: u32,
        accuracy: f32,
    },
    /// Training job `job` carries on on another device (the GPU was lost), as `message` says.
    TrainMoved {
        job: u32,
        backend: Backend,
        message: String,
    },
    /// A training job's network.
    Trained(TrainedNetwork),
    /// Training job `job` failed; there is no new network.
    TrainFailed { job: u32, message: String },
    /// A message it could not read.
    Unreadable { message: String },
}

/// `message` as the object that travels.
pub fn encode(message: &impl Serialize) -> Result<JsValue, String> {
    serde_wasm_bindgen::to_value(message).map_err(|e| format!("a message could not be made: {e}"))
}

/// The message `value` carries, or why it is not one.
pub fn decode<T: DeserializeOwned>(value: JsValue) -> Result<T, String> {
    serde_wasm_bindgen::from_value(value).map_err(|e| format!("an unreadable message: {e}"))
}

/// Floats as the bytes of a `Float32Array` (little-endian, as wasm and every browser are):
/// one copy, where a JavaScript array of numbers would be one object per float.
mod floats {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(values: &[f32], serializer: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        serializer.serialize_bytes(&bytes)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<f32>, D::Error> {
        let bytes = serde_bytes::ByteBuf::deserialize(deserializer)?;
        if !bytes.len().is_multiple_of(4) {
            return Err(serde::de::Error::custom(format!(
                "{} bytes are not whole 32-bit floats",
                bytes.len()
            )));
        }
        Ok(bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_training_request_is_one_flat_object() {
        let request: TeachRequest = serde_json::from_str(
            r#"{ "kind": "train", "job": 1, "digits": 256, "epochs": 1, "seed": 7, "backend": "cpu" }"#,
        )
        .unwrap();
        let TeachRequest::Train(request) = request else {
            panic!("not a training request: {request:?}");
        };
        assert_eq!((request.digits, request.rate), (256, None));
    }

    #[test]
    fn a_training_control_reads_as_the_page_writes_it() {
        let request: TeachRequest =
            serde_json::from_str(r#"{ "kind": "control", "job": 2, "action": "pause" }"#).unwrap();
        assert!(matches!(
            request,
            TeachRequest::Control {
                job: 2,
                action: Control::Pause
            }
        ));
    }

    /// The engine worker's JavaScript loader reports a failed start as this object.
    #[test]
    fn the_loaders_error_is_an_engine_reply() {
        let reply: EngineReply = serde_json::from_str(
            r#"{ "kind": "error", "id": 0, "message": "the engine worker could not start" }"#,
        )
        .unwrap();
        assert_eq!(reply.id(), 0);
        assert!(matches!(reply, EngineReply::Error { .. }));
    }

    #[test]
    fn floats_travel_as_their_bytes_and_come_back_whole() {
        let sent = EngineReply::Values {
            id: 7,
            values: vec![0.5, -1.25, f32::MAX],
            lengths: vec![3],
        };
        let text = serde_json::to_string(&sent).unwrap();
        assert!(text.starts_with(r#"{"kind":"values","id":7,"values":[0,0,0,63,"#));
        let EngineReply::Values { values, .. } = serde_json::from_str(&text).unwrap() else {
            panic!("not values: {text}");
        };
        assert_eq!(values, vec![0.5, -1.25, f32::MAX]);
    }

    #[test]
    fn a_request_that_is_not_one_says_why() {
        let broken =
            r#"{ "kind": "forward", "id": 3, "engine": 1, "inputs": [1, 2, 3], "layers": false }"#;
        let error = serde_json::from_str::<EngineRequest>(broken).unwrap_err();
        assert!(
            error.to_string().contains("not whole 32-bit floats"),
            "{error}"
        );
        let unknown = serde_json::from_str::<TeachRequest>(r#"{ "kind": "learn" }"#).unwrap_err();
        assert!(unknown.to_string().contains("unknown variant"), "{unknown}");
    }
}
