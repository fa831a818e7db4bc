//! A number read from its digits in one batch. A digit that looks like touching digits comes
//! with the ways it could be cut apart ([`crate::cut`]); the network reads the whole and every
//! piece together, and [`settle`] keeps the reading it is surer of.

use std::ops::Range;

use crate::network::IMAGE_PIXELS;
use crate::segment::Digit;

/// Every input to read for `digits`, in one batch: each digit's own, then the pieces of each
/// of its cuts, in order.
pub fn inputs(digits: &[Digit]) -> Vec<[f32; IMAGE_PIXELS]> {
    let mut all = Vec::new();
    for digit in digits {
        all.push(digit.input);
        all.extend(digit.cuts.iter().flatten().map(|piece| piece.input));
    }
    all
}

/// The digits as read, given the `answers` to [`inputs`] in order and how sure each answer is
/// (`judge`: whether sure, and the confidence). A touching digit gives way to the cut whose
/// least sure piece is surest, when every piece of it is sure and surer than the whole; its
/// pieces are then digits of their own. Answers missing at the end leave their digits out.
pub fn settle<A: Clone>(
    digits: &[Digit],
    answers: &[A],
    judge: impl Fn(&A) -> (bool, f32),
) -> Vec<(Digit, A)> {
    let mut read = Vec::new();
    let mut next = 0;
    for digit in digits {
        let Some(whole) = answers.get(next) else {
            break;
        };
        next += 1;
        let mut best: Option<(f32, Range<usize>, &Vec<Digit>)> = None;
        for cut in &digit.cuts {
            let at = next..next + cut.len();
            next += cut.len();
            let Some(pieces) = answers.get(at.clone()) else {
                continue;
            };
            let judged: Vec<(bool, f32)> = pieces.iter().map(&judge).collect();
            let least = judged.iter().map(|j| j.1).fold(f32::INFINITY, f32::min);
            if judged.iter().all(|j| j.0) && best.as_ref().is_none_or(|b| least > b.0) {
                best = Some((least, at, cut));
            }
        }
        let (whole_sure, whole_confidence) = judge(whole);
        match best {
            Some((least, at, cut)) if !whole_sure || least > whole_confidence => {
                read.extend(cut.iter().cloned().zip(answers[at].iter().cloned()));
            }
            _ => read.push((digit.clone(), whole.clone())),
        }
    }
    read
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::segment::Bounds;

    fn digit(value: f32, cuts: Vec<Vec<Digit>>) -> Digit {
        Digit {
            bounds: Bounds {
                x: 0,
                y: 0,
                width: 1,
                height: 1,
            },
            input: [value; IMAGE_PIXELS],
            touching: !cuts.is_empty(),
            cuts,
        }
    }

    #[test]
    fn a_cut_stands_only_when_its_pieces_are_sure_and_surer_than_the_whole() {
        let cut = || vec![vec![digit(1.0, vec![]), digit(2.0, vec![])]];
        let digits = vec![digit(0.0, cut())];
        // Answers: (sure, confidence) for the whole, then for the two pieces.
        let read = |answers: [(bool, f32); 3]| {
            settle(&digits, &answers, |a| *a)
                .iter()
                .map(|(d, _)| d.input[0])
                .collect::<Vec<_>>()
        };
        assert_eq!(read([(false, 0.5), (true, 0.9), (true, 0.95)]), [1.0, 2.0]);
        assert_eq!(read([(true, 0.8), (true, 0.9), (true, 0.95)]), [1.0, 2.0]);
        assert_eq!(read([(true, 0.99), (true, 0.9), (true, 0.95)]), [0.0]);
        assert_eq!(read([(false, 0.5), (true, 0.9), (false, 0.6)]), [0.0]);
    }

    #[test]
    fn inputs_and_settle_keep_the_order_of_the_digits() {
        let digits = vec![
            digit(5.0, vec![]),
            digit(0.0, vec![vec![digit(1.0, vec![]), digit(2.0, vec![])]]),
            digit(6.0, vec![]),
        ];
        let inputs = inputs(&digits);
        let order: Vec<f32> = inputs.iter().map(|i| i[0]).collect();
        assert_eq!(order, [5.0, 0.0, 1.0, 2.0, 6.0]);
        let read = settle(&digits, &order, |&v| {
            (true, if v == 0.0 { 0.5 } else { 0.9 })
        });
        let values: Vec<f32> = read.iter().map(|(_, a)| *a).collect();
        assert_eq!(values, [5.0, 1.0, 2.0, 6.0]);
        // Too few answers: a cut without them is not taken, a digit without one is left out.
        let read = settle(&digits, &order[..2], |_| (true, 0.9));
        assert_eq!(read.len(), 2);
    }
}
