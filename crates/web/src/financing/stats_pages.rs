//! The financing statistics as a page and as .xlsx: for any period, per
//! institution or per township, with the district total (RULES.md §4).

use super::api::{StatsParams, stats_params, unit_names};
use crate::Shared;
use crate::auth::{Can, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::response::Response;
use chrono::NaiveDate;
use domain::financing::stats::{Share, StatRow};
use office::xlsx::{Cell, Sheet};
use std::collections::HashMap;

/// A row as shown: the group's name and its figures.
pub struct Row {
    pub name: String,
    pub r: StatRow,
}

impl Row {
    pub fn share(s: &Share) -> String {
        match domain::format::percent(s.num, s.den, 1) {
            Some(p) => format!("{p}（{}/{}）", s.num, s.den),
            None => "—（无样本）".into(),
        }
    }
    pub fn contact(&self) -> String {
        Row::share(&self.r.contact_on_time)
    }
    pub fn success(&self) -> String {
        Row::share(&self.r.success)
    }
    pub fn median(&self) -> String {
        match self.r.median_halfdays_to_loan {
            Some(h) if h % 2 == 0 => (h / 2).to_string(),
            Some(h) => format!("{}.5", h / 2),
            None => "—".into(),
        }
    }
    pub fn credit(&self) -> String {
        domain::format::money(self.r.credit_yuan)
    }
    pub fn loan(&self) -> String {
        domain::format::money(self.r.loan_yuan)
    }
}

async fn rows(
    st: &Shared,
    from: NaiveDate,
    to: NaiveDate,
    by_institution: bool,
) -> Result<(Vec<Row>, Row), AppError> {
    let (rows, total) = super::stats(st, from, to, by_institution).await?;
    let names: HashMap<String, String> = unit_names(st).await?;
    let named = |r: StatRow| Row {
        name: names
            .get(&r.group)
            .cloned()
            .unwrap_or_else(|| r.group.clone()),
        r,
    };
    Ok((
        rows.into_iter().map(named).collect(),
        Row {
            name: "全区合计".into(),
            r: total,
        },
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "financing/stats.html")]
pub struct StatsPage {
    chrome: Chrome,
    from: NaiveDate,
    to: NaiveDate,
    by_institution: bool,
    rows: Vec<Row>,
    total: Row,
}

pub async fn page(
    State(st): State<Shared>,
    page: Can<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<StatsPage, AppError> {
    let (from, to, by_institution) = stats_params(&p)?;
    let (rows, total) = rows(&st, from, to, by_institution).await?;
    Ok(StatsPage {
        chrome: page.chrome("financing"),
        from,
        to,
        by_institution,
        rows,
        total,
    })
}

/// The same table as .xlsx: exact counts and whole yuan in their own columns.
pub async fn export(
    State(st): State<Shared>,
    _page: Can<need::ReadCampaign>,
    Query(p): Query<StatsParams>,
) -> Result<Response, AppError> {
    let (from, to, by_institution) = stats_params(&p)?;
    let (rows, total) = rows(&st, from, to, by_institution).await?;
    let line = |r: &Row| -> Vec<Cell> {
        vec![
            r.name.as_str().into(),
            r.r.needs.into(),
            r.r.claimed.into(),
            r.r.contact_on_time.num.into(),
            r.r.contact_on_time.den.into(),
            r.r.credits.into(),
            r.r.credit_yuan.into(),
            r.r.loans.into(),
            r.r.loan_yuan.into(),
            r.r.success.num.into(),
            r.r.success.den.into(),
            match r.r.median_halfdays_to_loan {
                Some(h) => Cell::Number(h as f64 / 2.0),
                None => "".into(),
            },
        ]
    };
    let mut data: Vec<Vec<Cell>> = rows.iter().map(line).collect();
    data.push(line(&total));
    let sheet = Sheet {
        name: "银企对接统计".into(),
        headers: [
            if by_institution {
                "金融机构"
            } else {
                "镇街"
            },
            "发布需求",
            "被认领",
            "按时对接",
            "应对接",
            "授信笔数",
            "授信金额（元）",
            "放贷笔数",
            "放贷金额（元）",
            "获贷需求",
            "已决定需求",
            "发布至放贷中位工作日",
        ]
        .map(String::from)
        .to_vec(),
        rows: data,
    };
    let bytes = crate::layout::write_xlsx(&[sheet])?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "financing-stats.xlsx",
        &format!("银企对接统计 {from}至{to}.xlsx"),
    ))
}
