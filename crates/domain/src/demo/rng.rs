//! A small fixed-seed PRNG (splitmix64) and the date helpers the generator uses.
//! Nothing here reads the clock or the OS: the same seed gives the same data.

use chrono::{Datelike, NaiveDate, TimeDelta};

/// splitmix64 (Steele, Lea and Flood 2014), as in `java.util.SplittableRandom`.
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (n > 0), by multiply-and-shift.
    pub(super) fn below(&mut self, n: u64) -> u64 {
        ((self.next_u64() as u128 * n as u128) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub(super) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    /// True with the given chance in percent.
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    /// Picks by weight.
    pub(super) fn weighted<'a, T>(&mut self, xs: &'a [(T, u64)]) -> &'a T {
        let total: u64 = xs.iter().map(|x| x.1).sum();
        let mut r = self.below(total);
        for (x, w) in xs {
            if r < *w {
                return x;
            }
            r -= w;
        }
        &xs[xs.len() - 1].0
    }

    /// Fisher-Yates.
    pub(super) fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            let j = self.below(i as u64 + 1) as usize;
            xs.swap(i, j);
        }
    }
}

pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// The last day the demo's actual dates may take.
pub(super) fn year_end() -> NaiveDate {
    ymd(2006, 12, 31)
}

pub(super) fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    d + TimeDelta::days(n)
}

pub(super) fn days_in_month(y: i32, m: u32) -> u32 {
    let next = if m == 12 {
        ymd(y + 1, 1, 1)
    } else {
        ymd(y, m + 1, 1)
    };
    next.pred_opt().expect("valid date").day()
}

/// A day in the given month.
pub(super) fn in_month(rng: &mut Rng, y: i32, m: u32) -> NaiveDate {
    ymd(y, m, 1 + rng.below(days_in_month(y, m) as u64) as u32)
}

/// A day between `from` and `to`, both included.
pub(super) fn between(rng: &mut Rng, from: NaiveDate, to: NaiveDate) -> NaiveDate {
    add_days(from, rng.range(0, (to - from).num_days()))
}

/// `counts[m]` dates in month m+1 of `year`, sorted: the monthly rhythm.
pub(super) fn spread(rng: &mut Rng, year: i32, counts: [usize; 12]) -> Vec<NaiveDate> {
    let mut v = Vec::new();
    for (i, n) in counts.iter().enumerate() {
        for _ in 0..*n {
            v.push(in_month(rng, year, i as u32 + 1));
        }
    }
    v.sort();
    v
}

/// Scales positive raw values so they sum to exactly `total` (the last takes the rest).
pub(super) fn scale_to(raw: &[i64], total: i64) -> Vec<i64> {
    let sum: i64 = raw.iter().sum();
    let mut v: Vec<i64> = raw
        .iter()
        .map(|r| (*r as i128 * total as i128 / sum as i128) as i64)
        .collect();
    let got: i64 = v.iter().sum();
    if let Some(last) = v.last_mut() {
        *last += total - got;
    }
    v
}

/// Rounds to a multiple of `step`, never below one step.
pub(super) fn round_to(v: i64, step: i64) -> i64 {
    ((v + step / 2) / step).max(1) * step
}
