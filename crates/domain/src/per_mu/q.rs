//! Exact fractions of big integers: the per-mu items are ratios of sums
//! over the whole district (numerators and denominators beyond i128 once
//! multiplied), kept exact until the total is rounded to 4 decimals.

use num_bigint::BigInt;
use num_traits::{One, Signed, ToPrimitive, Zero};
use std::cmp::Ordering;

/// An exact fraction; the denominator is positive (not necessarily reduced).
#[derive(Debug, Clone)]
pub struct Q {
    num: BigInt,
    den: BigInt,
}

impl Q {
    /// `num / den`; none when `den` is 0.
    pub fn new(num: impl Into<BigInt>, den: impl Into<BigInt>) -> Option<Q> {
        let (num, den): (BigInt, BigInt) = (num.into(), den.into());
        if den.is_zero() {
            return None;
        }
        Some(if den.is_negative() {
            Q {
                num: -num,
                den: -den,
            }
        } else {
            Q { num, den }
        })
    }

    pub fn whole(n: i64) -> Q {
        Q {
            num: n.into(),
            den: BigInt::one(),
        }
    }

    pub fn zero() -> Q {
        Q::whole(0)
    }

    pub fn is_zero(&self) -> bool {
        self.num.is_zero()
    }

    /// Parses a decimal such as "1.5", "280000" or "-0.035".
    pub fn parse_decimal(s: &str) -> Option<Q> {
        let s = s.trim();
        let (neg, digits) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        if int.is_empty() && frac.is_empty()
            || !int.chars().all(|c| c.is_ascii_digit())
            || !frac.chars().all(|c| c.is_ascii_digit())
            || int.len() + frac.len() > 30
        {
            return None;
        }
        let n: BigInt = format!("{int}{frac}").parse().unwrap_or_default();
        let den = BigInt::from(10u32).pow(frac.len() as u32);
        Q::new(if neg { -n } else { n }, den)
    }

    pub fn mul(&self, o: &Q) -> Q {
        Q {
            num: &self.num * &o.num,
            den: &self.den * &o.den,
        }
    }

    /// `self / o`; none when `o` is 0.
    pub fn div(&self, o: &Q) -> Option<Q> {
        Q::new(&self.num * &o.den, &self.den * &o.num)
    }

    pub fn add(&self, o: &Q) -> Q {
        if self.den == o.den {
            return Q {
                num: &self.num + &o.num,
                den: self.den.clone(),
            };
        }
        Q {
            num: &self.num * &o.den + &o.num * &self.den,
            den: &self.den * &o.den,
        }
    }

    pub fn sub(&self, o: &Q) -> Q {
        self.add(&Q {
            num: -o.num.clone(),
            den: o.den.clone(),
        })
    }

    pub fn max(self, o: Q) -> Q {
        if self >= o { self } else { o }
    }

    pub fn min(self, o: Q) -> Q {
        if self <= o { self } else { o }
    }

    /// Rounded half up (away from zero for the half) to 4 decimals, in
    /// ten-thousandths: 16.07142857… → 160714.
    pub fn round4(&self) -> i64 {
        let scaled = &self.num * 20000
            + if self.num.is_negative() {
                -&self.den
            } else {
                self.den.clone()
            };
        let q: BigInt = scaled / (&self.den * 2);
        q.to_i64().unwrap_or(if self.num.is_negative() {
            i64::MIN
        } else {
            i64::MAX
        })
    }

    /// The nearest f64 (for JSON and charts only, never compared).
    pub fn to_f64(&self) -> f64 {
        // Scale to keep precision for big numbers.
        let r = self.round_places(6);
        r as f64 / 1e6
    }

    fn round_places(&self, places: u32) -> i128 {
        let s = BigInt::from(10u32).pow(places);
        let scaled: BigInt = &self.num * &s * 2
            + if self.num.is_negative() {
                -&self.den
            } else {
                self.den.clone()
            };
        let q: BigInt = scaled / (&self.den * 2);
        q.to_i128().unwrap_or(0)
    }

    /// For display: rounded to `places` decimals, e.g. "280000.00".
    pub fn display(&self, places: u32) -> String {
        let v = self.round_places(places);
        let s = 10i128.pow(places);
        let sign = if v < 0 { "-" } else { "" };
        let a = v.abs();
        if places == 0 {
            format!("{sign}{a}")
        } else {
            format!("{sign}{}.{:0width$}", a / s, a % s, width = places as usize)
        }
    }

    /// Stored exactly as "num/den".
    pub fn to_text(&self) -> String {
        format!("{}/{}", self.num, self.den)
    }

    pub fn from_text(s: &str) -> Option<Q> {
        let (n, d) = s.split_once('/')?;
        Q::new(n.parse::<BigInt>().ok()?, d.parse::<BigInt>().ok()?)
    }
}

impl PartialEq for Q {
    fn eq(&self, o: &Q) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}

impl Eq for Q {}

impl Ord for Q {
    fn cmp(&self, o: &Q) -> Ordering {
        (&self.num * &o.den).cmp(&(&o.num * &self.den))
    }
}

impl PartialOrd for Q {
    fn partial_cmp(&self, o: &Q) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl serde::Serialize for Q {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_text())
    }
}

impl<'de> serde::Deserialize<'de> for Q {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Q, D::Error> {
        let s = String::deserialize(d)?;
        Q::from_text(&s).ok_or_else(|| serde::de::Error::custom(format!("not a fraction: {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_half_up_at_four_decimals_and_parses_decimals() {
        let q = |n: i64, d: i64| Q::new(n, d).unwrap();
        assert_eq!(q(450, 28).round4(), 160714); // 16.07142857…
        assert_eq!(q(1, 20000).round4(), 1); // 0.00005 → 0.0001
        assert_eq!(q(1, 20001).round4(), 0);
        assert_eq!(q(-1, 20000).round4(), -1);
        assert_eq!(Q::parse_decimal("1.5").unwrap(), q(3, 2));
        assert_eq!(Q::parse_decimal("-0.035").unwrap(), q(-35, 1000));
        assert!(
            Q::parse_decimal("1.2.3").is_none()
                && Q::parse_decimal("").is_none()
                && Q::parse_decimal("1e5").is_none()
        );
        assert_eq!(q(12_600_000, 45).display(2), "280000.00");
        assert_eq!(Q::from_text(&q(7, -3).to_text()).unwrap(), q(-7, 3));
        assert!(Q::new(1, 0).is_none());
    }
}
