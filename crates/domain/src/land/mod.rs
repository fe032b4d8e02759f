//! Land parcels: expropriated (已征), then supplied (供地) to a project.

use crate::users::FieldError;
use chrono::NaiveDate;
use serde::Serialize;

/// A land parcel as entered, parsed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Parcel {
    pub code: String,
    pub township_code: String,
    pub area_millimu: i64,
    pub expropriated_on: Option<NaiveDate>,
    pub supplied_on: Option<NaiveDate>,
    pub project_code: String,
    pub notes: String,
}

impl Parcel {
    /// Checks the parcel; every problem is reported.
    pub fn check(&self) -> Vec<FieldError> {
        let mut e = Vec::new();
        if let Err(m) = crate::projects::check_code(&self.code) {
            e.push(FieldError::new("code", m.replace("项目编号", "地块编号")));
        }
        if self.area_millimu <= 0 {
            e.push(FieldError::new("area_millimu", "地块面积须大于 0"));
        }
        if let (Some(x), Some(s)) = (self.expropriated_on, self.supplied_on)
            && s < x
        {
            e.push(FieldError::new(
                "supplied_on",
                format!("供地日期 {s} 早于征收日期 {x}"),
            ));
        }
        if !self.project_code.is_empty() && self.supplied_on.is_none() {
            e.push(FieldError::new(
                "supplied_on",
                "已指定供地项目的地块须填写供地日期",
            ));
        }
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parcel_rules() {
        let mut p = Parcel {
            code: "D-001".into(),
            township_code: "shacheng".into(),
            area_millimu: 0,
            expropriated_on: Some("2005-06-01".parse().unwrap()),
            supplied_on: Some("2005-05-01".parse().unwrap()),
            project_code: String::new(),
            notes: String::new(),
        };
        let f: Vec<String> = p.check().into_iter().map(|e| e.field).collect();
        assert_eq!(f, ["area_millimu", "supplied_on"]);
        p.area_millimu = 10_000;
        p.supplied_on = None;
        p.project_code = "P1".into();
        assert_eq!(p.check()[0].message, "已指定供地项目的地块须填写供地日期");
    }
}
