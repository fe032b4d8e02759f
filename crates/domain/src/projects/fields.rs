//! Building a project or parcel from named text fields, as a form or a JSON
//! object sends them (field names are the API's). Every problem is reported.

use super::{Dates, Milestone, Project, ProjectKind, ProjectStatus, parse_date};
use crate::format::{check_millimu, check_yuan};
use crate::land::Parcel;
use crate::patch::{CLEAR, Mergeable, Patch};
use crate::users::FieldError;
use chrono::NaiveDate;

/// Looks a field up by name.
type Lookup<'a> = Box<dyn Fn(&str) -> Option<String> + 'a>;

/// Reads named fields; `None` or blank means not given.
pub struct Fields<'a> {
    get: Lookup<'a>,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    /// Wraps a lookup function.
    pub fn new(get: impl Fn(&str) -> Option<String> + 'a) -> Self {
        Fields {
            get: Box::new(get),
            errors: Vec::new(),
        }
    }

    /// The field as given, None when absent or blank.
    pub fn raw(&self, name: &str) -> Option<String> {
        (self.get)(name)
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
    }

    /// Trimmed text; empty when absent.
    pub fn text(&mut self, name: &str, max: usize) -> String {
        let v = (self.get)(name)
            .map(|s| s.trim().to_string())
            .unwrap_or_default();
        if v.chars().count() > max {
            self.errors
                .push(FieldError::new(name, format!("不能超过 {max} 个字符")));
        }
        v
    }

    /// A whole number, 0 when absent.
    pub fn int(&mut self, name: &str) -> i64 {
        match (self.get)(name).map(|s| s.trim().replace([',', '，'], "")) {
            None => 0,
            Some(s) if s.is_empty() => 0,
            Some(s) => s.parse::<i64>().unwrap_or_else(|_| {
                self.errors
                    .push(FieldError::new(name, format!("“{s}”不是整数")));
                0
            }),
        }
    }

    /// Whole yuan, 0 when absent; at most `MAX_YUAN`. `label` names the field.
    pub fn yuan(&mut self, name: &str, label: &str) -> i64 {
        let v = self.int(name);
        check_yuan(label, v).unwrap_or_else(|m| {
            self.error(name, m);
            0
        })
    }

    /// Thousandths of a mu, 0 when absent; at most `MAX_MILLIMU`.
    pub fn millimu(&mut self, name: &str, label: &str) -> i64 {
        let v = self.int(name);
        check_millimu(label, v).unwrap_or_else(|m| {
            self.error(name, m);
            0
        })
    }

    /// `record` as a patch of the fields `sent` and `cleared` (from `sent`),
    /// or every error collected while reading it.
    pub fn into_patch<T>(
        self,
        record: T,
        sent: &[String],
        cleared: &[String],
    ) -> Result<Patch<T>, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(Patch::only(
                record,
                sent.iter().map(String::as_str),
                cleared.iter().map(String::as_str),
            ))
        } else {
            Err(self.errors)
        }
    }

    /// Splits off what was sent, for a partial update: which of `names` were
    /// given (not absent, not blank) and which of those read 清空; the fields
    /// returned read the cleared ones as absent.
    pub fn sent(self, names: &[String]) -> (Fields<'a>, Vec<String>, Vec<String>) {
        let get = self.get;
        let mut sent = Vec::new();
        let mut cleared = Vec::new();
        for n in names {
            let v = get(n).map(|s| s.trim().to_string()).unwrap_or_default();
            if !v.is_empty() {
                sent.push(n.clone());
                if v == CLEAR {
                    cleared.push(n.clone());
                }
            }
        }
        let hidden = cleared.clone();
        let fields = Fields {
            get: Box::new(move |k| {
                if hidden.iter().any(|c| c == k) {
                    None
                } else {
                    get(k)
                }
            }),
            errors: self.errors,
        };
        (fields, sent, cleared)
    }

    /// An optional whole number.
    pub fn opt_int(&mut self, name: &str) -> Option<i64> {
        match (self.get)(name).map(|s| s.trim().to_string()) {
            None => None,
            Some(s) if s.is_empty() => None,
            Some(s) => s.parse::<i64>().map(Some).unwrap_or_else(|_| {
                self.errors
                    .push(FieldError::new(name, format!("“{s}”不是整数")));
                None
            }),
        }
    }

    /// An optional date (YYYY-MM-DD and common variants).
    pub fn date(&mut self, name: &str) -> Option<NaiveDate> {
        match (self.get)(name).map(|s| s.trim().to_string()) {
            None => None,
            Some(s) if s.is_empty() || s == "null" => None,
            Some(s) => parse_date(&s).map(Some).unwrap_or_else(|m| {
                self.errors.push(FieldError::new(name, m));
                None
            }),
        }
    }

    /// A flag: true/false, 1/0, 是/否, on (checkbox); absent is false.
    pub fn flag(&mut self, name: &str) -> bool {
        match (self.get)(name).map(|s| s.trim().to_lowercase()) {
            None => false,
            Some(s) => match s.as_str() {
                "" | "false" | "0" | "否" | "n" | "no" => false,
                "true" | "1" | "是" | "y" | "yes" | "on" => true,
                _ => {
                    self.errors
                        .push(FieldError::new(name, format!("“{s}”应为 是 或 否")));
                    false
                }
            },
        }
    }

    /// Reports a problem found by the caller.
    pub fn error(&mut self, name: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(name, message));
    }
}

/// The names of a project's fields other than its code.
pub fn project_field_names() -> Vec<String> {
    let mut v: Vec<String> = Project::FIELDS.iter().map(|f| f.0.to_string()).collect();
    for m in Milestone::ALL {
        v.push(format!("{}_on", m.as_str()));
        v.push(format!("planned_{}_on", m.as_str()));
    }
    v
}

/// The fields of a project, each checked alone (a blank kind or status is
/// left neutral for the caller to judge).
fn parse_project(f: &mut Fields) -> Project {
    let code = f.text("code", 40);
    let kind_text = f.text("kind", 40);
    let kind = if kind_text.is_empty() {
        ProjectKind::TechRenovation
    } else {
        ProjectKind::parse(&kind_text).unwrap_or_else(|| {
            f.error("kind", format!("项目类型“{kind_text}”无效，应为 industrial（工业项目）或 tech_renovation（技改项目）"));
            ProjectKind::Industrial
        })
    };
    let status_text = f.text("status", 40);
    let status = ProjectStatus::parse(&status_text).unwrap_or_else(|| {
        f.error(
            "status",
            format!("状态“{status_text}”无效，应为 active、suspended 或 cancelled"),
        );
        ProjectStatus::Active
    });
    let mut dates = Dates::default();
    for m in Milestone::ALL {
        dates.actual[m.index()] = f.date(&format!("{}_on", m.as_str()));
        dates.planned[m.index()] = f.date(&format!("planned_{}_on", m.as_str()));
    }
    let township_code = f.text("township_code", 40);
    let year = f.opt_int("planned_completion_year");
    Project {
        national_code: f.text("national_code", 40),
        name: f.text("name", 200),
        enterprise_credit_code: f.text("enterprise_credit_code", 18),
        enterprise_name: f.text("enterprise_name", 200),
        township_code,
        kind,
        key_project: f.flag("key_project"),
        planned_investment_yuan: f.yuan("planned_investment_yuan", "计划总投资"),
        land_area_millimu: f.millimu("land_area_millimu", "用地面积"),
        responsible_unit_code: f.text("responsible_unit_code", 40),
        responsible_person: f.text("responsible_person", 50),
        responsible_phone: f.text("responsible_phone", 40),
        pre_phase_funding_yuan: f.yuan("pre_phase_funding_yuan", "前期经费"),
        notes: f.text("notes", 2000),
        dates,
        variance_note: f.text("variance_note", 500),
        planned_completion_year: year.map(|y| y.clamp(i32::MIN as i64, i32::MAX as i64) as i32),
        status,
        status_on: f.date("status_on"),
        status_reason: f.text("status_reason", 500),
        code,
    }
}

/// A project from named fields: `code, name, township_code, kind, key_project,
/// planned_investment_yuan, land_area_millimu, responsible_unit_code, ...,
/// reserved_on .. in_production_on, planned_reserved_on .., variance_note,
/// planned_completion_year, status, status_on, status_reason`.
/// Field checks and the project's own rules are all reported together.
pub fn project_from_fields(mut f: Fields) -> Result<Project, Vec<FieldError>> {
    let p = parse_project(&mut f);
    if f.raw("kind").is_none() {
        f.error(
            "kind",
            "项目类型“”无效，应为 industrial（工业项目）或 tech_renovation（技改项目）",
        );
    }
    if p.township_code.is_empty() {
        f.error("township_code", "所在镇（街道）不能为空");
    }
    let mut errors = f.errors;
    for e in p.check() {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// The fields sent for a project, for a partial update (the API): absent or
/// blank fields keep what is stored, 清空 clears. Only the code is needed
/// here; the merged project is checked by its rules where it is stored.
pub fn project_patch_from_fields(f: Fields) -> Result<Patch<Project>, Vec<FieldError>> {
    let (mut f, sent, cleared) = f.sent(&project_field_names());
    let p = parse_project(&mut f);
    if let Err(m) = super::check_code(&p.code) {
        f.error("code", m);
    }
    f.into_patch(p, &sent, &cleared)
}

fn parse_parcel(f: &mut Fields) -> Parcel {
    Parcel {
        code: f.text("code", 40),
        township_code: f.text("township_code", 40),
        area_millimu: f.millimu("area_millimu", "面积"),
        expropriated_on: f.date("expropriated_on"),
        supplied_on: f.date("supplied_on"),
        project_code: f.text("project_code", 40),
        notes: f.text("notes", 2000),
    }
}

/// A parcel from named fields: `code, township_code, area_millimu,
/// expropriated_on, supplied_on, project_code, notes`.
pub fn parcel_from_fields(mut f: Fields) -> Result<Parcel, Vec<FieldError>> {
    let p = parse_parcel(&mut f);
    if p.township_code.is_empty() {
        f.error("township_code", "所在镇（街道）不能为空");
    }
    let mut errors = f.errors;
    for e in p.check() {
        if !errors.iter().any(|x| x.field == e.field) {
            errors.push(e);
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// The fields sent for a parcel, for a partial update (see
/// `project_patch_from_fields`).
pub fn parcel_patch_from_fields(f: Fields) -> Result<Patch<Parcel>, Vec<FieldError>> {
    let names: Vec<String> = Parcel::FIELDS.iter().map(|f| f.0.to_string()).collect();
    let (mut f, sent, cleared) = f.sent(&names);
    let p = parse_parcel(&mut f);
    if let Err(m) = super::check_code(&p.code) {
        f.error("code", m.replace("项目编号", "地块编号"));
    }
    f.into_patch(p, &sent, &cleared)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn fields(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_project_from_form_fields() {
        let m = fields(&[
            ("code", "LW2006-001"),
            ("name", "阀门项目"),
            ("township_code", "yongzhong"),
            ("kind", "industrial"),
            ("key_project", "on"),
            ("planned_investment_yuan", "50,000,000"),
            ("land_area_millimu", "12500"),
            ("land_supplied_on", "2006/3/1"),
            ("planned_completion_year", "2006"),
        ]);
        let p = project_from_fields(Fields::new(|k| m.get(k).cloned())).unwrap();
        assert!(p.key_project);
        assert_eq!(p.planned_investment_yuan, 50_000_000);
        assert_eq!(
            p.dates.actual(Milestone::LandSupplied).unwrap().to_string(),
            "2006-03-01"
        );
        assert_eq!(p.planned_completion_year, Some(2006));
    }

    #[test]
    fn every_bad_field_is_named() {
        let m = fields(&[
            ("code", "LW 1"),
            ("kind", "factory"),
            ("planned_investment_yuan", "lots"),
            ("started_on", "2006-02-30"),
            ("key_project", "maybe"),
            ("land_area_millimu", "-5"),
        ]);
        let e = project_from_fields(Fields::new(|k| m.get(k).cloned())).unwrap_err();
        let f: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
        for want in [
            "kind",
            "started_on",
            "township_code",
            "key_project",
            "planned_investment_yuan",
            "code",
            "name",
            "land_area_millimu",
        ] {
            assert!(f.contains(&want), "{want} in {f:?}");
        }
    }

    #[test]
    fn a_patch_names_what_was_sent() {
        let m = fields(&[
            ("code", "LW2006-001"),
            ("planned_investment_yuan", "41000000"),
            ("notes", "清空"),
            ("name", "  "),
        ]);
        let p = project_patch_from_fields(Fields::new(|k| m.get(k).cloned())).unwrap();
        assert_eq!(p.record.planned_investment_yuan, 41_000_000);
        assert_eq!(p.record.notes, "");
        assert!(p.sent.has("planned_investment_yuan") && p.sent.has("notes"));
        assert!(!p.sent.has("name") && !p.sent.has("kind"));
        assert!(p.cleared.contains("notes"));
    }

    #[test]
    fn amounts_and_areas_have_limits() {
        let m = fields(&[
            ("code", "LW2006-001"),
            ("planned_investment_yuan", "10000000000001"),
            ("land_area_millimu", "1000000001"),
        ]);
        let e = project_patch_from_fields(Fields::new(|k| m.get(k).cloned())).unwrap_err();
        assert_eq!(e[0].field, "planned_investment_yuan");
        assert!(
            e[0].message.starts_with("计划总投资超出上限"),
            "{}",
            e[0].message
        );
        assert_eq!(e[1].field, "land_area_millimu");
        assert!(
            e[1].message.starts_with("用地面积超出上限"),
            "{}",
            e[1].message
        );
        let m = fields(&[
            ("code", "LW2006-001"),
            ("planned_investment_yuan", "10000000000000"),
        ]);
        assert!(project_patch_from_fields(Fields::new(|k| m.get(k).cloned())).is_ok());
    }

    #[test]
    fn a_parcel_from_fields() {
        let m = fields(&[
            ("code", "DK-1"),
            ("township_code", "shacheng"),
            ("area_millimu", "0"),
            ("supplied_on", "2006-01-05"),
        ]);
        let e = parcel_from_fields(Fields::new(|k| m.get(k).cloned())).unwrap_err();
        assert_eq!(e[0].field, "area_millimu");
    }
}
