//! Digits from real writers outside MNIST, scanned from paper as black-and-white bitmaps: the
//! UCI corpora optdigits (32×32, 30 writers) and semeion (16×16, about 80 writers), read from
//! bytes (raw or gzip). Each corpus keeps a fixed tail of its digits, other writers than the
//! rest, out of training as its validation set: the figures the training recipe is chosen by.

use std::ops::Range;

use crate::idx;
use crate::network::IMAGE_PIXELS;
use crate::preprocess::{Bitmap, PixelFormat, PreprocessError, preprocess};

/// One of the corpora.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Corpus {
    /// Alpaydin and Kaynak's "Optical Recognition of Handwritten Digits" (Boğaziçi University,
    /// 1995), its training writers' forms: per digit 32 lines of 32 `0`/`1`, then the label.
    Optdigits,
    /// "Semeion Handwritten Digit" (Tactile Srl, Brescia, 1994), every digit written twice by
    /// each writer: per digit 256 pixels (16×16) then the label one-hot, one line a digit.
    Semeion,
}

impl Corpus {
    pub const ALL: [Corpus; 2] = [Corpus::Optdigits, Corpus::Semeion];

    pub fn name(self) -> &'static str {
        match self {
            Corpus::Optdigits => "optdigits",
            Corpus::Semeion => "semeion",
        }
    }

    /// Its file's name in the folder of corpora.
    pub fn file_name(self) -> &'static str {
        match self {
            Corpus::Optdigits => "optdigits-orig.tra.gz",
            Corpus::Semeion => "semeion.data.gz",
        }
    }

    /// The scans' side in pixels.
    pub fn side(self) -> usize {
        match self {
            Corpus::Optdigits => 32,
            Corpus::Semeion => 16,
        }
    }

    /// Where the validation digits start. The files keep each writer's digits together, so a
    /// tail is mostly writers the training part never saw: optdigits' last fifth (about 6 of its
    /// 30 writers) and semeion's last round of runs of 0 to 9 (about 20 of its ~80 writers).
    fn validation_from(self) -> usize {
        match self {
            Corpus::Optdigits => 1547,
            Corpus::Semeion => 1194,
        }
    }

    /// The corpus in `bytes` (its file as shipped, raw or gzip).
    pub fn parse(self, bytes: &[u8]) -> Result<Scans, CorpusError> {
        let text = idx::unpack(bytes.to_vec()).map_err(|e| self.error(0, e.to_string()))?;
        let text = std::str::from_utf8(&text).map_err(|_| self.error(0, "not text".into()))?;
        let (pixels, labels) = match self {
            Corpus::Optdigits => self.parse_optdigits(text)?,
            Corpus::Semeion => self.parse_semeion(text)?,
        };
        if labels.is_empty() {
            return Err(self.error(0, "no digits".into()));
        }
        Ok(Scans {
            corpus: self,
            pixels,
            labels,
        })
    }

    fn error(self, line: usize, problem: String) -> CorpusError {
        CorpusError {
            corpus: self.name(),
            line,
            problem,
        }
    }

    /// Rows of 32 `0`/`1`, 32 to a digit, each digit followed by its label; lines before the
    /// first row are the header.
    fn parse_optdigits(self, text: &str) -> Result<(Vec<bool>, Vec<u8>), CorpusError> {
        let side = self.side();
        let (mut pixels, mut labels, mut rows) = (Vec::new(), Vec::new(), 0);
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l.trim_end())) {
            let is_row = line.len() == side && line.bytes().all(|b| b == b'0' || b == b'1');
            if rows < side {
                if is_row {
                    pixels.extend(line.bytes().map(|b| b == b'1'));
                    rows += 1;
                } else if rows > 0 || !labels.is_empty() {
                    return Err(self.error(n, format!("expected a row of {side} 0s and 1s")));
                }
            } else {
                labels.push(digit_label(line.trim()).ok_or_else(|| {
                    self.error(n, format!("expected a digit's label, found {line:?}"))
                })?);
                rows = 0;
            }
        }
        if rows > 0 {
            return Err(self.error(0, "the last digit is cut short".into()));
        }
        Ok((pixels, labels))
    }

    /// A digit's 256 pixels and 10 label values, on one line or broken over several; a line
    /// may end with the label again as one word of ten 0s and 1s.
    fn parse_semeion(self, text: &str) -> Result<(Vec<bool>, Vec<u8>), CorpusError> {
        const PIXELS: usize = 256;
        let (mut pixels, mut labels, mut values) = (Vec::new(), Vec::new(), Vec::new());
        for (n, line) in text.lines().enumerate().map(|(n, l)| (n + 1, l)) {
            for word in line.split_whitespace() {
                if values.len() == PIXELS + 10 {
                    let label: String = values[PIXELS..].iter().collect();
                    if word != label {
                        return Err(self.error(n, format!("{word:?} after a digit's label")));
                    }
                    continue;
                }
                // The original release writes pixels as "1.0000".
                let value = match word.parse::<f32>() {
                    Ok(0.0) => '0',
                    Ok(1.0) => '1',
                    _ => return Err(self.error(n, format!("{word:?} is not 0 or 1"))),
                };
                values.push(value);
            }
            if values.len() == PIXELS + 10 {
                let hot: Vec<usize> = (0..10).filter(|&d| values[PIXELS + d] == '1').collect();
                let [label] = hot[..] else {
                    return Err(self.error(n, "the label is not one of ten".into()));
                };
                pixels.extend(values[..PIXELS].iter().map(|&v| v == '1'));
                labels.push(label as u8);
                values.clear();
            } else if values.len() > PIXELS + 10 {
                return Err(self.error(n, "more values than a digit has".into()));
            }
        }
        if !values.is_empty() {
            return Err(self.error(0, "the last digit is cut short".into()));
        }
        Ok((pixels, labels))
    }
}

fn digit_label(word: &str) -> Option<u8> {
    match word.as_bytes() {
        [d @ b'0'..=b'9'] => Some(d - b'0'),
        _ => None,
    }
}

/// What is wrong with a corpus file, and where (line 0: the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{corpus}{}: {problem}", match line { 0 => String::new(), n => format!(" line {n}") })]
pub struct CorpusError {
    pub corpus: &'static str,
    pub line: usize,
    pub problem: String,
}

/// Which digits of a corpus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Train,
    Validation,
}

/// A corpus's scans and labels.
#[derive(Debug, Clone)]
pub struct Scans {
    pub corpus: Corpus,
    /// Ink (`true`) or paper, row by row, `side × side` a digit.
    pixels: Vec<bool>,
    pub labels: Vec<u8>,
}

/// Paper left round each scan, in scan pixels, so that ink at a scan's edge (semeion's
/// digits fill their box) reads as a digit on paper.
const MARGIN: usize = 4;

impl Scans {
    pub fn len(&self) -> usize {
        self.labels.len()
    }

    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// The digits of `part`.
    pub fn part(&self, part: Part) -> Range<usize> {
        let split = self.corpus.validation_from().min(self.len());
        match part {
            Part::Train => 0..split,
            Part::Validation => split..self.len(),
        }
    }

    /// Digit `i` as a photo of it would show it: dark ink on white paper, with a margin,
    /// `side + 2 × MARGIN` pixels a side.
    pub fn paper(&self, i: usize) -> Vec<u8> {
        let side = self.corpus.side();
        let outer = side + 2 * MARGIN;
        let scan = &self.pixels[i * side * side..(i + 1) * side * side];
        (0..outer * outer)
            .map(|p| {
                let (x, y) = (
                    (p % outer).wrapping_sub(MARGIN),
                    (p / outer).wrapping_sub(MARGIN),
                );
                match x < side && y < side && scan[y * side + x] {
                    true => 0,
                    false => 255,
                }
            })
            .collect()
    }

    /// Digit `i` as model input, through [`preprocess`] as any photo is.
    pub fn input(&self, i: usize) -> Result<[f32; IMAGE_PIXELS], PreprocessError> {
        let side = self.corpus.side() + 2 * MARGIN;
        preprocess(Bitmap {
            width: side,
            height: side,
            format: PixelFormat::Gray,
            pixels: &self.paper(i),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn optdigits_digit(label: &str, ink: (usize, usize)) -> String {
        let mut text = String::new();
        for y in 0..32 {
            let row: String = (0..32)
                .map(
                    |x| match (ink.0..ink.1).contains(&x) && (4..28).contains(&y) {
                        true => '1',
                        false => '0',
                    },
                )
                .collect();
            text += &row;
            text += "\n";
        }
        format!("{text}{label}\n")
    }

    fn semeion_line(label: usize, ink_col: usize) -> String {
        let pixels = (0..256).map(|p| if p % 16 == ink_col { "1" } else { "0" });
        let hot = (0..10).map(|d| if d == label { "1" } else { "0" });
        let words: Vec<&str> = pixels.chain(hot).collect();
        format!("{}\n", words.join(" "))
    }

    #[test]
    fn reads_optdigits_with_its_header() {
        let text = format!(
            "1934\nsome header\n{}{}",
            optdigits_digit(" 1", (14, 18)),
            optdigits_digit(" 7", (10, 20))
        );
        let scans = Corpus::Optdigits.parse(text.as_bytes()).unwrap();
        assert_eq!(scans.labels, [1, 7]);
        let paper = scans.paper(0);
        assert_eq!(paper.len(), 40 * 40);
        assert_eq!(paper[(4 + 10) * 40 + 4 + 15], 0, "ink is dark");
        assert_eq!(paper[(4 + 10) * 40 + 4 + 5], 255, "paper is white");
        let input = scans.input(0).unwrap();
        assert!(input.iter().any(|&v| v > 0.9));
    }

    #[test]
    fn reads_semeion_on_one_line_or_broken_over_several() {
        let whole = semeion_line(3, 8);
        let broken = whole
            .split_whitespace()
            .collect::<Vec<_>>()
            .chunks(16)
            .map(|c| c.join("\t"))
            .collect::<Vec<_>>()
            .join("\n");
        let with_label_word = format!("{} 0001000000\n", whole.trim_end());
        let text = format!("{broken}\n{whole}{with_label_word}");
        let scans = Corpus::Semeion.parse(text.as_bytes()).unwrap();
        assert_eq!(scans.labels, [3, 3, 3]);
        assert_eq!(scans.paper(0), scans.paper(2));
    }

    #[test]
    fn refuses_malformed_files_with_the_line() {
        let mut lines: Vec<String> = optdigits_digit(" 1", (14, 18))
            .lines()
            .map(String::from)
            .collect();
        lines[4].truncate(30);
        let err = Corpus::Optdigits
            .parse(lines.join("\n").as_bytes())
            .unwrap_err();
        assert_eq!(err.line, 5, "{err}");
        let no_label = optdigits_digit("x", (14, 18));
        let err = Corpus::Optdigits.parse(no_label.as_bytes()).unwrap_err();
        assert_eq!((err.line, err.corpus), (33, "optdigits"), "{err}");
        let cut = lines[..20].join("\n");
        assert!(Corpus::Optdigits.parse(cut.as_bytes()).is_err());

        let line = semeion_line(3, 8);
        let mut two_hot: Vec<&str> = line.split_whitespace().collect();
        two_hot[256 + 5] = "1";
        assert!(Corpus::Semeion.parse(two_hot.join(" ").as_bytes()).is_err());
        let bad = semeion_line(3, 8).replacen('0', "2", 1);
        assert_eq!(Corpus::Semeion.parse(bad.as_bytes()).unwrap_err().line, 1);
        let cut = &semeion_line(3, 8)[..100];
        assert!(Corpus::Semeion.parse(cut.as_bytes()).is_err());
        assert!(Corpus::Semeion.parse(b"").is_err(), "no digits");
        assert!(Corpus::Semeion.parse(&[0xff, 0xfe]).is_err(), "not text");
    }

    #[test]
    fn the_validation_part_is_the_tail() {
        let text: String = (0..1200).map(|i| semeion_line(i % 10, 8)).collect();
        let scans = Corpus::Semeion.parse(text.as_bytes()).unwrap();
        assert_eq!(scans.part(Part::Train), 0..1194);
        assert_eq!(scans.part(Part::Validation), 1194..1200);
    }
}
