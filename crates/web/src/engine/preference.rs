//! What the user asked for in `select#engine`, remembered on the device.

use crate::browser::storage;

/// Where the choice is kept (`localStorage`).
const STORAGE_KEY: &str = "mnist-engine";

/// What the user asked for in `select#engine`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Preference {
    /// The faster engine, by measurement.
    Auto,
    WebGpu,
    Cpu,
}

impl Preference {
    /// The value of its `<option>` and of the stored choice.
    pub fn id(self) -> &'static str {
        match self {
            Preference::Auto => "auto",
            Preference::WebGpu => "webgpu",
            Preference::Cpu => "cpu",
        }
    }

    pub fn parse(id: &str) -> Option<Self> {
        [Preference::Auto, Preference::WebGpu, Preference::Cpu]
            .into_iter()
            .find(|p| p.id() == id)
    }

    /// The choice remembered on this device; `Auto` when there is none or no storage.
    pub fn stored() -> Self {
        storage()
            .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten())
            .and_then(|id| Self::parse(&id))
            .unwrap_or(Preference::Auto)
    }

    /// Remembers the choice; without storage (private mode, blocked) it lasts the visit.
    pub fn store(self) {
        if let Some(s) = storage() {
            s.set_item(STORAGE_KEY, self.id()).ok();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preferences_round_trip_through_their_ids() {
        for p in [Preference::Auto, Preference::WebGpu, Preference::Cpu] {
            assert_eq!(Preference::parse(p.id()), Some(p));
        }
        assert_eq!(Preference::parse("gpu"), None);
    }
}
