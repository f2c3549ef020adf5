//! Which zone a position is in, fast: a uniform grid over the zones' polygons with one
//! byte per cell. Most cells lie wholly inside one zone and answer with that one byte, from
//! a table small enough for the processor's second-level cache; a cell that a boundary
//! crosses keeps the boundary's edges and which zones hold a reference point inside it,
//! and answers by counting the edges crossed between that point and the query.
//!
//! The answer is exact for the polygons given (even-odd rule per zone, the first zone in
//! order that contains the point), the same polygons `armistice zones` exports in the same
//! order, so any GIS that reads the export agrees with it.

use geo::Coord;

use super::line_index::point_in_ring;
use super::zones::ZoneSet;
use crate::hint::prefetch;

/// Index of a zone in [`ZoneSet::zones`].
pub type ZoneIndex = u8;

/// Cells along the longer side of the grid.
const GRID_CELLS: usize = 1024;

/// The cell table's length: a power of two over the largest grid with its border, so that
/// an entry masked by `TABLE_LEN - 1` needs no bounds check. Only the first `stride * rows`
/// entries are used (and so ever loaded).
const TABLE_LEN: usize = ((GRID_CELLS + 2) * (GRID_CELLS + 2)).next_power_of_two();

/// In the cell table, a cell that a boundary crosses; any other value is a zone.
const MIXED: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct Edge {
    a: Coord<f64>,
    b: Coord<f64>,
    zone: u8,
}

#[derive(Debug, Clone, Copy)]
struct MixedCell {
    reference: Coord<f64>,
    /// Bit z set: the reference point is inside zone z's polygons.
    inside: u64,
    first_edge: u32,
    end_edge: u32,
}

/// A grid index over a [`ZoneSet`]; build once per agreement, then ask for millions of
/// positions. `Sync`: share one between threads.
#[derive(Debug, Clone)]
pub struct Locator {
    /// Where a position falls in `cells`.
    entries: Entries,
    nx: usize,
    ny: usize,
    /// One byte per cell, row by row, with a border of the outside zone all round (so
    /// `stride = nx + 2`): the cell's zone, or [`MIXED`]; [`TABLE_LEN`] long.
    cells: Vec<u8>,
    /// Bit i set: entry i of `cells` is [`MIXED`]; with `mixed_before`, the rank of a mixed
    /// cell, which is its index in `mixed`.
    mixed_bits: Vec<u64>,
    /// Mixed cells in the words of `mixed_bits` before this one.
    mixed_before: Vec<u32>,
    mixed: Vec<MixedCell>,
    edges: Vec<Edge>,
    /// The zone for positions in no polygon (the sea).
    outside: ZoneIndex,
}

/// The position of a reference point inside a cell, as fractions of its width and height.
/// Odd fractions make it unlikely to sit exactly on an edge or a vertex.
const REF_FX: f64 = 0.501_234_567;
const REF_FY: f64 = 0.487_654_321;

impl Locator {
    /// Build the grid for `zones`.
    pub fn new(zones: &ZoneSet) -> Self {
        let outside = zones.zones.iter().position(|z| z.polygons.0.is_empty()).unwrap_or(zones.zones.len() - 1);
        let mut all_edges = Vec::new();
        for (z, zone) in zones.zones.iter().enumerate() {
            for polygon in &zone.polygons.0 {
                for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                    for w in ring.0.windows(2) {
                        if w[0] != w[1] {
                            all_edges.push(Edge { a: w[0], b: w[1], zone: z as u8 });
                        }
                    }
                }
            }
        }
        let (mut min, mut max) = (Coord { x: f64::MAX, y: f64::MAX }, Coord { x: f64::MIN, y: f64::MIN });
        for e in &all_edges {
            for c in [e.a, e.b] {
                min.x = min.x.min(c.x);
                min.y = min.y.min(c.y);
                max.x = max.x.max(c.x);
                max.y = max.y.max(c.y);
            }
        }
        if all_edges.is_empty() {
            min = Coord { x: 0.0, y: 0.0 };
            max = Coord { x: 1.0, y: 1.0 };
        }
        // A margin so that every polygon lies strictly inside the grid.
        let (w, h) = ((max.x - min.x).max(1e-6), (max.y - min.y).max(1e-6));
        min = Coord { x: min.x - w * 1e-3, y: min.y - h * 1e-3 };
        max = Coord { x: max.x + w * 1e-3, y: max.y + h * 1e-3 };
        let (w, h) = (max.x - min.x, max.y - min.y);
        let (nx, ny) = if w >= h {
            (GRID_CELLS, ((GRID_CELLS as f64 * h / w).ceil() as usize).max(1))
        } else {
            (((GRID_CELLS as f64 * w / h).ceil() as usize).max(1), GRID_CELLS)
        };
        let (cell_w, cell_h) = (w / nx as f64, h / ny as f64);

        // Which edges touch which cells.
        let mut per_cell: Vec<Vec<u32>> = vec![Vec::new(); nx * ny];
        for (i, e) in all_edges.iter().enumerate() {
            let cx0 = (((e.a.x.min(e.b.x) - min.x) / cell_w).floor().max(0.0) as usize).min(nx - 1);
            let cx1 = (((e.a.x.max(e.b.x) - min.x) / cell_w).floor().max(0.0) as usize).min(nx - 1);
            let cy0 = (((e.a.y.min(e.b.y) - min.y) / cell_h).floor().max(0.0) as usize).min(ny - 1);
            let cy1 = (((e.a.y.max(e.b.y) - min.y) / cell_h).floor().max(0.0) as usize).min(ny - 1);
            for cy in cy0..=cy1 {
                for cx in cx0..=cx1 {
                    let lo = Coord { x: min.x + cx as f64 * cell_w, y: min.y + cy as f64 * cell_h };
                    let hi = Coord { x: lo.x + cell_w, y: lo.y + cell_h };
                    if segment_touches_box(e.a, e.b, lo, hi) {
                        per_cell[cy * nx + cx].push(i as u32);
                    }
                }
            }
        }

        // Which zones hold each cell's reference point: one exact test at the first cell,
        // then a walk from cell to cell, toggling a zone each time one of its edges lies
        // between two neighbouring reference points.
        let reference = |cx: usize, cy: usize| Coord {
            x: min.x + (cx as f64 + REF_FX) * cell_w,
            y: min.y + (cy as f64 + REF_FY) * cell_h,
        };
        let mut inside = vec![0u64; nx * ny];
        inside[0] = exact_inside(zones, reference(0, 0));
        for cy in 0..ny {
            for cx in 0..nx {
                let here = cy * nx + cx;
                let (from, from_ref) = if cx > 0 {
                    (here - 1, reference(cx - 1, cy))
                } else if cy > 0 {
                    (here - nx, reference(cx, cy - 1))
                } else {
                    continue;
                };
                let to_ref = reference(cx, cy);
                let mut mask = inside[from];
                let (a_edges, b_edges) = (&per_cell[from], &per_cell[here]);
                for &e in a_edges.iter().chain(b_edges.iter().filter(|e| a_edges.binary_search(e).is_err())) {
                    let edge = all_edges[e as usize];
                    if crosses(from_ref, to_ref, edge.a, edge.b) {
                        mask ^= 1 << edge.zone;
                    }
                }
                inside[here] = mask;
            }
        }

        // Cells: a zone, or MIXED and a MixedCell, in the order of the table.
        let (stride, rows) = (nx + 2, ny + 2);
        let mut cells = vec![0; TABLE_LEN];
        cells[..stride * rows].fill(outside as u8);
        let mut mixed_bits = vec![0u64; (stride * rows).div_ceil(64)];
        let mut mixed = Vec::new();
        let mut edges = Vec::new();
        for cy in 0..ny {
            for cx in 0..nx {
                let (here, entry) = (cy * nx + cx, (cy + 1) * stride + cx + 1);
                if per_cell[here].is_empty() {
                    cells[entry] = first_zone(inside[here], outside);
                } else {
                    let first_edge = edges.len() as u32;
                    edges.extend(per_cell[here].iter().map(|&e| all_edges[e as usize]));
                    mixed.push(MixedCell {
                        reference: reference(cx, cy),
                        inside: inside[here],
                        first_edge,
                        end_edge: edges.len() as u32,
                    });
                    cells[entry] = MIXED;
                    mixed_bits[entry / 64] |= 1 << (entry % 64);
                }
            }
        }
        let mut mixed_before = Vec::with_capacity(mixed_bits.len());
        let mut count = 0u32;
        for word in &mixed_bits {
            mixed_before.push(count);
            count += word.count_ones();
        }
        Self {
            entries: Entries::new(min, [cell_w, cell_h], stride, rows),
            nx,
            ny,
            cells,
            mixed_bits,
            mixed_before,
            mixed,
            edges,
            outside: outside as ZoneIndex,
        }
    }

    /// The zone a position (degrees) is in.
    #[inline]
    pub fn zone_at(&self, lon: f64, lat: f64) -> ZoneIndex {
        let entry = self.entries.entry(&[lon, lat]);
        match self.cells.get(entry).copied().unwrap_or(self.outside) {
            MIXED => self.exact(entry, lon, lat),
            zone => zone,
        }
    }

    /// The zone of every position from `lo` to `hi` (a box, degrees), if the grid knows
    /// it without an exact test: every cell the box touches lies inside that one zone.
    /// `None` when the box touches a boundary (or another zone); then ask position by
    /// position. Each position in the box is answered from one of these cells by
    /// [`Locator::zone_at`], which reads cells in the same (monotonic) way.
    pub fn zone_over(&self, lo: [f64; 2], hi: [f64; 2]) -> Option<ZoneIndex> {
        let (first, last) = (self.entries.entry(&lo), self.entries.entry(&hi));
        let stride = self.entries.stride;
        let (columns, rows) = (first % stride..=last % stride, first / stride..=last / stride);
        let zone = *self.cells.get(first)?;
        if zone == MIXED || columns.is_empty() || rows.is_empty() {
            return None;
        }
        for row in rows {
            let cells = self.cells.get(row * stride + columns.start()..=row * stride + columns.end())?;
            if cells.iter().any(|&cell| cell != zone) {
                return None;
            }
        }
        Some(zone)
    }

    /// The zone of a position in the mixed cell at `entry` of the table.
    #[inline]
    fn exact(&self, entry: usize, lon: f64, lat: f64) -> ZoneIndex {
        let (word, bit) = (entry / 64, entry % 64);
        let (Some(&bits), Some(&before)) = (self.mixed_bits.get(word), self.mixed_before.get(word)) else {
            return self.outside;
        };
        let rank = before as usize + (bits & ((1u64 << bit) - 1)).count_ones() as usize;
        let Some(m) = self.mixed.get(rank) else {
            return self.outside;
        };
        let point = Coord { x: lon, y: lat };
        let mut mask = m.inside;
        for edge in &self.edges[m.first_edge as usize..m.end_edge as usize] {
            if crosses(m.reference, point, edge.a, edge.b) {
                mask ^= 1 << edge.zone;
            }
        }
        first_zone(mask, self.outside as usize)
    }

    /// Zones for many positions at once, written into `out` (same length as `positions`).
    ///
    /// Blocks of positions go through two loops: a branch-free one that reads each
    /// position's byte from the table (positions off the grid, and NaN, clamp onto the
    /// table's border, which holds the outside zone) and notes the mixed cells on the side,
    /// then the exact test for those few. Keeping the mispredicted branch out of the first
    /// loop is most of its speed.
    ///
    /// Positions arrive from memory faster when asked for ahead of use: prefetching 128
    /// positions (2 KiB) ahead took 10 M positions from 168 to 246 M/s on one thread in
    /// session 5 (64 ahead: 243, 512: 217, none: 168; BENCHMARKS.md).
    pub fn zones_at(&self, positions: &[[f64; 2]], out: &mut [ZoneIndex]) {
        const BLOCK: usize = 512;
        const PREFETCH_AHEAD: usize = 128;
        let entries = self.entries;
        let Ok(table) = <&[u8; TABLE_LEN]>::try_from(&self.cells[..]) else {
            // Not built by `new`: one by one.
            for (p, o) in positions.iter().zip(out.iter_mut()) {
                *o = self.zone_at(p[0], p[1]);
            }
            return;
        };
        let mut pending = [0u16; BLOCK];
        for (b, (ps, os)) in positions.chunks(BLOCK).zip(out.chunks_mut(BLOCK)).enumerate() {
            // The positions PREFETCH_AHEAD further on, asked for one cache line (four
            // positions) at a time.
            let ahead = positions.get(b * BLOCK + PREFETCH_AHEAD..).unwrap_or(&[]);
            let mut n = 0;
            for (k, (p, o)) in ps.iter().zip(os.iter_mut()).enumerate() {
                if k % 4 == 0 {
                    if let Some(q) = ahead.get(k) {
                        prefetch(q);
                    }
                }
                let zone = table[entries.entry(p) & (TABLE_LEN - 1)];
                *o = zone;
                // n <= k < BLOCK: the mask only spares the bounds check.
                pending[n & (BLOCK - 1)] = k as u16;
                n += usize::from(zone == MIXED);
            }
            for &k in &pending[..n] {
                let p = ps[usize::from(k)];
                // `entry` is clamped onto the table, and `exact` answers the outside zone
                // for an entry it does not know.
                os[usize::from(k)] = self.exact(entries.entry(&p), p[0], p[1]);
            }
        }
    }

    /// Cells in the grid, how many a boundary crosses, and the edges they keep.
    pub fn stats(&self) -> (usize, usize, usize) {
        (self.nx * self.ny, self.mixed.len(), self.edges.len())
    }
}

/// The table entry of a position, clamped onto the table: column 1 starts at `min.x`,
/// column 0 and the last column (row 0 and the last row) are the border, and positions
/// off the grid, infinite or NaN land on the border, which holds the outside zone.
#[derive(Debug, Clone, Copy)]
struct Entries {
    /// (x, y) of the corner of entry 0.
    origin: [f64; 2],
    /// Entries per degree, across and up.
    scale: [f64; 2],
    /// The last column and the last row.
    last: [f64; 2],
    stride: usize,
}

impl Entries {
    /// For a grid whose first cell has its corner at `min`, of cells `cell` wide and high,
    /// in a table of `rows` rows of `stride` entries with the border all round.
    fn new(min: Coord<f64>, cell: [f64; 2], stride: usize, rows: usize) -> Self {
        Self {
            origin: [min.x - cell[0], min.y - cell[1]],
            scale: [1.0 / cell[0], 1.0 / cell[1]],
            last: [(stride - 1) as f64, (rows - 1) as f64],
            stride,
        }
    }

    /// Both coordinates at once in one SSE2 register (baseline on x86_64): subtract,
    /// scale, clamp, floor by [`floor_small`]'s trick, then row * stride + column by an
    /// integer multiply of the two lanes.
    #[cfg(target_arch = "x86_64")]
    #[inline(always)]
    fn entry(&self, p: &[f64; 2]) -> usize {
        use safe_arch::{
            add_i64_m128i, add_m128d, cast_to_m128i_from_m128d, get_i64_from_m128i_s, m128d, max_m128d, min_m128d,
            mul_m128d, mul_widen_u32_odd_m128i, set_i64_m128i, set_splat_m128d, sub_m128d, unpack_high_i64_m128i,
            zeroed_m128d,
        };
        let v = mul_m128d(sub_m128d(m128d::from(*p), m128d::from(self.origin)), m128d::from(self.scale));
        // maxpd answers its second operand when either is NaN, so NaN goes to 0.
        let v = min_m128d(max_m128d(v, zeroed_m128d()), m128d::from(self.last));
        let v = add_m128d(add_m128d(v, set_splat_m128d(-0.5)), set_splat_m128d(FLOOR_MAGIC));
        let product = mul_widen_u32_odd_m128i(cast_to_m128i_from_m128d(v), set_i64_m128i(self.stride as i64, 1));
        get_i64_from_m128i_s(add_i64_m128i(product, unpack_high_i64_m128i(product, product))) as usize
    }

    #[cfg(not(target_arch = "x86_64"))]
    #[inline(always)]
    fn entry(&self, p: &[f64; 2]) -> usize {
        // `max`/`min` also send NaN to the border (f64::max ignores NaN).
        let col = ((p[0] - self.origin[0]) * self.scale[0]).max(0.0).min(self.last[0]);
        let row = ((p[1] - self.origin[1]) * self.scale[1]).max(0.0).min(self.last[1]);
        (floor_small(row) * self.stride as u32 + floor_small(col)) as usize
    }
}

/// The floor of `x` for 0 <= x < 2^31, by the float-rounding trick: adding 1.5 * 2^52
/// puts the integer part in the low mantissa bits. Plain adds and bit casts vectorise
/// where a saturating float-to-integer cast does not. At an exact integer the result may
/// be one less; a position exactly on the border of two table entries is then read from
/// the neighbour, which answers the same (neighbouring entries without a boundary
/// between them hold the same zone, and one with a boundary takes the exact path).
#[inline(always)]
#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn floor_small(x: f64) -> u32 {
    (x - 0.5 + FLOOR_MAGIC).to_bits() as u32
}

/// 1.5 * 2^52: see [`floor_small`].
const FLOOR_MAGIC: f64 = 6_755_399_441_055_744.0;

fn first_zone(mask: u64, outside: usize) -> ZoneIndex {
    if mask == 0 { outside as ZoneIndex } else { mask.trailing_zeros() as ZoneIndex }
}

/// Exact membership of one point in every zone, by even-odd ray casting over all rings.
fn exact_inside(zones: &ZoneSet, p: Coord<f64>) -> u64 {
    let mut mask = 0u64;
    for (z, zone) in zones.zones.iter().enumerate() {
        let mut inside = false;
        for polygon in &zone.polygons.0 {
            for ring in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                if point_in_ring(&ring.0, p.x, p.y) {
                    inside = !inside;
                }
            }
        }
        if inside {
            mask |= 1 << z;
        }
    }
    mask
}

#[inline]
fn orient(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> f64 {
    (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x)
}

/// Whether segment p-q crosses edge a-b. Endpoints of the edge on the line p-q count as
/// on its positive side, so two edges meeting at a vertex on p-q count once or not at all,
/// as parity needs.
#[inline]
fn crosses(p: Coord<f64>, q: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> bool {
    let side_a = orient(p, q, a) >= 0.0;
    let side_b = orient(p, q, b) >= 0.0;
    if side_a == side_b {
        return false;
    }
    let side_p = orient(a, b, p);
    let side_q = orient(a, b, q);
    (side_p > 0.0) != (side_q > 0.0)
}

/// Whether segment a-b touches the closed box lo-hi (Liang-Barsky clipping).
fn segment_touches_box(a: Coord<f64>, b: Coord<f64>, lo: Coord<f64>, hi: Coord<f64>) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [(-dx, a.x - lo.x), (dx, hi.x - a.x), (-dy, a.y - lo.y), (dy, hi.y - a.y)] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let r = q / p;
            if p < 0.0 {
                t0 = t0.max(r);
            } else {
                t1 = t1.min(r);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
}
