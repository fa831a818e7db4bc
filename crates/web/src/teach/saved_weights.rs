//! The personal weights, kept on the device in the browser's Cache Storage (binary, and apart
//! from the offline copy of the app, whose updates replace only caches of their own).

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{Cache, CacheStorage, Response};

use mnist_browser::{js_error, response_bytes};

const CACHE: &str = "personal-model";
const ENTRY: &str = "personal/mnist-cnn.bpk";

/// The saved personal weights, if any.
pub async fn load() -> Result<Option<Vec<u8>>, String> {
    if !exists().await? {
        return Ok(None);
    }
    let cache = open().await?;
    let found = JsFuture::from(cache.match_with_str(ENTRY))
        .await
        .map_err(|e| js_error(&e))?;
    let Ok(response) = found.dyn_into::<Response>() else {
        return Ok(None);
    };
    response_bytes(&response).await.map(Some)
}

/// Keeps `bytes` as the personal weights, replacing any before.
pub async fn save(bytes: &[u8]) -> Result<(), String> {
    let cache = open().await?;
    let mut body = bytes.to_vec();
    let response = Response::new_with_opt_u8_array(Some(&mut body)).map_err(|e| js_error(&e))?;
    JsFuture::from(cache.put_with_str(ENTRY, &response))
        .await
        .map_err(|e| js_error(&e))?;
    Ok(())
}

/// Forgets the personal weights.
pub async fn delete() -> Result<(), String> {
    if !exists().await? {
        return Ok(());
    }
    let cache = open().await?;
    JsFuture::from(cache.delete_with_str(ENTRY))
        .await
        .map_err(|e| js_error(&e))?;
    Ok(())
}

/// Whether the cache is there, without making it (opening makes one).
async fn exists() -> Result<bool, String> {
    let found = JsFuture::from(caches()?.has(CACHE))
        .await
        .map_err(|e| js_error(&e))?;
    Ok(found.as_bool() == Some(true))
}

fn caches() -> Result<CacheStorage, String> {
    let window = web_sys::window().ok_or("no window")?;
    // Missing outside secure contexts, and in some private modes.
    window
        .caches()
        .map_err(|_| "this browser offers no storage for it here".to_string())
}

async fn open() -> Result<Cache, String> {
    JsFuture::from(caches()?.open(CACHE))
        .await
        .map_err(|e| js_error(&e))?
        .dyn_into()
        .map_err(|_| "the browser's storage did not open".to_string())
}
