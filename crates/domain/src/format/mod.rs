//! Display of money, land and rates. Values are kept exact (whole yuan,
//! thousandths of a mu, integer ratios) and rounded only here.

/// The largest amount of money accepted anywhere (10^13 yuan): more is a typo.
pub const MAX_YUAN: i64 = 10_000_000_000_000;
/// The largest area of land accepted anywhere (10^9 thousandths of a mu, a
/// million mu): more is a typo.
pub const MAX_MILLIMU: i64 = 1_000_000_000;

/// Checks an amount of money against `MAX_YUAN`, naming the field by `label`.
pub fn check_yuan(label: &str, yuan: i64) -> Result<i64, String> {
    if yuan.unsigned_abs() > MAX_YUAN as u64 {
        Err(format!(
            "{label}超出上限：金额不能超过 10,000,000,000,000 元（10 万亿元）"
        ))
    } else {
        Ok(yuan)
    }
}

/// Checks an area against `MAX_MILLIMU`, naming the field by `label`.
pub fn check_millimu(label: &str, millimu: i64) -> Result<i64, String> {
    if millimu.unsigned_abs() > MAX_MILLIMU as u64 {
        Err(format!("{label}超出上限：面积不能超过 1,000,000 亩"))
    } else {
        Ok(millimu)
    }
}

/// Parses a non-negative decimal such as "0.14" or "1455.739" into an integer
/// scaled by 10^`places`, exactly. More fractional digits than `places` is an error.
pub fn parse_scaled(s: &str, places: u32) -> Result<i64, String> {
    let s = s.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("“{s}”不是有效的数字"));
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("“{s}”不是有效的数字"));
    }
    if frac.len() as u32 > places {
        return Err(format!("“{s}”最多只能有 {places} 位小数"));
    }
    let scale = 10i64.pow(places);
    let int: i64 = int.parse().map_err(|_| format!("“{s}”超出范围"))?;
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| format!("“{s}”超出范围"))?
    };
    f *= 10i64.pow(places - frac.len() as u32);
    int.checked_mul(scale)
        .and_then(|v| v.checked_add(f))
        .ok_or_else(|| format!("“{s}”超出范围"))
}

/// Writes an integer scaled by 10^`places` as a decimal, dropping trailing zeros.
pub fn format_scaled(v: i64, places: u32) -> String {
    format_scaled_i128(v as i128, places)
}

fn format_scaled_i128(v: i128, places: u32) -> String {
    let scale = 10u128.pow(places);
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let int = a / scale;
    let frac = a % scale;
    if frac == 0 {
        return format!("{sign}{int}");
    }
    let f = format!("{:0width$}", frac, width = places as usize);
    format!("{sign}{int}.{}", f.trim_end_matches('0'))
}

/// Land in mu from thousandths of a mu, exact: 1455739 -> "1455.739".
pub fn mu(millimu: i64) -> String {
    format_scaled(millimu, 3)
}

/// Money for people: in 亿元 from 10^8 up, in 万元 from 10^4 up, else 元;
/// rounded to two decimals for display only.
pub fn money(yuan: i64) -> String {
    let a = yuan.unsigned_abs();
    if a >= 100_000_000 {
        format!("{}亿元", round_div(yuan, 100_000_000, 2))
    } else if a >= 10_000 {
        format!("{}万元", round_div(yuan, 10_000, 2))
    } else {
        format!("{yuan}元")
    }
}

/// Whole yuan with thousands separators, exact: 1234567 -> "1,234,567".
pub fn yuan_grouped(yuan: i64) -> String {
    let digits = yuan.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if yuan < 0 { format!("-{out}") } else { out }
}

/// A ratio given in basis points (1/10000) as a percentage: 1400 -> "14%".
pub fn percent_bp(bp: i64) -> String {
    format!("{}%", format_scaled(bp, 2))
}

/// num/den as a percentage rounded half away from zero to `places` decimals;
/// None when den is zero (a rate over an empty set has no value).
pub fn percent(num: i64, den: i64, places: u32) -> Option<String> {
    if den == 0 {
        return None;
    }
    Some(format!(
        "{}%",
        round_div_i128(num as i128 * 100, den as i128, places)
    ))
}

fn round_div(num: i64, den: i64, places: u32) -> String {
    round_div_i128(num as i128, den as i128, places)
}

/// num/den rounded half away from zero to `places` decimals, trailing zeros kept
/// off ("23.1" not "23.10").
fn round_div_i128(num: i128, den: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let neg = (num < 0) != (den < 0);
    // Saturating: an i64 amount over a tiny denominator still prints (huge)
    // rather than wrapping to a negative figure.
    let (n, d) = (
        num.saturating_abs().saturating_mul(scale),
        den.saturating_abs(),
    );
    let q = n.saturating_mul(2).saturating_add(d) / d.saturating_mul(2);
    format_scaled_i128(if neg { -q } else { q }, places)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_hold_at_the_extremes_of_i64() {
        assert!(check_yuan("金额", i64::MIN).is_err());
        assert!(check_yuan("金额", i64::MAX).is_err());
        assert!(check_yuan("金额", -MAX_YUAN).is_ok());
        assert!(check_millimu("面积", i64::MIN).is_err());
        assert!(check_millimu("面积", MAX_MILLIMU).is_ok());
        assert!(check_millimu("面积", MAX_MILLIMU + 1).is_err());
    }

    #[test]
    fn scaled_round_trip() {
        assert_eq!(parse_scaled("1455.739", 3), Ok(1_455_739));
        assert_eq!(parse_scaled("1550", 3), Ok(1_550_000));
        assert_eq!(parse_scaled("0.14", 4), Ok(1400));
        assert_eq!(parse_scaled("1", 4), Ok(10000));
        assert!(parse_scaled("0.12345", 4).is_err());
        assert!(parse_scaled("-1", 4).is_err());
        assert!(parse_scaled("1e3", 4).is_err());
        assert!(parse_scaled(".5", 4).is_err());
        assert_eq!(mu(1_455_739), "1455.739");
        assert_eq!(mu(1_550_000), "1550");
        assert_eq!(mu(500), "0.5");
    }

    #[test]
    fn money_display() {
        assert_eq!(money(2_310_000_000), "23.1亿元");
        assert_eq!(money(30_000), "3万元");
        assert_eq!(money(12_345), "1.23万元");
        assert_eq!(money(12_355), "1.24万元");
        assert_eq!(money(999), "999元");
    }

    #[test]
    fn extreme_amounts_never_wrap() {
        assert_eq!(money(i64::MAX), "92233720368.55亿元");
        assert_eq!(money(i64::MIN), "-92233720368.55亿元");
        assert_eq!(percent(i64::MAX, 1, 1).unwrap(), "922337203685477580700%");
        assert_eq!(format_scaled(i64::MIN, 2), "-92233720368547758.08");
    }

    #[test]
    fn percents() {
        assert_eq!(percent_bp(1400), "14%");
        assert_eq!(percent_bp(10000), "100%");
        assert_eq!(percent_bp(1250), "12.5%");
        assert_eq!(percent(1, 3, 1).unwrap(), "33.3%");
        assert_eq!(percent(2, 3, 1).unwrap(), "66.7%");
        assert_eq!(percent(0, 5, 1).unwrap(), "0%");
        assert_eq!(percent(1, 0, 1), None);
    }
}

#[cfg(test)]
mod grouped_tests {
    #[test]
    fn yuan_grouped_puts_commas_every_three_digits() {
        assert_eq!(super::yuan_grouped(0), "0");
        assert_eq!(super::yuan_grouped(30_000), "30,000");
        assert_eq!(super::yuan_grouped(1_234_567), "1,234,567");
        assert_eq!(super::yuan_grouped(-1000), "-1,000");
    }
}
