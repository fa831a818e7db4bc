//! Opening an image file (a photo of a digit on paper): decoded by the browser, bounded in
//! size, then read as pixels for the shared preprocessing.

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{File, HtmlCanvasElement, ImageBitmap};

use mnist_model::image_file;

use crate::dom::context_2d;
use mnist_browser::js_error;

/// Larger files are refused before decoding.
pub const MAX_FILE_BYTES: f64 = 25.0 * 1024.0 * 1024.0;
/// Enough of a file's start to hold its size (a JPEG's can follow 64 KB of metadata).
const HEADER_BYTES: i32 = 256 * 1024;
/// The decoded image is drawn at most this large before its pixels are read.
const MAX_SIDE: f64 = 1024.0;

/// A decoded image and its RGBA pixels (at most 1024 px on a side).
pub struct Photo {
    pub bitmap: ImageBitmap,
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
}

/// Decodes `file`, or says in plain words why it cannot be used.
pub async fn open(file: &File) -> Result<Photo, String> {
    let name = file.name();
    if file.size() > MAX_FILE_BYTES {
        return Err(format!("{name} is too large (over 25 MB)."));
    }
    // Read the size the header claims before the browser decodes anything: a small file can
    // claim an image of gigabytes.
    let head = file
        .slice_with_i32_and_i32(0, HEADER_BYTES)
        .map_err(|e| format!("{name} cannot be read: {}", js_error(&e)))?;
    let head = JsFuture::from(head.array_buffer())
        .await
        .map_err(|e| format!("{name} cannot be read: {}", js_error(&e)))?;
    if let Some((width, height)) = image_file::dimensions(&js_sys::Uint8Array::new(&head).to_vec())
    {
        image_file::check(width, height).map_err(|e| format!("{name} is {e}."))?;
    }
    let window = web_sys::window().ok_or("no window")?;
    let promise = window
        .create_image_bitmap_with_blob(file)
        .map_err(|e| format!("{name} cannot be read: {}", js_error(&e)))?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(|_| format!("{name} is not an image this browser can decode."))?
        .dyn_into()
        .map_err(|_| format!("{name} did not decode to an image."))?;
    let (w, h) = (bitmap.width() as f64, bitmap.height() as f64);
    if w < 1.0 || h < 1.0 {
        return Err(format!("{name} has no pixels."));
    }
    let scale = (MAX_SIDE / w.max(h)).min(1.0);
    let (width, height) = (
        ((w * scale).round() as u32).max(1),
        ((h * scale).round() as u32).max(1),
    );
    let canvas: HtmlCanvasElement = window
        .document()
        .ok_or("no document")?
        .create_element("canvas")
        .map_err(|e| js_error(&e))?
        .dyn_into()
        .map_err(|_| "cannot make a canvas")?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = context_2d(&canvas)?;
    ctx.draw_image_with_image_bitmap_and_dw_and_dh(&bitmap, 0.0, 0.0, width as f64, height as f64)
        .map_err(|e| js_error(&e))?;
    let rgba = ctx
        .get_image_data(0.0, 0.0, width as f64, height as f64)
        .map_err(|e| js_error(&e))?
        .data()
        .0;
    Ok(Photo {
        bitmap,
        width: width as usize,
        height: height as usize,
        rgba,
    })
}
