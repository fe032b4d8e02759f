//! Importing a workbook of projects, monthly progress and parcels: the page,
//! the template download, and `import_workbook`, which the `tuijin import`
//! command uses too. All or nothing, every bad cell reported by sheet, row
//! and column; re-importing the same file changes nothing.

use crate::Shared;
use crate::auth::{Can, Page, need};
use crate::error::AppError;
use crate::layout::Chrome;
use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use domain::users::Scope;
use office::import::{CellError, Sheet, column_for};
use std::collections::HashMap;
use store::batch::{Batch, BatchReport};
use store::projects::{Part, ProgressEntry};
use store::{Actor, Store, StoreError};

pub fn router() -> Router<Shared> {
    Router::new()
        .route("/import", get(page).post(upload))
        .route("/import/template.xlsx", get(template))
        .route("/enterprises/import", get(stats_page).post(stats_upload))
        .route("/enterprises/import/template.xlsx", get(stats_template))
        .route("/enterprises/stats/export.xlsx", get(stats_export))
}

/// What an import wrote, and notices for the user (hidden rows that were
/// imported).
#[derive(Debug)]
pub struct Imported<R> {
    pub report: R,
    pub notices: Vec<String>,
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// Bad cells or rows, each named.
    Cells(Vec<CellError>),
    /// Rows outside the user's scope.
    Denied(Vec<CellError>),
    Store(StoreError),
}

/// Reads a workbook and writes it all, or nothing.
pub async fn import_workbook(
    store: &Store,
    actor: &Actor,
    scope: &Scope,
    bytes: &[u8],
) -> Result<Imported<BatchReport>, ImportError> {
    // Rows with bad cells are kept, as far as they could be read, so that their
    // references are checked too and every problem is reported in one pass.
    let (book, cell_errors) = office::import::read_lenient(bytes, true);
    // People write unit names (永中街道) where codes are expected: accept both.
    let units = store.units().await.map_err(ImportError::Store)?;
    let by_name: HashMap<&str, &str> = units
        .iter()
        .map(|u| (u.name.as_str(), u.code.as_str()))
        .collect();
    let code = |s: &str| {
        by_name
            .get(s)
            .map(|c| c.to_string())
            .unwrap_or_else(|| s.to_string())
    };
    let mut batch = Batch::default();
    let mut rows: HashMap<(Part, usize), usize> = HashMap::new();
    for (row, mut p) in book.projects {
        p.record.township_code = code(&p.record.township_code);
        p.record.responsible_unit_code = code(&p.record.responsible_unit_code);
        rows.insert((Part::Projects, batch.projects.len()), row);
        batch.projects.push(p);
    }
    for (row, mut p) in book.parcels {
        p.record.township_code = code(&p.record.township_code);
        rows.insert((Part::Parcels, batch.parcels.len()), row);
        batch.parcels.push(p);
    }
    for (row, e) in book.progress {
        rows.insert((Part::Progress, batch.progress.len()), row);
        batch.progress.push(ProgressEntry {
            project_code: e.project_code,
            period: e.period,
            investment_yuan: e.investment_yuan,
            note: e.note,
        });
    }
    let cells = |errs: Vec<store::projects::RowError>| -> Vec<CellError> {
        let mut v: Vec<CellError> = errs
            .into_iter()
            .map(|e| {
                let sheet = match e.part {
                    Part::Projects => Sheet::Projects,
                    Part::Parcels => Sheet::Parcels,
                    Part::Progress => Sheet::Progress,
                };
                CellError {
                    sheet: sheet.name().into(),
                    row: rows.get(&(e.part, e.row)).copied().unwrap_or(0),
                    column: column_for(sheet, &e.field).into(),
                    message: e.message,
                }
            })
            .collect();
        v.sort_by(|a, b| {
            (Sheet::ALL.iter().position(|s| s.name() == a.sheet), a.row)
                .cmp(&(Sheet::ALL.iter().position(|s| s.name() == b.sheet), b.row))
        });
        v
    };
    if !cell_errors.is_empty() {
        let mut all = cell_errors;
        let more = match store.check_batch(scope, &batch).await {
            Ok(()) => vec![],
            Err(StoreError::InvalidRows(e) | StoreError::OutOfScope(e)) => cells(e),
            Err(e) => return Err(ImportError::Store(e)),
        };
        for e in more {
            if !all
                .iter()
                .any(|c| c.sheet == e.sheet && c.row == e.row && c.column == e.column)
            {
                all.push(e);
            }
        }
        let order = |c: &CellError| (Sheet::ALL.iter().position(|s| s.name() == c.sheet), c.row);
        all.sort_by_key(order);
        return Err(ImportError::Cells(all));
    }
    match store.apply_batch(actor, scope, &batch).await {
        Ok(report) => Ok(Imported {
            report,
            notices: book.notices,
        }),
        Err(StoreError::InvalidRows(e)) => Err(ImportError::Cells(cells(e))),
        Err(StoreError::OutOfScope(e)) => Err(ImportError::Denied(cells(e))),
        Err(e) => Err(ImportError::Store(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/page.html")]
struct ImportPage {
    chrome: Chrome,
    report: Option<BatchReport>,
    notices: Vec<String>,
    errors: Vec<CellError>,
    file_name: String,
}

fn editor_scope(page: &Page) -> Result<Scope, AppError> {
    match Scope::of(page.user.role, page.user.unit_code.as_deref()) {
        Scope::Nothing => Err(AppError::Forbidden),
        s => Ok(s),
    }
}

async fn page(page: Can<need::EditProjects>) -> Result<ImportPage, AppError> {
    Ok(ImportPage {
        chrome: page.chrome("projects"),
        report: None,
        notices: vec![],
        errors: vec![],
        file_name: String::new(),
    })
}

async fn template(_page: Can<need::EditProjects>) -> Response {
    crate::layout::xlsx_download(
        office::import::template(),
        "tuijin-import-template.xlsx",
        "项目导入模板.xlsx",
    )
}

async fn upload(
    State(st): State<Shared>,
    page: Can<need::EditProjects>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let scope = editor_scope(&page)?;
    let (file_name, bytes) = uploaded_file(&mut form).await?;
    let chrome = page.chrome("projects");
    match import_workbook(&st.store, &page.user.actor(), &scope, &bytes).await {
        Ok(done) => Ok(ImportPage {
            chrome,
            report: Some(done.report),
            notices: done.notices,
            errors: vec![],
            file_name,
        }
        .into_response()),
        Err(ImportError::Cells(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            ImportPage {
                chrome,
                report: None,
                notices: vec![],
                errors,
                file_name,
            },
        )
            .into_response()),
        Err(ImportError::Denied(errors)) => Ok((
            StatusCode::FORBIDDEN,
            ImportPage {
                chrome,
                report: None,
                notices: vec![],
                errors,
                file_name,
            },
        )
            .into_response()),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

/// Imports a workbook of enterprise monthly statistics (sheet 月度统计), all
/// or nothing; a month sent again becomes a new revision: the latest
/// revision's figures with the cells sent replaced.
pub async fn import_stats(
    store: &Store,
    actor: &Actor,
    bytes: &[u8],
) -> Result<Imported<store::projects::UpsertReport>, ImportError> {
    let book = office::import::read_stats(bytes).map_err(ImportError::Cells)?;
    let excel_rows: Vec<usize> = book.rows.iter().map(|(r, _)| *r).collect();
    let stats: Vec<_> = book.rows.into_iter().map(|(_, s)| s).collect();
    match store.merge_stats(actor, &stats).await {
        Ok(report) => Ok(Imported {
            report,
            notices: book.notices,
        }),
        Err(StoreError::InvalidRows(e)) => Err(ImportError::Cells(
            e.into_iter()
                .map(|e| CellError {
                    sheet: Sheet::Stats.name().into(),
                    row: excel_rows.get(e.row).copied().unwrap_or(0),
                    column: column_for(Sheet::Stats, &e.field).into(),
                    message: e.message,
                })
                .collect(),
        )),
        Err(e) => Err(ImportError::Store(e)),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "imports/stats.html")]
struct StatsPage {
    chrome: Chrome,
    report: Option<store::projects::UpsertReport>,
    notices: Vec<String>,
    errors: Vec<CellError>,
    file_name: String,
    seconds: String,
}

async fn stats_page(page: Can<need::Administer>) -> Result<StatsPage, AppError> {
    Ok(StatsPage {
        chrome: page.chrome("enterprises"),
        report: None,
        notices: vec![],
        errors: vec![],
        file_name: String::new(),
        seconds: String::new(),
    })
}

async fn stats_template(_page: Can<need::Administer>) -> Response {
    crate::layout::xlsx_download(
        office::import::stats_template(),
        "tuijin-stats-template.xlsx",
        "企业月度统计模板.xlsx",
    )
}

async fn stats_upload(
    State(st): State<Shared>,
    page: Can<need::Administer>,
    mut form: Multipart,
) -> Result<Response, AppError> {
    let (file_name, bytes) = uploaded_file(&mut form).await?;
    let started = std::time::Instant::now();
    let result = import_stats(&st.store, &page.user.actor(), &bytes).await;
    let seconds = format!("{:.1}", started.elapsed().as_secs_f64());
    let chrome = page.chrome("enterprises");
    match result {
        Ok(done) => Ok(StatsPage {
            chrome,
            report: Some(done.report),
            notices: done.notices,
            errors: vec![],
            file_name,
            seconds,
        }
        .into_response()),
        Err(ImportError::Cells(errors) | ImportError::Denied(errors)) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            StatsPage {
                chrome,
                report: None,
                notices: vec![],
                errors,
                file_name,
                seconds,
            },
        )
            .into_response()),
        Err(ImportError::Store(e)) => Err(e.into()),
    }
}

/// Filters of the statistics export: township code, months from/to (YYYY-MM).
#[derive(serde::Deserialize, Default)]
pub struct StatsExportQuery {
    township: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

/// Rows read from the database per query while exporting statistics.
const EXPORT_PAGE: i64 = 2_000;

/// The stored months (latest revision) as the statistics template's 月度统计
/// sheet, read from the database a page at a time (admins, as the import).
async fn stats_export(
    State(st): State<Shared>,
    _page: Can<need::Administer>,
    axum::extract::Query(q): axum::extract::Query<StatsExportQuery>,
) -> Result<Response, AppError> {
    let month =
        |name: &str, v: &Option<String>| -> Result<Option<domain::projects::Period>, AppError> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                None => Ok(None),
                Some(s) => domain::projects::Period::parse(s)
                    .map(Some)
                    .map_err(|m| AppError::BadRequest(format!("{name}：{m}"))),
            }
        };
    let filter = store::enterprises::StatsFilter {
        township: q.township.filter(|s| !s.trim().is_empty()),
        from: month("from", &q.from)?,
        to: month("to", &q.to)?,
    };
    let mut out =
        office::export::StatsExport::new().map_err(|e| AppError::Internal(e.to_string()))?;
    let mut after: Option<(String, String)> = None;
    loop {
        let rows = st
            .store
            .stats_page(&filter, after.as_ref(), EXPORT_PAGE)
            .await?;
        for (s, name) in &rows {
            out.push(s, name)
                .map_err(|e| AppError::Internal(e.to_string()))?;
        }
        match rows.last() {
            Some((s, _)) if rows.len() as i64 == EXPORT_PAGE => {
                after = Some((s.credit_code.as_str().to_string(), s.period.to_string()));
            }
            _ => break,
        }
    }
    let bytes = out
        .finish()
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(crate::layout::xlsx_download(
        bytes,
        "enterprise-stats.xlsx",
        "企业月度统计.xlsx",
    ))
}

/// The bytes of a multipart upload's `file` field (every import form).
pub(crate) async fn uploaded_bytes(form: &mut Multipart) -> Result<Vec<u8>, AppError> {
    Ok(uploaded_file(form).await?.1)
}

/// A workbook's problems as field errors named by sheet, row and column
/// (第 3 行“列名”), for the imports that answer with an error page.
pub(crate) fn cell_errors(errs: Vec<CellError>) -> AppError {
    AppError::Invalid(
        errs.into_iter()
            .map(|e| {
                let at = match (e.row, e.column.as_str()) {
                    (0, _) => e.sheet.clone(),
                    (r, "") => format!("第 {r} 行"),
                    (r, c) => format!("第 {r} 行“{c}”"),
                };
                domain::users::FieldError::new(&at, e.message)
            })
            .collect(),
    )
}

/// The file of a multipart upload's `file` field: its name and bytes.
async fn uploaded_file(form: &mut Multipart) -> Result<(String, Vec<u8>), AppError> {
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| AppError::BadRequest(format!("上传失败：{e}")))?;
            if !bytes.is_empty() {
                return Ok((name, bytes.to_vec()));
            }
        }
    }
    Err(AppError::BadRequest("请选择要导入的 Excel 文件".into()))
}
