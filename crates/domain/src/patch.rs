//! Partial updates. A spreadsheet row or a JSON object names the fields it
//! sends; an absent column or field, or an empty cell, keeps what is stored;
//! a cell reading 清空 (JSON `null`) clears an optional field. A new record
//! still needs its required fields, and a required field cannot be cleared.
//! The merged record is then checked by its own rules (by the caller).

use crate::enterprises::input::Stat;
use crate::land::Parcel;
use crate::projects::{Milestone, Project};
use crate::users::FieldError;
use std::collections::BTreeSet;

/// The text of a cell (or JSON string) that clears a field.
pub const CLEAR: &str = "清空";

/// Which fields were sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    /// Every field: the record replaces what is stored (a form shows them all).
    All,
    /// Only these fields, each set or cleared; the others keep what is stored.
    Only(BTreeSet<String>),
}

impl Sent {
    /// Whether a field was sent.
    pub fn has(&self, field: &str) -> bool {
        match self {
            Sent::All => true,
            Sent::Only(s) => s.contains(field),
        }
    }
}

/// A record as sent: the values of the fields sent (neutral values in the
/// others and in the cleared ones), which fields were sent, and which of them
/// were cleared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Patch<T> {
    pub record: T,
    pub sent: Sent,
    pub cleared: BTreeSet<String>,
}

impl<T> Patch<T> {
    /// A whole record that replaces what is stored.
    pub fn full(record: T) -> Self {
        Patch {
            record,
            sent: Sent::All,
            cleared: BTreeSet::new(),
        }
    }

    /// A record of which only `sent` fields count (some of them `cleared`).
    pub fn only<'a>(
        record: T,
        sent: impl IntoIterator<Item = &'a str>,
        cleared: impl IntoIterator<Item = &'a str>,
    ) -> Self {
        Patch {
            record,
            sent: Sent::Only(sent.into_iter().map(str::to_string).collect()),
            cleared: cleared.into_iter().map(str::to_string).collect(),
        }
    }
}

/// The fields a kind of record can merge: (field, Chinese label, required).
pub trait Mergeable: Clone {
    /// What the record is called in messages (项目, 地块, 月度统计).
    const NOUN: &'static str;
    /// Every field that can be sent, except the key.
    const FIELDS: &'static [(&'static str, &'static str, bool)];
    /// Copies one field from `from`.
    fn copy_field(&mut self, from: &Self, field: &str);
}

impl<T: Mergeable> Patch<T> {
    /// The record after this patch: `stored` with the sent fields replaced,
    /// or the sent record when nothing is stored. Problems: a required field
    /// cleared, or left out of a new record.
    pub fn merge(&self, stored: Option<&T>) -> Result<T, Vec<FieldError>> {
        let mut errors = Vec::new();
        for (field, label, required) in T::FIELDS {
            if *required && self.cleared.contains(*field) {
                errors.push(FieldError::new(field, format!("{label}是必填项，不能清空")));
            } else if *required && stored.is_none() && !self.sent.has(field) {
                errors.push(FieldError::new(
                    field,
                    format!("新{}须填写{label}", T::NOUN),
                ));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        match (stored, &self.sent) {
            (None, _) | (_, Sent::All) => Ok(self.record.clone()),
            (Some(old), Sent::Only(fields)) => {
                let mut out = old.clone();
                for f in fields {
                    out.copy_field(&self.record, f);
                }
                Ok(out)
            }
        }
    }
}

macro_rules! copy_fields {
    ($to:ident, $from:ident, $field:ident; $($name:ident),* ; $else:expr) => {
        match $field {
            $(stringify!($name) => $to.$name = $from.$name.clone(),)*
            _ => $else,
        }
    };
}

impl Mergeable for Project {
    const NOUN: &'static str = "项目";
    const FIELDS: &'static [(&'static str, &'static str, bool)] = &[
        ("name", "项目名称", true),
        ("township_code", "所在镇街", true),
        ("kind", "项目类型", true),
        ("national_code", "全国项目代码", false),
        ("enterprise_credit_code", "企业统一社会信用代码", false),
        ("enterprise_name", "企业名称", false),
        ("key_project", "重点项目", false),
        ("planned_investment_yuan", "计划总投资", false),
        ("land_area_millimu", "用地面积", false),
        ("responsible_unit_code", "责任单位", false),
        ("responsible_person", "责任人", false),
        ("responsible_phone", "联系电话", false),
        ("pre_phase_funding_yuan", "前期经费", false),
        ("notes", "备注", false),
        ("variance_note", "延误原因", false),
        ("planned_completion_year", "计划竣工年度", false),
        ("status", "状态", false),
        ("status_on", "状态日期", false),
        ("status_reason", "状态原因", false),
    ];

    fn copy_field(&mut self, from: &Self, field: &str) {
        copy_fields!(self, from, field;
            name, township_code, kind, national_code, enterprise_credit_code,
            enterprise_name, key_project, planned_investment_yuan, land_area_millimu,
            responsible_unit_code, responsible_person, responsible_phone,
            pre_phase_funding_yuan, notes, variance_note, planned_completion_year,
            status, status_on, status_reason;
            {
                // Milestone dates: `<m>_on` and `planned_<m>_on`.
                let (planned, m) = match field.strip_prefix("planned_") {
                    Some(rest) => (true, rest),
                    None => (false, field),
                };
                if let Some(m) = m.strip_suffix("_on").and_then(Milestone::parse) {
                    let i = m.index();
                    if planned {
                        self.dates.planned[i] = from.dates.planned[i];
                    } else {
                        self.dates.actual[i] = from.dates.actual[i];
                    }
                }
            }
        )
    }
}

impl Mergeable for Parcel {
    const NOUN: &'static str = "地块";
    const FIELDS: &'static [(&'static str, &'static str, bool)] = &[
        ("township_code", "所在镇街", true),
        ("area_millimu", "面积", true),
        ("expropriated_on", "征收日期", false),
        ("supplied_on", "供地日期", false),
        ("project_code", "供地项目编号", false),
        ("notes", "备注", false),
    ];

    fn copy_field(&mut self, from: &Self, field: &str) {
        copy_fields!(self, from, field;
            township_code, area_millimu, expropriated_on, supplied_on, project_code, notes;
            {})
    }
}

impl Mergeable for Stat {
    const NOUN: &'static str = "月度统计";
    const FIELDS: &'static [(&'static str, &'static str, bool)] = &[
        ("output_value_yuan", "工业总产值", true),
        ("sales_value_yuan", "销售产值", true),
        ("electricity_kwh", "用电量", false),
        ("energy_kgce", "综合能耗", false),
        ("tax_yuan", "税收", false),
        ("employees", "从业人员", false),
        ("land_millimu", "用地面积", false),
    ];

    fn copy_field(&mut self, from: &Self, field: &str) {
        copy_fields!(self, from, field;
            output_value_yuan, sales_value_yuan, electricity_kwh, energy_kgce,
            tax_yuan, employees, land_millimu;
            {})
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::enterprises::CreditCode;
    use crate::projects::{Dates, Period, ProjectKind, ProjectStatus};
    use chrono::NaiveDate;

    fn stored() -> Project {
        let mut dates = Dates::default();
        dates.actual[Milestone::Reserved.index()] = NaiveDate::from_ymd_opt(2006, 1, 5);
        dates.planned[Milestone::Started.index()] = NaiveDate::from_ymd_opt(2006, 6, 1);
        Project {
            code: "LW-1".into(),
            national_code: "2006-330303-1".into(),
            name: "阀门项目".into(),
            enterprise_credit_code: String::new(),
            enterprise_name: "龙湾阀门".into(),
            township_code: "shacheng".into(),
            kind: ProjectKind::Industrial,
            key_project: true,
            planned_investment_yuan: 39_800_000,
            land_area_millimu: 12_500,
            responsible_unit_code: String::new(),
            responsible_person: "张三".into(),
            responsible_phone: String::new(),
            pre_phase_funding_yuan: 0,
            notes: "备注".into(),
            dates,
            variance_note: String::new(),
            planned_completion_year: Some(2007),
            status: ProjectStatus::Active,
            status_on: None,
            status_reason: String::new(),
        }
    }

    /// A row that sends only the code and `fields` (set from `from`).
    fn sent(from: &Project, fields: &[&str], cleared: &[&str]) -> Patch<Project> {
        let mut record = Project {
            code: from.code.clone(),
            ..blank()
        };
        for f in fields {
            if !cleared.contains(f) {
                record.copy_field(from, f);
            }
        }
        Patch::only(record, fields.iter().copied(), cleared.iter().copied())
    }

    fn blank() -> Project {
        Project {
            code: String::new(),
            national_code: String::new(),
            name: String::new(),
            enterprise_credit_code: String::new(),
            enterprise_name: String::new(),
            township_code: String::new(),
            kind: ProjectKind::TechRenovation,
            key_project: false,
            planned_investment_yuan: 0,
            land_area_millimu: 0,
            responsible_unit_code: String::new(),
            responsible_person: String::new(),
            responsible_phone: String::new(),
            pre_phase_funding_yuan: 0,
            notes: String::new(),
            dates: Dates::default(),
            variance_note: String::new(),
            planned_completion_year: None,
            status: ProjectStatus::Active,
            status_on: None,
            status_reason: String::new(),
        }
    }

    #[test]
    fn absent_fields_and_empty_cells_keep_what_is_stored() {
        let old = stored();
        let mut new = old.clone();
        new.planned_investment_yuan = 41_000_000;
        new.dates.actual[Milestone::Approved.index()] = NaiveDate::from_ymd_opt(2006, 2, 1);
        let p = sent(&new, &["planned_investment_yuan", "approved_on"], &[]);
        let merged = p.merge(Some(&old)).unwrap();
        assert_eq!(merged.planned_investment_yuan, 41_000_000);
        assert_eq!(
            merged.dates.actual(Milestone::Approved),
            new.dates.actual(Milestone::Approved)
        );
        // Everything else as stored: the name, the other dates, the flag.
        let mut want = old.clone();
        want.planned_investment_yuan = 41_000_000;
        want.dates.actual[Milestone::Approved.index()] =
            new.dates.actual[Milestone::Approved.index()];
        assert_eq!(merged, want);
        // Nothing sent: nothing changes.
        assert_eq!(sent(&new, &[], &[]).merge(Some(&old)).unwrap(), old);
    }

    #[test]
    fn clearing_empties_an_optional_field_only() {
        let old = stored();
        let p = sent(
            &old,
            &["notes", "planned_started_on", "key_project"],
            &["notes", "planned_started_on", "key_project"],
        );
        let merged = p.merge(Some(&old)).unwrap();
        assert_eq!(merged.notes, "");
        assert_eq!(merged.dates.planned(Milestone::Started), None);
        assert!(!merged.key_project);
        assert_eq!(merged.name, old.name);
        assert_eq!(
            merged.dates.actual(Milestone::Reserved),
            old.dates.actual(Milestone::Reserved)
        );

        let e = sent(&old, &["name"], &["name"])
            .merge(Some(&old))
            .unwrap_err();
        assert_eq!(e[0].field, "name");
        assert_eq!(e[0].message, "项目名称是必填项，不能清空");
    }

    #[test]
    fn a_whole_record_replaces_what_is_stored() {
        let old = stored();
        let mut new = blank();
        new.code = old.code.clone();
        new.name = "新名称".into();
        new.township_code = "yongzhong".into();
        assert_eq!(Patch::full(new.clone()).merge(Some(&old)).unwrap(), new);
    }

    #[test]
    fn a_new_record_needs_its_required_fields() {
        let old = stored();
        let e = sent(&old, &["name", "planned_investment_yuan"], &[])
            .merge(None)
            .unwrap_err();
        let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["township_code", "kind"]);
        assert_eq!(e[0].message, "新项目须填写所在镇街");
        let p = sent(&old, &["name", "township_code", "kind", "notes"], &[]);
        let merged = p.merge(None).unwrap();
        assert_eq!(merged.name, old.name);
        assert_eq!(merged.planned_investment_yuan, 0);
        assert_eq!(merged.notes, old.notes);
    }

    #[test]
    fn a_statistics_correction_keeps_the_other_figures() {
        let credit_code = CreditCode::parse("000000000000000000").unwrap();
        let old = Stat {
            credit_code,
            period: Period {
                year: 2006,
                month: 3,
            },
            output_value_yuan: 1_000,
            sales_value_yuan: 900,
            electricity_kwh: 50,
            energy_kgce: 7,
            tax_yuan: 30,
            employees: 12,
            land_millimu: 1_500,
        };
        let mut sent_stat = old.clone();
        sent_stat.output_value_yuan = 1_200;
        sent_stat.electricity_kwh = 0;
        sent_stat.tax_yuan = 0;
        let p = Patch::only(sent_stat, ["output_value_yuan", "tax_yuan"], ["tax_yuan"]);
        let merged = p.merge(Some(&old)).unwrap();
        assert_eq!(merged.output_value_yuan, 1_200);
        assert_eq!(merged.electricity_kwh, 50);
        assert_eq!(merged.employees, 12);
        assert_eq!(merged.tax_yuan, 0);
        let e = p.merge(None).unwrap_err();
        assert_eq!(e[0].field, "sales_value_yuan");
    }

    #[test]
    fn parcels_merge_too() {
        let old = Parcel {
            code: "DK-1".into(),
            township_code: "shacheng".into(),
            area_millimu: 1_455_739,
            expropriated_on: NaiveDate::from_ymd_opt(2005, 1, 1),
            supplied_on: None,
            project_code: String::new(),
            notes: "n".into(),
        };
        let mut new = old.clone();
        new.notes = "新".into();
        new.area_millimu = 0;
        let merged = Patch::only(new, ["notes"], []).merge(Some(&old)).unwrap();
        assert_eq!(merged.area_millimu, 1_455_739);
        assert_eq!(merged.notes, "新");
    }
}
