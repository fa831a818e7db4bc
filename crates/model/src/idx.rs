//! The IDX format MNIST ships in, from bytes: raw or gzip-compressed, validating everything a
//! damaged or foreign file could get wrong. Shared by the trainer (which reads the files, and
//! writes the page's replay set) and the page (which fetches the test set to run it in the
//! browser).

use std::fmt;
use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use crate::IMAGE_PIXELS;

const IMAGES_MAGIC: u32 = 0x0000_0803;
const LABELS_MAGIC: u32 = 0x0000_0801;
/// The largest IDX file this reader accepts (MNIST's biggest is 47 MB), so a header that lies
/// about its size, or a gzip bomb, cannot make it allocate without bound.
pub const MAX_BYTES: u64 = 256 << 20;

/// Images of one IDX file: `count` images of `rows`×`cols` bytes, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Images {
    pub count: usize,
    pub rows: usize,
    pub cols: usize,
    pub pixels: Vec<u8>,
}

impl Images {
    /// Image `i` as model input: 0..1 floats, white ink on black (MNIST's own polarity).
    pub fn input(&self, i: usize) -> [f32; IMAGE_PIXELS] {
        let mut out = [0.0; IMAGE_PIXELS];
        for (o, &p) in out.iter_mut().zip(self.image(i)) {
            *o = f32::from(p) / 255.0;
        }
        out
    }

    /// Pixels of image `i`.
    pub fn image(&self, i: usize) -> &[u8] {
        let size = self.rows * self.cols;
        &self.pixels[i * size..(i + 1) * size]
    }
}

/// What is wrong with an IDX file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Io(String),
    Gzip(String),
    TooLarge,
    TooShort { len: usize },
    Magic { found: u32, expected: u32 },
    Dimensions { rows: usize, cols: usize },
    Length { declared: usize, actual: usize },
    Label { index: usize, value: u8 },
    Counts { images: usize, labels: usize },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Io(e) => write!(f, "cannot read it: {e}"),
            Problem::Gzip(e) => write!(f, "corrupt gzip data: {e}"),
            Problem::TooLarge => write!(f, "larger than {MAX_BYTES} bytes, not an MNIST file"),
            Problem::TooShort { len } => write!(f, "only {len} bytes, too short for an IDX header"),
            Problem::Magic { found, expected } => write!(
                f,
                "magic number {found:#010x}, expected {expected:#010x} (wrong kind of IDX file?)"
            ),
            Problem::Dimensions { rows, cols } => {
                write!(f, "images are {rows}×{cols}, expected 28×28")
            }
            Problem::Length { declared, actual } => write!(
                f,
                "header declares {declared} data bytes but the file holds {actual} (truncated or padded)"
            ),
            Problem::Label { index, value } => {
                write!(f, "label {index} is {value}, outside 0..=9")
            }
            Problem::Counts { images, labels } => {
                write!(f, "{images} images but {labels} labels")
            }
        }
    }
}

/// The bytes of an IDX file as fetched or read: gunzipped when they carry the gzip
/// signature, and refused beyond [`MAX_BYTES`].
pub fn unpack(raw: Vec<u8>) -> Result<Vec<u8>, Problem> {
    if raw.len() as u64 > MAX_BYTES {
        return Err(Problem::TooLarge);
    }
    if raw.starts_with(&[0x1f, 0x8b]) {
        gunzip(&raw)
    } else {
        Ok(raw)
    }
}

/// Decompresses gzip data, refusing output beyond [`MAX_BYTES`].
pub fn gunzip(compressed: &[u8]) -> Result<Vec<u8>, Problem> {
    let mut out = Vec::new();
    GzDecoder::new(compressed)
        .take(MAX_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| Problem::Gzip(e.to_string()))?;
    if out.len() as u64 > MAX_BYTES {
        return Err(Problem::TooLarge);
    }
    Ok(out)
}

/// Labelled digits from the bytes of an image file and of a label file as fetched or read
/// (each raw or gzipped), each checked, and as many labels as images.
pub fn labelled(images: Vec<u8>, labels: Vec<u8>) -> Result<(Images, Vec<u8>), Problem> {
    let images = parse_images(&unpack(images)?)?;
    let labels = parse_labels(&unpack(labels)?)?;
    if images.count != labels.len() {
        return Err(Problem::Counts {
            images: images.count,
            labels: labels.len(),
        });
    }
    Ok((images, labels))
}

/// The bytes of an image file: the header for `count` images of `rows`×`cols`, then `pixels`
/// as given (whether they fit is for [`parse_images`] to check).
pub fn images_file(count: usize, rows: usize, cols: usize, pixels: &[u8]) -> Vec<u8> {
    let mut bytes = write_header(IMAGES_MAGIC, &[count, rows, cols]);
    bytes.extend_from_slice(pixels);
    bytes
}

/// The bytes of a label file holding `labels`.
pub fn labels_file(labels: &[u8]) -> Vec<u8> {
    let mut bytes = write_header(LABELS_MAGIC, &[labels.len()]);
    bytes.extend_from_slice(labels);
    bytes
}

/// `bytes` gzip-compressed, as MNIST's files are shipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder
        .write_all(bytes)
        .expect("writing to memory cannot fail");
    encoder.finish().expect("writing to memory cannot fail")
}

/// An IDX header: the magic number, then each dimension, all big-endian (the format's sizes
/// are 32-bit: larger ones are cut).
fn write_header(magic: u32, dims: &[usize]) -> Vec<u8> {
    let mut bytes = magic.to_be_bytes().to_vec();
    for &d in dims {
        bytes.extend_from_slice(&(d as u32).to_be_bytes());
    }
    bytes
}

fn header(bytes: &[u8], words: usize, magic: u32) -> Result<Vec<usize>, Problem> {
    let word = |i: usize| u32::from_be_bytes(bytes[4 * i..4 * i + 4].try_into().unwrap());
    // The magic number first: a file of the wrong kind is named as such, however short.
    if bytes.len() >= 4 && word(0) != magic {
        return Err(Problem::Magic {
            found: word(0),
            expected: magic,
        });
    }
    if bytes.len() < 4 * words {
        return Err(Problem::TooShort { len: bytes.len() });
    }
    Ok((1..words).map(|i| word(i) as usize).collect())
}

/// Parses the bytes of an image file: magic 0x803, count, rows, cols, then pixels.
pub fn parse_images(bytes: &[u8]) -> Result<Images, Problem> {
    let dims = header(bytes, 4, IMAGES_MAGIC)?;
    let (count, rows, cols) = (dims[0], dims[1], dims[2]);
    if rows != 28 || cols != 28 {
        return Err(Problem::Dimensions { rows, cols });
    }
    let actual = bytes.len() - 16;
    // 784 × a u32 count cannot overflow usize on 64-bit targets; saturate on 32-bit ones.
    let declared = count.saturating_mul(rows * cols);
    if declared != actual {
        return Err(Problem::Length { declared, actual });
    }
    Ok(Images {
        count,
        rows,
        cols,
        pixels: bytes[16..].to_vec(),
    })
}

/// Parses the bytes of a label file: magic 0x801, count, then one byte 0..=9 per label.
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>, Problem> {
    let dims = header(bytes, 2, LABELS_MAGIC)?;
    let (declared, actual) = (dims[0], bytes.len() - 8);
    if declared != actual {
        return Err(Problem::Length { declared, actual });
    }
    let labels = bytes[8..].to_vec();
    if let Some((index, &value)) = labels.iter().enumerate().find(|&(_, &v)| v > 9) {
        return Err(Problem::Label { index, value });
    }
    Ok(labels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An image file of `pixels` bytes counting up, whatever its header says.
    fn image_file(count: usize, rows: usize, cols: usize, pixels: usize) -> Vec<u8> {
        let pixels: Vec<u8> = (0..pixels).map(|i| (i % 251) as u8).collect();
        images_file(count, rows, cols, &pixels)
    }

    #[test]
    fn parses_good_files() {
        let images = parse_images(&image_file(3, 28, 28, 3 * 784)).unwrap();
        assert_eq!((images.count, images.rows, images.cols), (3, 28, 28));
        assert_eq!(images.image(2)[0], ((2 * 784) % 251) as u8);
        assert_eq!(
            parse_labels(&labels_file(&[0, 9, 5])).unwrap(),
            vec![0, 9, 5]
        );
    }

    #[test]
    fn rejects_each_malformed_case() {
        let short = parse_images(&[0, 0, 8]).unwrap_err();
        assert_eq!(short, Problem::TooShort { len: 3 });
        let labels_as_images = parse_images(&labels_file(&[1, 2])).unwrap_err();
        assert!(matches!(
            labels_as_images,
            Problem::Magic { found: 0x801, .. }
        ));
        let dims = parse_images(&image_file(1, 32, 32, 1024)).unwrap_err();
        assert_eq!(dims, Problem::Dimensions { rows: 32, cols: 32 });
        let truncated = parse_images(&image_file(2, 28, 28, 784 + 100)).unwrap_err();
        assert_eq!(
            truncated,
            Problem::Length {
                declared: 1568,
                actual: 884
            }
        );
        let lying = parse_images(&image_file(u32::MAX as usize, 28, 28, 784)).unwrap_err();
        assert!(matches!(lying, Problem::Length { .. }));
        let mut bad_count = labels_file(&[1, 2, 3]);
        bad_count.pop();
        assert!(matches!(
            parse_labels(&bad_count),
            Err(Problem::Length { .. })
        ));
        let out_of_range = parse_labels(&labels_file(&[1, 12])).unwrap_err();
        assert_eq!(
            out_of_range,
            Problem::Label {
                index: 1,
                value: 12
            }
        );
    }

    #[test]
    fn labelled_digits_need_as_many_labels_as_images() {
        let images = gzip(&image_file(2, 28, 28, 2 * 784));
        let (read, labels) = labelled(images.clone(), labels_file(&[3, 4])).unwrap();
        assert_eq!((read.count, labels), (2, vec![3, 4]));
        let problem = labelled(images, labels_file(&[3])).unwrap_err();
        assert_eq!(problem.to_string(), "2 images but 1 labels");
    }

    #[test]
    fn refuses_a_gzip_bomb() {
        let bomb = gzip(&vec![0u8; (MAX_BYTES + 10) as usize]);
        assert_eq!(gunzip(&bomb).unwrap_err(), Problem::TooLarge);
    }
}
