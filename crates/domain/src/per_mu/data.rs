//! The annual data of an enterprise for the per-mu evaluation, and what the
//! monthly statistics prefill: tax, electricity and energy summed over the
//! months reported, employees as the mean of those months (rounded half
//! up), land in use at the last month reported. A figure entered (form,
//! import, API) wins over the prefilled one; each figure keeps its source.

use serde::{Deserialize, Serialize};

/// One figure of the annual data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Land,
    Tax,
    ValueAdded,
    Energy,
    Emission,
    Employees,
    RdExpense,
    Revenue,
    Electricity,
}

impl Field {
    pub const ALL: [Field; 9] = [
        Field::Land,
        Field::Tax,
        Field::ValueAdded,
        Field::Energy,
        Field::Emission,
        Field::Employees,
        Field::RdExpense,
        Field::Revenue,
        Field::Electricity,
    ];

    /// The API's field name (with its unit).
    pub fn key(self) -> &'static str {
        match self {
            Field::Land => "land_millimu",
            Field::Tax => "tax_yuan",
            Field::ValueAdded => "value_added_yuan",
            Field::Energy => "energy_kgce",
            Field::Emission => "emission_kg",
            Field::Employees => "employees",
            Field::RdExpense => "rd_expense_yuan",
            Field::Revenue => "revenue_yuan",
            Field::Electricity => "electricity_kwh",
        }
    }

    pub fn parse(s: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Land => "用地面积",
            Field::Tax => "实缴税金",
            Field::ValueAdded => "工业增加值",
            Field::Energy => "综合能耗",
            Field::Emission => "主要污染物排放当量",
            Field::Employees => "年平均职工人数",
            Field::RdExpense => "研发经费支出",
            Field::Revenue => "主营业务收入",
            Field::Electricity => "用电量",
        }
    }

    /// The unit of the stored whole number.
    pub fn unit(self) -> &'static str {
        match self {
            Field::Land => "亩",
            Field::Tax | Field::ValueAdded | Field::RdExpense | Field::Revenue => "元",
            Field::Energy => "千克标准煤",
            Field::Emission => "千克",
            Field::Employees => "人",
            Field::Electricity => "千瓦时",
        }
    }

    /// Tax and value added may be negative (refunds, losses).
    pub fn may_be_negative(self) -> bool {
        matches!(self, Field::Tax | Field::ValueAdded)
    }

    /// The largest value accepted.
    pub fn max(self) -> i64 {
        match self {
            Field::Land => 1_000_000_000,
            _ => 10_000_000_000_000,
        }
    }

    /// Checks a value, in Chinese.
    pub fn check(self, v: i64) -> Result<i64, String> {
        if v < 0 && !self.may_be_negative() {
            return Err(format!("{}不能为负数", self.label()));
        }
        if v.unsigned_abs() > self.max().unsigned_abs() {
            return Err(format!("{}超出合理范围", self.label()));
        }
        Ok(v)
    }

    /// A value for people: land in 亩 with 3 decimals, the rest whole.
    pub fn display(self, v: i64) -> String {
        match self {
            Field::Land => crate::format::mu(v),
            _ => crate::format::yuan_grouped(v),
        }
    }
}

/// The nine figures; none where not known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Data {
    pub land_millimu: Option<i64>,
    pub tax_yuan: Option<i64>,
    pub value_added_yuan: Option<i64>,
    pub energy_kgce: Option<i64>,
    pub emission_kg: Option<i64>,
    pub employees: Option<i64>,
    pub rd_expense_yuan: Option<i64>,
    pub revenue_yuan: Option<i64>,
    pub electricity_kwh: Option<i64>,
}

impl Data {
    pub fn get(&self, f: Field) -> Option<i64> {
        match f {
            Field::Land => self.land_millimu,
            Field::Tax => self.tax_yuan,
            Field::ValueAdded => self.value_added_yuan,
            Field::Energy => self.energy_kgce,
            Field::Emission => self.emission_kg,
            Field::Employees => self.employees,
            Field::RdExpense => self.rd_expense_yuan,
            Field::Revenue => self.revenue_yuan,
            Field::Electricity => self.electricity_kwh,
        }
    }

    pub fn set(&mut self, f: Field, v: Option<i64>) {
        let slot = match f {
            Field::Land => &mut self.land_millimu,
            Field::Tax => &mut self.tax_yuan,
            Field::ValueAdded => &mut self.value_added_yuan,
            Field::Energy => &mut self.energy_kgce,
            Field::Emission => &mut self.emission_kg,
            Field::Employees => &mut self.employees,
            Field::RdExpense => &mut self.rd_expense_yuan,
            Field::Revenue => &mut self.revenue_yuan,
            Field::Electricity => &mut self.electricity_kwh,
        };
        *slot = v;
    }
}

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// Entered on the form, imported or sent by the API.
    Entered,
    /// Taken from the monthly statistics.
    MonthlyStats,
    /// Not known.
    Missing,
}

impl Source {
    pub fn label(self) -> &'static str {
        match self {
            Source::Entered => "填报",
            Source::MonthlyStats => "月度统计",
            Source::Missing => "缺失",
        }
    }
}

/// One month of the statistics, as far as the per-mu data reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Month {
    /// `YYYYMM`, for ordering.
    pub period: i32,
    pub tax_yuan: i64,
    pub electricity_kwh: i64,
    pub energy_kgce: i64,
    pub employees: i64,
    pub land_millimu: i64,
}

/// What the monthly statistics of a year give.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Prefill(pub Data);

impl Prefill {
    /// From the months reported in the year (any order); nothing without months.
    pub fn from_months(months: &[Month]) -> Prefill {
        let sum = |f: fn(&Month) -> i64| months.iter().map(f).sum::<i64>();
        let last = months
            .iter()
            .max_by_key(|m| m.period)
            .map_or(0, |m| m.land_millimu);
        Prefill::from_totals(
            months.len() as i64,
            sum(|m| m.tax_yuan),
            sum(|m| m.electricity_kwh),
            sum(|m| m.energy_kgce),
            sum(|m| m.employees),
            last,
        )
    }

    /// From the year's sums over `months` reported months and the last
    /// month's land (as the database gives them); nothing without months.
    pub fn from_totals(
        months: i64,
        tax: i64,
        electricity: i64,
        energy: i64,
        employees: i64,
        last_land: i64,
    ) -> Prefill {
        if months <= 0 {
            return Prefill::default();
        }
        Prefill(Data {
            // A month reporting no land (0) does not say the land is gone.
            land_millimu: (last_land > 0).then_some(last_land),
            tax_yuan: Some(tax),
            energy_kgce: Some(energy),
            employees: Some((2 * employees + months) / (2 * months)),
            electricity_kwh: Some(electricity),
            ..Data::default()
        })
    }
}

/// The figures used: entered ones, else prefilled ones; with their sources.
pub fn effective(entered: &Data, prefill: &Prefill) -> (Data, Vec<(Field, Source)>) {
    let mut out = Data::default();
    let mut sources = vec![];
    for f in Field::ALL {
        let (v, s) = match (entered.get(f), prefill.0.get(f)) {
            (Some(v), _) => (Some(v), Source::Entered),
            (None, Some(v)) => (Some(v), Source::MonthlyStats),
            (None, None) => (None, Source::Missing),
        };
        out.set(f, v);
        sources.push((f, s));
    }
    (out, sources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_months_prefill_sums_a_mean_and_the_last_land() {
        let m = |period, tax, employees, land| Month {
            period,
            tax_yuan: tax,
            electricity_kwh: 10,
            energy_kgce: 5,
            employees,
            land_millimu: land,
        };
        let p = Prefill::from_months(&[
            m(200603, 300, 11, 20_000),
            m(200601, 100, 10, 18_000),
            m(200602, -50, 10, 19_000),
        ]);
        assert_eq!(p.0.tax_yuan, Some(350));
        assert_eq!(p.0.electricity_kwh, Some(30));
        assert_eq!(p.0.energy_kgce, Some(15));
        // (10 + 10 + 11) / 3 = 10.33 → 10.
        assert_eq!(p.0.employees, Some(10));
        assert_eq!(p.0.land_millimu, Some(20_000), "the last month's land");
        assert_eq!(
            p.0.value_added_yuan, None,
            "the statistics hold no value added"
        );
        assert_eq!(Prefill::from_months(&[]).0, Data::default());
        let entered = Data {
            tax_yuan: Some(400),
            value_added_yuan: Some(1000),
            ..Data::default()
        };
        let (d, s) = effective(&entered, &p);
        assert_eq!(
            (d.tax_yuan, d.land_millimu, d.emission_kg),
            (Some(400), Some(20_000), None)
        );
        assert!(s.contains(&(Field::Tax, Source::Entered)));
        assert!(s.contains(&(Field::Land, Source::MonthlyStats)));
        assert!(s.contains(&(Field::Emission, Source::Missing)));
        // A mean of halves rounds up: (10 + 11) / 2 = 10.5 → 11.
        assert_eq!(
            Prefill::from_months(&[m(200601, 0, 10, 1), m(200602, 0, 11, 1)])
                .0
                .employees,
            Some(11)
        );
    }
}

/// A change to one figure: keep what is stored, clear it, or set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Keep,
    Clear,
    Set(i64),
}

/// A row of annual data to upsert by credit code and year; only the
/// figures it changes are touched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPatch {
    pub credit_code: String,
    pub year: i32,
    pub changes: Vec<(Field, Change)>,
}

impl DataPatch {
    /// The stored figures with this patch applied.
    pub fn apply(&self, stored: &Data) -> Data {
        let mut d = *stored;
        for (f, c) in &self.changes {
            match c {
                Change::Keep => {}
                Change::Clear => d.set(*f, None),
                Change::Set(v) => d.set(*f, Some(*v)),
            }
        }
        d
    }
}
