//! An exact, non-negative score: a fraction of i128 kept in lowest terms, so
//! equal scores are equal values and ordering is by cross-multiplication.

use std::cmp::Ordering;

/// An exact score, e.g. 250/3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Score {
    num: i128,
    den: i128,
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    a = a.abs();
    b = b.abs();
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Score {
    pub const ZERO: Score = Score { num: 0, den: 1 };

    /// `num / den`; `den` must be positive.
    pub fn new(num: i128, den: i128) -> Score {
        assert!(den > 0, "a score's denominator is positive");
        let g = gcd(num, den).max(1);
        Score {
            num: num / g,
            den: den / g,
        }
    }

    pub fn whole(n: i64) -> Score {
        Score::new(i128::from(n), 1)
    }

    pub fn numerator(self) -> i128 {
        self.num
    }

    pub fn denominator(self) -> i128 {
        self.den
    }

    pub fn times(self, k: i128) -> Score {
        Score::new(self.num * k, self.den)
    }

    pub fn divided_by(self, k: i128) -> Score {
        assert!(k > 0, "divide by a positive count");
        Score::new(self.num, self.den * k)
    }

    /// The mean of some scores; none of none.
    pub fn mean(scores: &[Score]) -> Option<Score> {
        if scores.is_empty() {
            return None;
        }
        let sum = scores.iter().fold(Score::ZERO, |a, &b| a + b);
        Some(sum.divided_by(scores.len() as i128))
    }

    /// Rounded half away from zero to 2 decimals, for display: "83.33".
    pub fn display(self) -> String {
        let hundredths = (self.num * 200 + self.num.signum() * self.den) / (2 * self.den);
        let sign = if hundredths < 0 { "-" } else { "" };
        let h = hundredths.abs();
        format!("{sign}{}.{:02}", h / 100, h % 100)
    }

    /// For JSON only (never compared): the nearest f64.
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }
}

impl std::ops::Add for Score {
    type Output = Score;
    fn add(self, o: Score) -> Score {
        let g = gcd(self.den, o.den).max(1);
        Score::new(
            self.num * (o.den / g) + o.num * (self.den / g),
            self.den / g * o.den,
        )
    }
}

impl Ord for Score {
    fn cmp(&self, o: &Score) -> Ordering {
        (self.num * o.den).cmp(&(o.num * self.den))
    }
}

impl PartialOrd for Score {
    fn partial_cmp(&self, o: &Score) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Stored as the exact fraction "num/den" (frozen results keep it exact).
impl serde::Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}/{}", self.num, self.den))
    }
}

impl<'de> serde::Deserialize<'de> for Score {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Score, D::Error> {
        let s = String::deserialize(d)?;
        let bad = || serde::de::Error::custom(format!("not a fraction: {s}"));
        let (n, m) = s.split_once('/').ok_or_else(bad)?;
        let (n, m): (i128, i128) = (n.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
        if m <= 0 {
            return Err(bad());
        }
        Ok(Score::new(n, m))
    }
}

impl std::fmt::Display for Score {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.display())
    }
}
