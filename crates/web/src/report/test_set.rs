//! MNIST's 10,000 test digits in the page: fetched only when asked for, and run through an
//! engine in small batches with a pause between them, so that the page keeps drawing and
//! answering. Its figures are the trainer's `eval` on the same weights file.

use std::rc::Rc;

use mnist_model::idx::{self, Images};
use mnist_model::{IMAGE_PIXELS, NUM_CLASSES};

use crate::clock::{now, pause};
use crate::engine::{Backend, Engine};

const IMAGES_URL: &str = "testset/t10k-images-idx3-ubyte.gz";
const LABELS_URL: &str = "testset/t10k-labels-idx1-ubyte.gz";

/// MNIST's test digits, as fetched.
pub struct TestSet {
    pub images: Images,
    pub labels: Vec<u8>,
}

/// The report card's state: whether a run is going, whether it was asked to stop, the test
/// set once fetched, and the last finished run (its misread digits are shown on demand).
#[derive(Default)]
pub struct TestRun {
    pub running: bool,
    pub stop: bool,
    pub set: Option<Rc<TestSet>>,
    pub last: Option<Tally>,
}

/// One engine's run over (the first `n` of) the test set.
#[derive(Debug, Clone)]
pub struct Tally {
    pub backend: Backend,
    pub n: usize,
    pub correct: usize,
    /// `confusion[truth][answer]`.
    pub confusion: [[usize; NUM_CLASSES]; NUM_CLASSES],
    /// Test-set indices of the digits read wrong, with the answer given.
    pub misread: Vec<(usize, usize)>,
    pub seconds: f64,
    /// Whether it was stopped before the end.
    pub stopped: bool,
}

impl Tally {
    fn new(backend: Backend) -> Self {
        Self {
            backend,
            n: 0,
            correct: 0,
            confusion: [[0; NUM_CLASSES]; NUM_CLASSES],
            misread: Vec::new(),
            seconds: 0.0,
            stopped: false,
        }
    }

    pub fn accuracy(&self) -> f64 {
        self.correct as f64 / self.n.max(1) as f64
    }

    pub fn images_per_second(&self) -> f64 {
        self.n as f64 / self.seconds.max(1e-9)
    }

    /// Of the digits `truth`, the share read right; `None` before any was seen.
    pub fn class_accuracy(&self, truth: usize) -> Option<f64> {
        let seen: usize = self.confusion[truth].iter().sum();
        (seen > 0).then(|| self.confusion[truth][truth] as f64 / seen as f64)
    }
}

/// Fetches and checks the test set; a message for the report area if it cannot be had.
pub async fn fetch() -> Result<TestSet, String> {
    let get = |url: &'static str| async move {
        mnist_browser::fetch_bytes(url)
            .await
            .map_err(|e| format!("Could not load the test set ({url}): {e}."))
    };
    let (images, labels) = idx::labelled(get(IMAGES_URL).await?, get(LABELS_URL).await?)
        .map_err(|p| format!("The test set is damaged: {p}."))?;
    Ok(TestSet { images, labels })
}

/// Runs `engine` over the first `limit` digits of `set`, calling `progress` after every batch;
/// stops early when `stop` says so. Errors (a GPU lost) end the run with a message.
pub async fn run(
    engine: &Engine,
    set: &TestSet,
    limit: usize,
    stop: impl Fn() -> bool,
    progress: impl Fn(&Tally),
) -> Result<Tally, String> {
    // Small batches on the CPU, which computes on the page's own thread: each one holds it for
    // a few tens of milliseconds at most.
    let batch = match engine.backend {
        Backend::Cpu => 20,
        Backend::WebGpu => 100,
    };
    let total = limit.min(set.images.count);
    let mut tally = Tally::new(engine.backend);
    let started = now();
    let mut next = 0;
    while next < total {
        if stop() {
            tally.stopped = true;
            break;
        }
        let end = (next + batch).min(total);
        let inputs: Vec<[f32; IMAGE_PIXELS]> = (next..end).map(|i| set.images.input(i)).collect();
        let outputs = engine.classify_all(&inputs).await?;
        for (i, output) in (next..end).zip(&outputs) {
            let truth = usize::from(set.labels[i]);
            // The page's own answer; the temperature keeps the logits' order, so it is also
            // `trainer eval`'s (the first of equals wins in both).
            let answer = output.verdict().digit;
            tally.confusion[truth][answer] += 1;
            if answer == truth {
                tally.correct += 1;
            } else {
                tally.misread.push((i, answer));
            }
        }
        tally.n = end;
        next = end;
        tally.seconds = (now() - started) / 1000.0;
        progress(&tally);
        pause().await;
    }
    tally.seconds = (now() - started) / 1000.0;
    Ok(tally)
}
