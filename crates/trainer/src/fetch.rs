//! `trainer fetch`: downloads the official gzip files from the usual public mirrors, checks
//! their SHA-256 (of the uncompressed content, which every mirror shares) and writes each file
//! atomically.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::atomic;
use crate::hash::sha256_hex;
use crate::idx;
use crate::mnist::{FILES, MnistFile, locate};

/// Mirrors of the original files, tried in order.
pub const MIRRORS: [&str; 2] = [
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
];
/// The largest compressed file is 9.9 MB.
const MAX_DOWNLOAD: u64 = 32 << 20;

/// Whether `bytes` (raw or gzip) hold exactly the expected content of `file`.
pub fn verify(file: &MnistFile, bytes: &[u8]) -> Result<()> {
    let raw = if bytes.starts_with(&[0x1f, 0x8b]) {
        idx::gunzip(bytes).map_err(|p| anyhow::anyhow!("{}: {p}", file.name))?
    } else {
        bytes.to_vec()
    };
    let actual = sha256_hex(&raw);
    if actual != file.sha256 {
        bail!(
            "{}: SHA-256 {actual} does not match the official {}",
            file.name,
            file.sha256
        );
    }
    Ok(())
}

/// Makes sure `dir` holds all four verified files, downloading the missing ones.
pub fn fetch(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(Duration::from_secs(15)))
        .timeout_global(Some(Duration::from_secs(300)))
        .build()
        .into();
    for file in &FILES {
        let existing = locate(dir, file);
        if let Ok(bytes) = std::fs::read(&existing) {
            match verify(file, &bytes) {
                Ok(()) => {
                    println!("{}: present and verified", existing.display());
                    continue;
                }
                Err(e) if existing.extension().is_none() => bail!(
                    "{e}\n{} is damaged: delete it and run fetch again",
                    existing.display()
                ),
                Err(e) => println!("{e}; downloading it again"),
            }
        }
        let bytes = download(&agent, file)?;
        let target = dir.join(format!("{}.gz", file.name));
        atomic::write(&target, &bytes)?;
        println!("{}: downloaded and verified", target.display());
    }
    Ok(())
}

fn download(agent: &ureq::Agent, file: &MnistFile) -> Result<Vec<u8>> {
    let mut failures = Vec::new();
    for mirror in MIRRORS {
        let url = format!("{mirror}{}.gz", file.name);
        print!("fetching {url} … ");
        let result = agent
            .get(&url)
            .call()
            .and_then(|mut r| r.body_mut().with_config().limit(MAX_DOWNLOAD).read_to_vec())
            .map_err(anyhow::Error::from)
            .and_then(|bytes| verify(file, &bytes).map(|()| bytes));
        match result {
            Ok(bytes) => {
                println!("{} bytes", bytes.len());
                return Ok(bytes);
            }
            Err(e) => {
                println!("failed");
                failures.push(format!("  {url}: {e:#}"));
            }
        }
    }
    bail!(
        "could not download {} from any mirror; is this machine online?\n{}\n\
         Offline, copy the four files (raw or .gz) into the data directory instead (see README).",
        file.name,
        failures.join("\n")
    )
}
