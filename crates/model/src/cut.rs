//! Where to cut touching digits apart. A group much wider than a digit (see
//! [`crate::segment`]) is most likely digits whose ink touches, but it may be one wide digit
//! (1.7 % of MNIST's test digits are wider than that limit, mostly 5s, 2s and 0s). So it is
//! read both ways in the same batch ([`crate::number`]): whole, and cut at the columns with the
//! fewest strokes into two to [`MOST_PIECES`] pieces of about equal width. An image's pieces are its
//! columns; the pad's are its strokes clipped to them ([`clip`]).

use std::ops::Range;

/// The most pieces a group is cut into.
pub(crate) const MOST_PIECES: usize = 4;
/// Pieces are on average at least this share of the group's height wide (a 1 is narrower,
/// but rarely two of them touch).
const NARROWEST_PIECE: f32 = 0.35;
/// A cut is looked for within this share of a piece's width either side of the even split.
const CUT_WINDOW: f32 = 0.35;
/// A piece shorter than this share of the group's height is a sliver of a stroke, not a digit:
/// the cut that made it is not tried.
pub(crate) const SHORTEST_PIECE: f32 = 0.5;

/// What cutting down each column of a `width` × `height` drawing costs: the strokes it
/// crosses, then the share of the column that is ink (as a fraction of a stroke). Where two digits touch, a cut crosses one
/// stroke; through the middle of a 0 or an 8 it would cross two or three, however thin.
pub(crate) fn column_costs(
    width: usize,
    height: usize,
    ink: impl Fn(usize, usize) -> bool,
) -> Vec<f32> {
    (0..width)
        .map(|x| {
            let (mut strokes, mut inked, mut before) = (0, 0, false);
            for y in 0..height {
                let now = ink(x, y);
                strokes += usize::from(now && !before);
                inked += usize::from(now);
                before = now;
            }
            // Under one: fewer strokes always cost less.
            strokes as f32 + 0.5 * inked as f32 / height as f32
        })
        .collect()
}

/// The ways to cut a group `costs.len()` columns wide and `height` tall, given what a cut down
/// each column costs ([`column_costs`]): for each number of pieces that fits, the pieces'
/// column ranges, left to right. Each cut is at the cheapest column near the even split.
pub(crate) fn cuts(costs: &[f32], height: f32) -> Vec<Vec<Range<usize>>> {
    let profile = costs;
    let width = profile.len();
    // A group with no height (a dash, or NaN) has nothing to cut.
    if height.is_nan() || height <= 0.0 {
        return Vec::new();
    }
    let most = ((width as f32 / (NARROWEST_PIECE * height)) as usize).min(MOST_PIECES);
    (2..=most)
        .map(|pieces| {
            let piece = width as f32 / pieces as f32;
            let mut edges = vec![0];
            for j in 1..pieces {
                let centre = j as f32 * piece;
                let from = ((centre - CUT_WINDOW * piece).ceil() as usize)
                    .max(edges[j - 1] + 1)
                    .min(width - 1);
                let to = ((centre + CUT_WINDOW * piece) as usize).min(width - 1);
                let cheapest = (from..=to.max(from))
                    .min_by(|&a, &b| {
                        profile[a].total_cmp(&profile[b]).then(
                            (a as f32 - centre)
                                .abs()
                                .total_cmp(&(b as f32 - centre).abs()),
                        )
                    })
                    .unwrap_or(from);
                edges.push(cheapest);
            }
            edges.push(width);
            edges.windows(2).map(|e| e[0]..e[1]).collect()
        })
        .collect()
}

/// The parts of the polyline `points` whose x lies in `from..=to`, cut where it crosses
/// those lines.
pub(crate) fn clip(points: &[(f32, f32)], from: f32, to: f32) -> Vec<Vec<(f32, f32)>> {
    let inside = |(x, _): (f32, f32)| (from..=to).contains(&x);
    if let [point] = points {
        return if inside(*point) {
            vec![vec![*point]]
        } else {
            Vec::new()
        };
    }
    let mut parts: Vec<Vec<(f32, f32)>> = Vec::new();
    // Whether the last segment ended inside, so that the next one goes on the same part.
    let mut open = false;
    for pair in points.windows(2) {
        let ((ax, ay), (bx, by)) = (pair[0], pair[1]);
        let at = |t: f32| (ax + t * (bx - ax), ay + t * (by - ay));
        // The share of the segment inside, as t0..=t1 of its length.
        let (t0, t1) = if ax == bx {
            if inside(pair[0]) {
                (0.0, 1.0)
            } else {
                (1.0, 0.0)
            }
        } else {
            let (ta, tb) = ((from - ax) / (bx - ax), (to - ax) / (bx - ax));
            (ta.min(tb).max(0.0), ta.max(tb).min(1.0))
        };
        if t0 > t1 {
            open = false;
            continue;
        }
        match parts.last_mut() {
            Some(part) if open && t0 == 0.0 => part.push(at(t1)),
            _ => parts.push(vec![at(t0), at(t1)]),
        }
        open = t1 == 1.0;
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_crosses_the_fewest_strokes() {
        // Two rings, 9 columns each, sharing column 9: across the rings a cut crosses two
        // strokes, down the shared side only one.
        let ring = |x: usize, y: usize| {
            let x = if x > 9 { x - 9 } else { x };
            x == 0 || x == 9 || y == 0 || y == 13
        };
        let costs = column_costs(19, 14, ring);
        assert_eq!(costs[9], 1.5);
        assert!(costs[4] > 2.0 && costs[4] < 2.1, "{costs:?}");
        let found = cuts(&costs, 14.0);
        assert_eq!(found[0], vec![0..9, 9..19]);
    }

    #[test]
    fn cuts_fall_at_the_cheapest_column_near_the_even_split() {
        // Two 10-column blobs joined by a thin neck at columns 9–10.
        let mut profile = vec![8.0; 20];
        profile[9] = 1.0;
        profile[10] = 2.0;
        let found = cuts(&profile, 14.0);
        assert_eq!(found.len(), MOST_PIECES - 1, "2, 3 and 4 pieces fit");
        assert_eq!(found[0], vec![0..9, 9..20]);
        assert!(found.iter().all(|c| c.iter().all(|r| !r.is_empty())));
    }

    #[test]
    fn a_group_too_narrow_for_two_pieces_has_no_cuts() {
        assert!(cuts(&[1.0; 10], 20.0).is_empty());
    }

    #[test]
    fn a_stroke_is_clipped_where_it_crosses_the_lines() {
        // A zigzag across x = 10: out, in, out, in.
        let stroke = [(0.0, 0.0), (20.0, 0.0), (0.0, 10.0), (20.0, 10.0)];
        let left = clip(&stroke, 0.0, 10.0);
        assert_eq!(
            left,
            [
                vec![(0.0, 0.0), (10.0, 0.0)],
                vec![(10.0, 5.0), (0.0, 10.0), (10.0, 10.0)]
            ]
        );
        let right = clip(&stroke, 10.0, 20.0);
        assert_eq!(
            right,
            [
                vec![(10.0, 0.0), (20.0, 0.0), (10.0, 5.0)],
                vec![(10.0, 10.0), (20.0, 10.0)]
            ]
        );
        assert!(clip(&stroke, 30.0, 40.0).is_empty());
        assert_eq!(clip(&[(5.0, 5.0)], 0.0, 10.0), [vec![(5.0, 5.0)]]);
    }
}
