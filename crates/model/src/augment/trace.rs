//! A one-pixel skeleton read as a pen would draw it: polylines that follow its lines from end
//! to end, every join between two of its pixels drawn once.

/// A pixel of a skeleton: (x, y).
pub type Pixel = (usize, usize);

/// A `side`×`side` grid of skeleton pixels.
#[derive(Debug, Clone, Copy)]
pub struct Skeleton<'a> {
    on: &'a [bool],
    side: usize,
}

impl<'a> Skeleton<'a> {
    /// # Panics
    /// If `on` does not hold `side`×`side` pixels.
    pub fn new(on: &'a [bool], side: usize) -> Self {
        assert_eq!(on.len(), side * side, "a skeleton is side×side pixels");
        Self { on, side }
    }

    fn at(&self, x: isize, y: isize) -> bool {
        let side = self.side as isize;
        (0..side).contains(&x) && (0..side).contains(&y) && self.on[(y * side + x) as usize]
    }

    /// The skeleton's pixels, in reading order.
    pub fn pixels(&self) -> impl Iterator<Item = Pixel> + '_ {
        (0..self.on.len())
            .filter(|&i| self.on[i])
            .map(|i| (i % self.side, i / self.side))
    }

    /// The pixels joined to `(x, y)`: its 8 neighbours, less a diagonal one that a shared side
    /// neighbour already joins, so that a staircase is one line, not a chain of triangles.
    pub fn joined(&self, (x, y): Pixel) -> impl Iterator<Item = Pixel> + '_ {
        let (x, y) = (x as isize, y as isize);
        (-1..=1)
            .flat_map(|dy| (-1..=1).map(move |dx| (dx, dy)))
            .filter(move |&(dx, dy)| {
                let diagonal = dx != 0 && dy != 0;
                (dx, dy) != (0, 0)
                    && self.at(x + dx, y + dy)
                    && !(diagonal && (self.at(x + dx, y) || self.at(x, y + dy)))
            })
            .map(move |(dx, dy)| ((x + dx) as usize, (y + dy) as usize))
    }

    /// How many pixels `p` is joined to: 1 at the end of a line, 3 or more where lines meet.
    pub fn degree(&self, p: Pixel) -> usize {
        self.joined(p).count()
    }

    /// The skeleton as polylines that cover every join once. Lines are started at their loose
    /// ends first, so an open line is one polyline, as one pen stroke; a pixel joined to none
    /// is a polyline of one point.
    pub fn polylines(&self) -> Vec<Vec<Pixel>> {
        let mut pixels: Vec<Pixel> = self.pixels().collect();
        pixels.sort_by_cached_key(|&p| self.degree(p));
        // The joins drawn: for each pixel, a bit for each of the 3×3 around it.
        let mut drawn = vec![0u16; self.side * self.side];
        let index = |(x, y): Pixel| y * self.side + x;
        let bit = |from: Pixel, to: Pixel| 1u16 << ((to.1 + 1 - from.1) * 3 + to.0 + 1 - from.0);
        let mut lines = Vec::new();
        for start in pixels {
            if self.degree(start) == 0 {
                lines.push(vec![start]);
                continue;
            }
            loop {
                let mut line = vec![start];
                let mut at = start;
                while let Some(next) = self
                    .joined(at)
                    .find(|&q| drawn[index(at)] & bit(at, q) == 0)
                {
                    drawn[index(at)] |= bit(at, next);
                    drawn[index(next)] |= bit(next, at);
                    line.push(next);
                    at = next;
                }
                if line.len() == 1 {
                    break;
                }
                lines.push(line);
            }
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(side: usize, pixels: &[Pixel]) -> Vec<bool> {
        let mut on = vec![false; side * side];
        for &(x, y) in pixels {
            on[y * side + x] = true;
        }
        on
    }

    #[test]
    fn an_open_line_is_one_polyline_from_end_to_end() {
        // An L with a staircase in it.
        let on = grid(8, &[(1, 1), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (4, 4)]);
        let lines = Skeleton::new(&on, 8).polylines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        let line = &lines[0];
        assert_eq!(line.len(), 7);
        let ends = [line[0], line[6]];
        assert!(ends.contains(&(1, 1)) && ends.contains(&(4, 4)), "{line:?}");
    }

    #[test]
    fn every_join_of_a_branching_skeleton_is_drawn_once() {
        // A T: a bar and a stem meeting in its middle.
        let mut pixels: Vec<Pixel> = (1..8).map(|x| (x, 1)).collect();
        pixels.extend((2..7).map(|y| (4, y)));
        let on = grid(9, &pixels);
        let skeleton = Skeleton::new(&on, 9);
        assert_eq!(skeleton.degree((4, 1)), 3);
        let lines = skeleton.polylines();
        let joins: usize = lines.iter().map(|l| l.len() - 1).sum();
        assert_eq!(joins, 6 + 5, "{lines:?}");
        assert_eq!(lines.len(), 2, "{lines:?}");
    }

    #[test]
    fn a_ring_is_one_closed_polyline() {
        let on = grid(
            5,
            &[
                (1, 1),
                (2, 1),
                (3, 1),
                (3, 2),
                (3, 3),
                (2, 3),
                (1, 3),
                (1, 2),
            ],
        );
        let lines = Skeleton::new(&on, 5).polylines();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert_eq!(lines[0].first(), lines[0].last());
        assert_eq!(lines[0].len(), 9);
    }

    #[test]
    fn a_pixel_on_its_own_is_a_point() {
        let on = grid(4, &[(2, 2)]);
        assert_eq!(Skeleton::new(&on, 4).polylines(), vec![vec![(2, 2)]]);
    }
}
