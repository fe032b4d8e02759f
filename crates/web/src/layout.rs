//! What the base layout needs on every page: who is signed in, the CSRF token
//! for forms, and which navigation entry is active.

use crate::auth::Page;
use domain::users::Permission;

/// The frame around every page. The navigation shows what the role may
/// open, asked of the same `Role::can` as the routes.
pub struct Chrome {
    pub user_name: String,
    pub role_label: &'static str,
    /// May read campaign-wide data: the campaign's navigation.
    pub reads_campaign: bool,
    /// May read the oversight records: supervision, users, the audit log.
    pub reads_all: bool,
    /// The campaign office: settings in the navigation.
    pub is_admin: bool,
    /// May record visits: the links to the visit form.
    pub records_visits: bool,
    /// The enterprise an enterprise user represents: its page in the navigation.
    pub own_enterprise: Option<String>,
    /// An enterprise user: the evaluation questionnaire in the navigation
    /// (township users reach it from their inbox and the 评议 page).
    pub answers_evaluations: bool,
    /// An assessment expert: only the fiscal programmes in the navigation.
    pub expert: bool,
    pub csrf: String,
    pub active: &'static str,
}

impl Chrome {
    /// The navigation section of the page: what people do there.
    pub fn section(&self) -> &'static str {
        match self.active {
            "dashboard" | "bulletins" | "campaign" | "meetings" => "targets",
            "projects" | "land" | "approvals" => "projects",
            "requests" | "visits" | "enterprises" | "brands" | "financing" | "fiscal" | "power"
            | "stats" => "service",
            "supervision" | "evaluations" | "per-mu" => "oversight",
            "policies" => "info",
            "groups" | "units" | "settings" | "users" | "audit" => "setup",
            _ => "",
        }
    }
}

impl Page {
    /// The frame for a page whose navigation entry is `active`.
    pub fn chrome(&self, active: &'static str) -> Chrome {
        Chrome {
            user_name: self.user.display_name.clone(),
            role_label: self.user.role.label(),
            reads_campaign: self.can(Permission::ReadCampaign),
            reads_all: self.can(Permission::Oversee),
            is_admin: self.can(Permission::Administer),
            records_visits: self.can(Permission::RecordVisits),
            own_enterprise: self.user.enterprise_code.clone(),
            answers_evaluations: self.user.role == domain::users::Role::Enterprise,
            expert: self.user.role == domain::users::Role::Expert,
            csrf: self.csrf.clone(),
            active,
        }
    }
}

/// The message of the first error on `field`, for a form to show beside it.
pub fn error_for<'a>(errors: &'a [domain::users::FieldError], field: &str) -> Option<&'a str> {
    errors
        .iter()
        .find(|e| e.field == field)
        .map(|e| e.message.as_str())
}

/// A form field's value as entered ("" when absent).
pub fn value<'a>(values: &'a std::collections::HashMap<String, String>, name: &str) -> &'a str {
    values.get(name).map(String::as_str).unwrap_or("")
}

/// A page of a list: which slice to show and links to the others.
pub struct Paging {
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

impl Paging {
    /// Clamps the requested page into range.
    pub fn new(page: Option<i64>, per_page: i64, total: i64) -> Paging {
        let pages = ((total + per_page - 1) / per_page).max(1);
        Paging {
            page: page.unwrap_or(1).clamp(1, pages),
            per_page,
            total,
        }
    }
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
    pub fn offset(&self) -> i64 {
        (self.page - 1) * self.per_page
    }
    pub fn has_prev(&self) -> bool {
        self.page > 1
    }
    pub fn has_next(&self) -> bool {
        self.page < self.pages()
    }
    pub fn prev(&self) -> i64 {
        self.page - 1
    }
    pub fn next(&self) -> i64 {
        self.page + 1
    }
}

/// A spreadsheet as a download: `file_name` is ASCII for old clients, and
/// `chinese_name` (UTF-8) is what browsers save it as.
pub fn xlsx_download(
    bytes: Vec<u8>,
    file_name: &str,
    chinese_name: &str,
) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    let encoded = crate::org::urlencode(chinese_name);
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response()
}

/// Writes sheets to .xlsx, or an internal error.
pub fn write_xlsx(sheets: &[office::xlsx::Sheet]) -> Result<Vec<u8>, crate::error::AppError> {
    office::xlsx::write(sheets).map_err(|e| crate::error::AppError::Internal(e.to_string()))
}

/// Today's date in China (UTC+8), whatever the server's time zone: working-day
/// clocks and "overdue" are counted on Beijing dates.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

#[cfg(test)]
mod tests {
    use super::Paging;

    #[test]
    fn paging_clamps() {
        let p = Paging::new(Some(9), 20, 45);
        assert_eq!((p.page, p.pages(), p.offset()), (3, 3, 40));
        let p = Paging::new(Some(0), 20, 0);
        assert_eq!(
            (p.page, p.pages(), p.has_next(), p.has_prev()),
            (1, 1, false, false)
        );
    }
}
