//! The digits the user taught, kept on the device in `localStorage` (nothing leaves the page):
//! as `mnist_model::personal` bytes (785 an example), base64, in one entry.

use mnist_model::personal::{Example, decode_examples, encode_examples};

use crate::browser::storage;

const STORAGE_KEY: &str = "mnist-examples";
/// Enough for every digit several times over, and a few hundred kilobytes of storage at most.
pub const MAX_EXAMPLES: usize = 200;

/// The taught examples, and whether storage keeps them.
pub struct Examples {
    pub list: Vec<Example>,
    /// `false` when storage is unavailable or full: the examples last the visit.
    pub kept: bool,
}

impl Examples {
    /// The examples stored on this device; none when there are none or they are unreadable.
    pub fn stored() -> Self {
        let Some(storage) = storage() else {
            return Self {
                list: Vec::new(),
                kept: false,
            };
        };
        let list = storage
            .get_item(STORAGE_KEY)
            .ok()
            .flatten()
            .and_then(|text| decode(&text))
            .unwrap_or_default();
        Self { list, kept: true }
    }

    /// Adds one, unless there are [`MAX_EXAMPLES`] already.
    pub fn add(&mut self, example: Example) -> Result<(), String> {
        if self.list.len() >= MAX_EXAMPLES {
            return Err(format!(
                "You have taught {MAX_EXAMPLES} examples, the most it keeps: delete some first."
            ));
        }
        self.list.push(example);
        self.save();
        Ok(())
    }

    pub fn remove(&mut self, index: usize) {
        if index < self.list.len() {
            self.list.remove(index);
            self.save();
        }
    }

    pub fn clear(&mut self) {
        self.list.clear();
        self.save();
    }

    fn save(&mut self) {
        let written = storage().is_some_and(|s| {
            if self.list.is_empty() {
                s.remove_item(STORAGE_KEY).is_ok()
            } else {
                s.set_item(STORAGE_KEY, &encode(&self.list)).is_ok()
            }
        });
        self.kept = written;
    }
}

fn encode(list: &[Example]) -> String {
    // `btoa` takes a "binary string": one character per byte.
    let binary: String = encode_examples(list)
        .iter()
        .map(|&b| char::from(b))
        .collect();
    web_sys::window()
        .and_then(|w| w.btoa(&binary).ok())
        .unwrap_or_default()
}

fn decode(text: &str) -> Option<Vec<Example>> {
    let binary = web_sys::window()?.atob(text).ok()?;
    let bytes: Vec<u8> = binary
        .chars()
        .map(|c| u8::try_from(c).ok())
        .collect::<Option<_>>()?;
    decode_examples(&bytes)
}
