//! Who may open what: every route the router serves, for every role and for a
//! visitor without a session, with the status each one gets.
//!
//! The table is complete by construction: `the_table_lists_every_route` scans
//! the `.route("…", …)` calls in `crates/web/src` and fails when the router
//! serves a path and method the table does not list, or the table lists one
//! the router no longer serves. Writes are sent with an empty body: a refused
//! user must get 403 (or the login page / 401) whatever it sent, an allowed
//! one what the route's validation or the record's state answers (422, 404,
//! 409, …), which shows the permission check let it through.

mod common;

use common::{TestApp, client, csrf_of, enterprise_user, enterprises_a_b, spawn_app};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use store::testing::{A, B};

/// Who asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Who {
    Anonymous,
    Admin,
    Leader,
    /// `tudi`, of the land bureau.
    Unit,
    /// `jia`, of enterprise A.
    Enterprise,
    /// `zhuanjia`, an assessment expert assigned to the fixture's programme.
    Expert,
}

const EVERYONE: [Who; 6] = [
    Who::Anonymous,
    Who::Enterprise,
    Who::Unit,
    Who::Leader,
    Who::Admin,
    Who::Expert,
];

/// The paths an expert's session may reach at all (the server's gate, written
/// out again here): anything else answers 403, whatever the route's access.
fn expert_path(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or(url);
    let under = |p: &str| path == p || path.starts_with(&format!("{p}/"));
    path == "/"
        || under("/fiscal")
        || under("/api/v1/fiscal")
        || under("/static")
        || matches!(
            path,
            "/healthz"
                | "/login"
                | "/logout"
                | "/api/v1/login"
                | "/api/v1/me"
                | "/api/openapi.json"
        )
}

/// Who a route lets through. The sets are written out here, not taken from
/// `Role::can`, so that the test checks the domain's table too.
#[derive(Clone, Copy, Debug)]
enum Access {
    /// Anyone, signed in or not.
    Public,
    /// Any signed-in user (what it shows is the user's own).
    SignedIn,
    /// Campaign-wide data: admin, leader, unit.
    Campaign,
    /// Oversight (users, audit, supervision): admin, leader.
    Oversight,
    /// Changing projects, parcels, approvals, visits: admin, unit.
    Staff,
    /// Filing and acting on requests: admin, unit, enterprise.
    Requests,
    /// The campaign office only.
    Admin,
    /// Enterprise A's own records: campaign readers and A's user.
    OwnEnterprise,
    /// Answering the evaluation: admin, unit, enterprise (a unit only for
    /// a township, a record-level rule).
    Answer,
    /// Scoring fiscal applications: admin and experts (an expert only on
    /// its programmes, a record-level rule).
    Scorer,
    /// An enterprise's own record or the office (fiscal performance).
    OwnerOrAdmin,
}

impl Access {
    fn lets(self, who: Who) -> bool {
        use Who::*;
        match self {
            Access::Public => true,
            Access::SignedIn => who != Anonymous,
            Access::Campaign => matches!(who, Admin | Leader | Unit),
            Access::Oversight => matches!(who, Admin | Leader),
            Access::Staff => matches!(who, Admin | Unit),
            Access::Requests => matches!(who, Admin | Unit | Enterprise),
            Access::Admin => who == Admin,
            Access::OwnEnterprise => who != Anonymous,
            Access::Answer => matches!(who, Admin | Unit | Enterprise),
            Access::Scorer => matches!(who, Admin | Expert),
            Access::OwnerOrAdmin => matches!(who, Admin | Enterprise),
        }
    }
}

use Access::*;

/// One row: a route as the router declares it, a URL that reaches it (with
/// `{…}` fixture names filled in by `Fixture::url`), who it lets through and
/// the status they get (for a write with an empty body, what its validation
/// or the record's state answers: proof that the check let it through).
struct Route {
    method: &'static str,
    pattern: &'static str,
    url: &'static str,
    access: Access,
    want: u16,
}

const fn r(
    method: &'static str,
    pattern: &'static str,
    url: &'static str,
    access: Access,
    want: u16,
) -> Route {
    Route {
        method,
        pattern,
        url,
        access,
        want,
    }
}

/// The same route at its own pattern.
const fn at(method: &'static str, pattern: &'static str, access: Access, want: u16) -> Route {
    r(method, pattern, pattern, access, want)
}

#[rustfmt::skip]
const ROUTES: &[Route] = &[
    // home, login, assets
    at("GET", "/", SignedIn, 200),
    at("GET", "/healthz", Public, 200),
    at("GET", "/login", Public, 200),
    at("POST", "/login", Public, 422),
    at("POST", "/logout", Public, 303),
    r("GET", "/static/{*path}", "/static/app.css", Public, 200),
    at("GET", "/favicon.ico", Public, 200),
    // the campaign and its targets
    at("GET", "/campaign", Campaign, 200),
    at("GET", "/campaign/source", Campaign, 200),
    r("POST", "/campaign/awards/{rank}", "/campaign/awards/1", Admin, 422),
    r("GET", "/campaign/targets/{code}", "/campaign/targets/industrial_investment", Campaign, 200),
    r("GET", "/campaign/targets/{code}/edit", "/campaign/targets/industrial_investment/edit", Admin, 200),
    r("POST", "/campaign/targets/{code}/edit", "/campaign/targets/industrial_investment/edit", Admin, 422),
    at("GET", "/dashboard", Campaign, 200),
    at("GET", "/dashboard/export.xlsx", Campaign, 200),
    // bulletins
    at("GET", "/bulletins", Campaign, 200),
    at("POST", "/bulletins", Admin, 303),
    at("GET", "/bulletins/preview", Campaign, 200),
    at("GET", "/bulletins/draft.docx", Campaign, 200),
    r("GET", "/bulletins/{id}", "/bulletins/{bulletin}", Campaign, 200),
    r("GET", "/bulletins/{id}/docx", "/bulletins/{bulletin}/docx", Campaign, 200),
    // units and working groups
    at("GET", "/units", Campaign, 200),
    at("GET", "/units/export.xlsx", Campaign, 200),
    at("GET", "/units/new", Admin, 200),
    at("POST", "/units/new", Admin, 422),
    r("GET", "/units/{code}", "/units/land", Campaign, 200),
    r("GET", "/units/{code}/edit", "/units/land/edit", Admin, 200),
    r("POST", "/units/{code}/edit", "/units/land/edit", Admin, 422),
    at("GET", "/working-groups", Campaign, 200),
    // projects, parcels, approvals, imports
    at("GET", "/projects", Campaign, 200),
    at("POST", "/projects", Staff, 422),
    at("GET", "/projects/export.xlsx", Campaign, 200),
    at("GET", "/projects/new", Staff, 200),
    r("GET", "/projects/{code}", "/projects/GC1", Campaign, 200),
    r("GET", "/projects/{code}/edit", "/projects/GC1/edit", Staff, 200),
    r("POST", "/projects/{code}/edit", "/projects/GC1/edit", Staff, 422),
    r("POST", "/projects/{code}/milestone", "/projects/GC1/milestone", Staff, 422),
    r("POST", "/projects/{code}/progress", "/projects/GC1/progress", Staff, 422),
    r("POST", "/projects/{code}/approvals", "/projects/GC1/approvals", Staff, 422),
    at("GET", "/approvals", Campaign, 200),
    r("POST", "/approvals/{id}/dates", "/approvals/999999/dates", Staff, 404),
    at("GET", "/land-parcels", Campaign, 200),
    at("POST", "/land-parcels", Staff, 422),
    at("GET", "/land-parcels/export.xlsx", Campaign, 200),
    at("GET", "/land-parcels/new", Staff, 200),
    r("GET", "/land-parcels/{code}", "/land-parcels/D1", Campaign, 200),
    r("GET", "/land-parcels/{code}/edit", "/land-parcels/D1/edit", Staff, 200),
    r("POST", "/land-parcels/{code}/edit", "/land-parcels/D1/edit", Staff, 422),
    at("GET", "/import", Staff, 200),
    at("POST", "/import", Staff, 400),
    at("GET", "/import/template.xlsx", Staff, 200),
    // enterprises
    at("GET", "/enterprises", Campaign, 200),
    at("POST", "/enterprises", Admin, 422),
    at("GET", "/enterprises/new", Admin, 200),
    at("GET", "/enterprises/export.xlsx", Campaign, 200),
    r("GET", "/enterprises/{code}", "/enterprises/{A}", OwnEnterprise, 200),
    r("GET", "/enterprises/{code}", "/enterprises/{B}", Campaign, 200),
    r("GET", "/enterprises/{code}/edit", "/enterprises/{A}/edit", Admin, 200),
    r("POST", "/enterprises/{code}/edit", "/enterprises/{A}/edit", Admin, 422),
    r("POST", "/enterprises/{code}/year", "/enterprises/{A}/year", Admin, 422),
    r("POST", "/enterprises/{code}/credit", "/enterprises/{A}/credit", Admin, 422),
    at("GET", "/enterprises/import", Admin, 200),
    at("POST", "/enterprises/import", Admin, 400),
    at("GET", "/enterprises/import/template.xlsx", Admin, 200),
    at("GET", "/enterprises/stats/export.xlsx", Admin, 200),
    at("GET", "/brands", Campaign, 200),
    at("GET", "/visits", Campaign, 200),
    at("POST", "/visits", Staff, 422),
    at("GET", "/visits/export.xlsx", Campaign, 200),
    at("GET", "/visits/new", Staff, 200),
    // requests (the store decides which ones a user sees and may act on)
    at("GET", "/requests", SignedIn, 200),
    at("GET", "/requests/export.xlsx", SignedIn, 200),
    at("GET", "/requests/new", Requests, 200),
    at("POST", "/requests/new", Requests, 400),
    r("GET", "/requests/{id}", "/requests/{request}", SignedIn, 200),
    r("POST", "/requests/{id}/act", "/requests/{request}/act", Requests, 422),
    r("POST", "/requests/{id}/extension", "/requests/{request}/extension", Requests, 409),
    r("POST", "/requests/{id}/extension/decision", "/requests/{request}/extension/decision", Admin, 422),
    r("GET", "/requests/attachments/{id}", "/requests/attachments/{attachment}", SignedIn, 200),
    at("GET", "/requests/stats", Campaign, 200),
    at("GET", "/requests/stats/export.xlsx", Campaign, 200),
    at("GET", "/inbox", SignedIn, 200),
    // meetings
    at("GET", "/meetings", Campaign, 200),
    at("POST", "/meetings", Admin, 422),
    at("GET", "/meetings/export.xlsx", Campaign, 200),
    at("GET", "/meetings/new", Admin, 200),
    r("GET", "/meetings/{id}", "/meetings/{meeting}", Campaign, 200),
    r("GET", "/meetings/{id}/edit", "/meetings/{meeting}/edit", Admin, 200),
    r("POST", "/meetings/{id}/edit", "/meetings/{meeting}/edit", Admin, 422),
    r("POST", "/meetings/{id}/agenda", "/meetings/{meeting}/agenda", Admin, 422),
    r("POST", "/meetings/{id}/agenda/{aid}/remove", "/meetings/{meeting}/agenda/999999/remove", Admin, 404),
    r("POST", "/meetings/{id}/attendees", "/meetings/{meeting}/attendees", Admin, 303),
    r("POST", "/meetings/{id}/decisions", "/meetings/{meeting}/decisions", Admin, 422),
    r("POST", "/meetings/{id}/action-items", "/meetings/{meeting}/action-items", Admin, 422),
    r("POST", "/meetings/{id}/held", "/meetings/999999/held", Admin, 404),
    r("GET", "/meetings/{id}/minutes", "/meetings/{meeting}/minutes", Campaign, 200),
    // The meeting is not held yet: no minutes to download, but no refusal either.
    r("GET", "/meetings/{id}/minutes.docx", "/meetings/{meeting}/minutes.docx", Campaign, 409),
    // the evaluation (the fixture's round is open)
    at("GET", "/evaluations", Campaign, 200),
    at("POST", "/evaluations", Admin, 422),
    r("GET", "/evaluations/{id}", "/evaluations/{evaluation}", Campaign, 200),
    r("POST", "/evaluations/{id}/settings", "/evaluations/{evaluation}/settings", Admin, 303),
    r("POST", "/evaluations/{id}/actions", "/evaluations/{evaluation}/actions", Admin, 422),
    r("POST", "/evaluations/{id}/vetoes", "/evaluations/{evaluation}/vetoes", Admin, 422),
    r("POST", "/evaluations/{id}/vetoes/{unit}/lift", "/evaluations/{evaluation}/vetoes/nowhere/lift", Admin, 404),
    r("POST", "/evaluations/{id}/objections", "/evaluations/{evaluation}/objections", Campaign, 422),
    r("POST", "/evaluations/{id}/objections/{oid}/answer", "/evaluations/{evaluation}/objections/999999/answer", Admin, 422),
    r("GET", "/evaluations/{id}/results.xlsx", "/evaluations/{evaluation}/results.xlsx", Campaign, 200),
    r("GET", "/evaluations/{id}/units/{code}", "/evaluations/{evaluation}/units/land", Campaign, 200),
    r("GET", "/evaluations/{id}/ballots", "/evaluations/{evaluation}/ballots", Admin, 200),
    r("POST", "/evaluations/{id}/ballots", "/evaluations/{evaluation}/ballots", Admin, 422),
    r("GET", "/evaluations/{id}/ballots/template.xlsx", "/evaluations/{evaluation}/ballots/template.xlsx", Admin, 200),
    r("GET", "/evaluations/{id}/ballots/export.xlsx", "/evaluations/{evaluation}/ballots/export.xlsx", Admin, 200),
    r("POST", "/evaluations/{id}/ballots/import", "/evaluations/{evaluation}/ballots/import", Admin, 400),
    // Not final yet: no 通报, but no refusal either.
    r("GET", "/evaluations/{id}/notice", "/evaluations/{evaluation}/notice", Campaign, 409),
    r("POST", "/evaluations/{id}/notice", "/evaluations/{evaluation}/notice", Admin, 409),
    r("GET", "/evaluations/{id}/notice.docx", "/evaluations/{evaluation}/notice.docx", Campaign, 409),
    at("GET", "/questionnaire", Answer, 303),
    r("GET", "/evaluations/{id}/questionnaire", "/evaluations/{evaluation}/questionnaire", Answer, 200),
    r("POST", "/evaluations/{id}/questionnaire", "/evaluations/{evaluation}/questionnaire", Answer, 422),
    // the per-mu evaluation (the fixture's 2006 evaluation is computed and in 公示)
    at("GET", "/per-mu", Campaign, 200),
    at("POST", "/per-mu", Admin, 422),
    at("GET", "/per-mu/data", Campaign, 200),
    at("GET", "/per-mu/data/template.xlsx", Admin, 200),
    at("POST", "/per-mu/data/import", Admin, 400),
    r("GET", "/per-mu/data/{code}/{year}", "/per-mu/data/{A}/2006", Admin, 200),
    r("POST", "/per-mu/data/{code}/{year}", "/per-mu/data/{A}/2006", Admin, 303),
    r("GET", "/per-mu/{id}", "/per-mu/{permu}", Campaign, 200),
    r("POST", "/per-mu/{id}/settings", "/per-mu/{permu}/settings", Admin, 409),
    r("POST", "/per-mu/{id}/actions", "/per-mu/{permu}/actions", Admin, 422),
    r("POST", "/per-mu/{id}/adjustments", "/per-mu/{permu}/adjustments", Admin, 422),
    r("GET", "/per-mu/{id}/results.xlsx", "/per-mu/{permu}/results.xlsx", Campaign, 200),
    // Not final yet: no class list and no results document, but no refusal either.
    r("GET", "/per-mu/{id}/class-list.xlsx", "/per-mu/{permu}/class-list.xlsx", Campaign, 409),
    r("GET", "/per-mu/{id}/enterprises/{code}", "/per-mu/{permu}/enterprises/{A}", OwnEnterprise, 200),
    r("POST", "/per-mu/{id}/enterprises/{code}/objection", "/per-mu/{permu}/enterprises/{A}/objection", Requests, 400),
    r("POST", "/per-mu/{id}/objections/{oid}/answer", "/per-mu/{permu}/objections/999999/answer", Admin, 422),
    r("GET", "/per-mu/objections/{oid}/file", "/per-mu/objections/999999/file", SignedIn, 404),
    r("GET", "/per-mu/{id}/notice", "/per-mu/{permu}/notice", Campaign, 409),
    r("POST", "/per-mu/{id}/notice", "/per-mu/{permu}/notice", Admin, 409),
    r("GET", "/per-mu/{id}/notice.docx", "/per-mu/{permu}/notice.docx", Campaign, 409),
    // the orderly-power plan (the fixture's plan is a draft)
    at("GET", "/power", Campaign, 200),
    at("POST", "/power/plans", Admin, 422),
    r("GET", "/power/plans/{id}", "/power/plans/{plan}", Campaign, 200),
    r("POST", "/power/plans/{id}/issue", "/power/plans/999999/issue", Admin, 409),
    r("POST", "/power/plans/{id}/edit", "/power/plans/{plan}/edit", Admin, 422),
    r("POST", "/power/plans/{id}/actuals", "/power/plans/{plan}/actuals", Admin, 422),
    r("POST", "/power/plans/{id}/actuals/import", "/power/plans/{plan}/actuals/import", Admin, 400),
    r("GET", "/power/plans/{id}/export.xlsx", "/power/plans/{plan}/export.xlsx", Campaign, 200),
    // A draft plan has nothing to acknowledge yet.
    r("POST", "/power/plans/{id}/ack", "/power/plans/{plan}/ack", Requests, 404),
    at("GET", "/power/summary", Campaign, 200),
    at("GET", "/power/summary.xlsx", Campaign, 200),
    at("GET", "/power/accounts", Campaign, 200),
    at("POST", "/power/accounts", Admin, 422),
    at("GET", "/power/accounts/template.xlsx", Admin, 200),
    at("POST", "/power/accounts/import", Admin, 400),
    at("GET", "/power/notices", Requests, 200),
    // financing (the fixture's need, of enterprise A, has no claim yet)
    at("GET", "/financing", SignedIn, 200),
    at("POST", "/financing", Requests, 422),
    r("GET", "/financing/{id}", "/financing/{need}", SignedIn, 200),
    // Only a financial institution's users claim and record: none in this matrix.
    r("POST", "/financing/{id}/claim", "/financing/{need}/claim", SignedIn, 403),
    r("POST", "/financing/{id}/choose", "/financing/{need}/choose", Requests, 409),
    r("POST", "/financing/{id}/outcomes", "/financing/{need}/outcomes", SignedIn, 403),
    at("GET", "/financing/new", Admin, 200),
    at("GET", "/policies", SignedIn, 200),
    at("POST", "/policies", Admin, 422),
    r("GET", "/policies/{id}", "/policies/{policy}", SignedIn, 200),
    r("POST", "/policies/{id}/publish", "/policies/{policy}/publish", Admin, 409),
    r("POST", "/policies/{id}/ask", "/policies/{policy}/ask", Requests, 422),
    at("GET", "/fiscal", SignedIn, 200),
    at("POST", "/fiscal", Admin, 422),
    r("GET", "/fiscal/{id}", "/fiscal/{programme}", SignedIn, 200),
    r("POST", "/fiscal/{id}/experts", "/fiscal/999999/experts", Admin, 404),
    r("POST", "/fiscal/{id}/actions", "/fiscal/{programme}/actions", Admin, 422),
    r("POST", "/fiscal/{id}/apply", "/fiscal/{programme}/apply", SignedIn, 400),
    r("POST", "/fiscal/{id}/objections", "/fiscal/{programme}/objections", SignedIn, 409),
    r("POST", "/fiscal/{id}/objections/{oid}/answer", "/fiscal/{programme}/objections/999999/answer", Admin, 422),
    r("GET", "/fiscal/{id}/results.xlsx", "/fiscal/{programme}/results.xlsx", SignedIn, 409),
    r("GET", "/fiscal/{id}/plan.docx", "/fiscal/{programme}/plan.docx", SignedIn, 409),
    r("GET", "/fiscal/applications/{id}", "/fiscal/applications/{app}", SignedIn, 200),
    r("POST", "/fiscal/applications/{id}/review", "/fiscal/applications/{app}/review", Admin, 422),
    r("POST", "/fiscal/applications/{id}/scores", "/fiscal/applications/{app}/scores", Scorer, 422),
    r("POST", "/fiscal/applications/{id}/deduction", "/fiscal/applications/{app}/deduction", Admin, 422),
    r("POST", "/fiscal/applications/{id}/resubmit", "/fiscal/applications/{app}/resubmit", SignedIn, 400),
    r("POST", "/fiscal/applications/{id}/payments", "/fiscal/applications/{app}/payments", Admin, 422),
    r("POST", "/fiscal/applications/{id}/performance", "/fiscal/applications/{app}/performance", OwnerOrAdmin, 422),
    r("GET", "/fiscal/applications/{id}/attachments/{aid}", "/fiscal/applications/{app}/attachments/{fiscal_attachment}", SignedIn, 200),
    at("GET", "/financing/overdue", SignedIn, 200),
    at("POST", "/financing/remind", Admin, 400),
    r("POST", "/financing/{id}/remind", "/financing/{need}/remind", Admin, 409),
    at("GET", "/financing/stats", Campaign, 200),
    at("GET", "/financing/stats.xlsx", Campaign, 200),
    at("GET", "/financing/promotions", SignedIn, 200),
    at("POST", "/financing/promotions", Admin, 422),
    r("GET", "/financing/promotions/{id}", "/financing/promotions/{promotion}", SignedIn, 200),
    r("POST", "/financing/promotions/{id}/projects", "/financing/promotions/{promotion}/projects", Admin, 422),
    r("POST", "/financing/promotions/{id}/publish", "/financing/promotions/{promotion}/publish", Admin, 409),
    r("POST", "/financing/promotions/{id}/items/{item}/remove", "/financing/promotions/{promotion}/items/999999/remove", Admin, 409),
    r("POST", "/financing/promotions/{id}/items/{item}/interest", "/financing/promotions/{promotion}/items/{item}/interest", SignedIn, 403),
    r("GET", "/financing/promotions/{id}/export.xlsx", "/financing/promotions/{promotion}/export.xlsx", SignedIn, 200),
    r("GET", "/financing/promotions/{id}/export.docx", "/financing/promotions/{promotion}/export.docx", SignedIn, 200),
    // supervision
    at("GET", "/supervision", Oversight, 200),
    at("GET", "/supervision/export.xlsx", Oversight, 200),
    r("POST", "/supervision/requests/{id}/urge", "/supervision/requests/999999/urge", Admin, 404),
    r("POST", "/supervision/units/{code}/urge", "/supervision/units/nowhere/urge", Admin, 409),
    at("GET", "/supervision/notices", Oversight, 200),
    at("POST", "/supervision/notices", Admin, 303),
    at("GET", "/supervision/notices/preview", Oversight, 200),
    at("GET", "/supervision/notices/draft.docx", Oversight, 200),
    r("GET", "/supervision/notices/{id}", "/supervision/notices/{notice}", Oversight, 200),
    r("GET", "/supervision/notices/{id}/docx", "/supervision/notices/{notice}/docx", Oversight, 200),
    // users, audit, settings
    at("GET", "/users", Oversight, 200),
    at("POST", "/users", Admin, 422),
    at("GET", "/users/new", Admin, 200),
    r("POST", "/users/{id}/active", "/users/999999/active", Admin, 422),
    r("POST", "/users/{id}/password", "/users/999999/password", Admin, 422),
    at("GET", "/audit", Oversight, 200),
    at("GET", "/settings", Campaign, 303),
    at("GET", "/settings/calendar", Campaign, 200),
    r("GET", "/settings/calendar/{year}", "/settings/calendar/2026", Campaign, 200),
    r("POST", "/settings/calendar/{year}", "/settings/calendar/2026", Admin, 422),
    at("GET", "/settings/request-categories", Campaign, 200),
    r("POST", "/settings/request-categories/{code}", "/settings/request-categories/land", Admin, 422),
    at("GET", "/settings/routes", Campaign, 200),
    at("POST", "/settings/routes", Admin, 422),
    r("POST", "/settings/routes/{id}/delete", "/settings/routes/999999/delete", Admin, 404),
    // the API
    at("GET", "/api/openapi.json", Public, 200),
    at("POST", "/api/v1/login", Public, 422),
    at("GET", "/api/v1/me", SignedIn, 200),
    at("GET", "/api/v1/units", Campaign, 200),
    at("POST", "/api/v1/units", Admin, 400),
    r("PUT", "/api/v1/units/{code}", "/api/v1/units/land", Admin, 200),
    at("GET", "/api/v1/working-groups", Campaign, 200),
    at("GET", "/api/v1/campaigns", Campaign, 200),
    r("GET", "/api/v1/campaigns/{id}/targets", "/api/v1/campaigns/{campaign}/targets", Campaign, 200),
    r("GET", "/api/v1/campaigns/{id}/dashboard", "/api/v1/campaigns/{campaign}/dashboard", Campaign, 200),
    at("GET", "/api/v1/users", Oversight, 200),
    at("GET", "/api/v1/projects", Campaign, 200),
    at("POST", "/api/v1/projects", Staff, 422),
    r("GET", "/api/v1/projects/{code}", "/api/v1/projects/GC1", Campaign, 200),
    r("POST", "/api/v1/projects/{code}/progress", "/api/v1/projects/GC1/progress", Staff, 422),
    at("GET", "/api/v1/land-parcels", Campaign, 200),
    at("POST", "/api/v1/land-parcels", Staff, 422),
    at("GET", "/api/v1/enterprises", Campaign, 200),
    at("POST", "/api/v1/enterprises", Admin, 422),
    r("GET", "/api/v1/enterprises/{code}", "/api/v1/enterprises/{A}", OwnEnterprise, 200),
    r("GET", "/api/v1/enterprises/{code}", "/api/v1/enterprises/{B}", Campaign, 200),
    at("POST", "/api/v1/enterprise-stats", Admin, 422),
    at("POST", "/api/v1/brands", Admin, 422),
    at("GET", "/api/v1/requests", SignedIn, 200),
    at("POST", "/api/v1/requests", Requests, 422),
    r("GET", "/api/v1/requests/{id}", "/api/v1/requests/{request}", SignedIn, 200),
    r("POST", "/api/v1/requests/{id}/actions", "/api/v1/requests/{request}/actions", Requests, 422),
    r("POST", "/api/v1/requests/{id}/extension", "/api/v1/requests/{request}/extension", Requests, 422),
    r("POST", "/api/v1/requests/{id}/extension/decision", "/api/v1/requests/{request}/extension/decision", Admin, 422),
    r("GET", "/api/v1/requests/attachments/{id}", "/api/v1/requests/attachments/{attachment}", SignedIn, 200),
    at("GET", "/api/v1/requests/stats", Campaign, 200),
    at("GET", "/api/v1/notifications", SignedIn, 200),
    at("GET", "/api/v1/notifications/count", SignedIn, 200),
    at("GET", "/api/v1/calendar", Campaign, 200),
    r("GET", "/api/v1/calendar/{year}", "/api/v1/calendar/2026", Campaign, 200),
    r("PUT", "/api/v1/calendar/{year}", "/api/v1/calendar/2026", Admin, 422),
    at("GET", "/api/v1/request-categories", SignedIn, 200),
    at("PUT", "/api/v1/request-categories", Admin, 422),
    at("GET", "/api/v1/request-routes", Campaign, 200),
    at("POST", "/api/v1/request-routes", Admin, 422),
    r("DELETE", "/api/v1/request-routes/{id}", "/api/v1/request-routes/999999", Admin, 404),
    at("GET", "/api/v1/visits", Campaign, 200),
    at("POST", "/api/v1/visits", Staff, 422),
    at("GET", "/api/v1/meetings", Campaign, 200),
    at("POST", "/api/v1/meetings", Admin, 400),
    r("GET", "/api/v1/meetings/{id}", "/api/v1/meetings/{meeting}", Campaign, 200),
    r("POST", "/api/v1/meetings/{id}/decisions", "/api/v1/meetings/{meeting}/decisions", Admin, 400),
    r("POST", "/api/v1/meetings/{id}/action-items", "/api/v1/meetings/{meeting}/action-items", Admin, 400),
    at("GET", "/api/v1/supervision/overdue", Oversight, 200),
    at("GET", "/api/v1/evaluations", Campaign, 200),
    at("POST", "/api/v1/evaluations", Admin, 400),
    r("GET", "/api/v1/evaluations/{id}", "/api/v1/evaluations/{evaluation}", Campaign, 200),
    r("PUT", "/api/v1/evaluations/{id}/settings", "/api/v1/evaluations/{evaluation}/settings", Admin, 200),
    r("POST", "/api/v1/evaluations/{id}/actions", "/api/v1/evaluations/{evaluation}/actions", Admin, 400),
    r("GET", "/api/v1/evaluations/{id}/ballots", "/api/v1/evaluations/{evaluation}/ballots", Admin, 200),
    r("POST", "/api/v1/evaluations/{id}/ballots", "/api/v1/evaluations/{evaluation}/ballots", Answer, 422),
    r("POST", "/api/v1/evaluations/{id}/vetoes", "/api/v1/evaluations/{evaluation}/vetoes", Admin, 400),
    r("DELETE", "/api/v1/evaluations/{id}/vetoes/{unit}", "/api/v1/evaluations/{evaluation}/vetoes/nowhere", Admin, 404),
    r("POST", "/api/v1/evaluations/{id}/objections", "/api/v1/evaluations/{evaluation}/objections", Campaign, 400),
    r("POST", "/api/v1/evaluations/{id}/objections/{oid}/answer", "/api/v1/evaluations/{evaluation}/objections/999999/answer", Admin, 400),
    r("GET", "/api/v1/evaluations/{id}/results", "/api/v1/evaluations/{evaluation}/results", Campaign, 200),
    at("POST", "/api/v1/per-mu/data", Admin, 422),
    at("GET", "/api/v1/per-mu/evaluations", Campaign, 200),
    at("POST", "/api/v1/per-mu/evaluations", Admin, 422),
    r("GET", "/api/v1/per-mu/evaluations/{id}", "/api/v1/per-mu/evaluations/{permu}", Campaign, 200),
    r("POST", "/api/v1/per-mu/evaluations/{id}/actions", "/api/v1/per-mu/evaluations/{permu}/actions", Admin, 400),
    r("GET", "/api/v1/per-mu/evaluations/{id}/results", "/api/v1/per-mu/evaluations/{permu}/results", Campaign, 200),
    at("POST", "/api/v1/credit-events", Admin, 422),
    at("POST", "/api/v1/power/accounts", Admin, 422),
    at("POST", "/api/v1/financing/needs", Requests, 400),
    at("GET", "/api/v1/financing/needs", SignedIn, 200),
    r("GET", "/api/v1/financing/needs/{id}", "/api/v1/financing/needs/{need}", SignedIn, 200),
    r("POST", "/api/v1/financing/needs/{id}/claims", "/api/v1/financing/needs/{need}/claims", SignedIn, 403),
    r("POST", "/api/v1/financing/needs/{id}/choose", "/api/v1/financing/needs/{need}/choose", SignedIn, 400),
    r("POST", "/api/v1/financing/needs/{id}/outcomes", "/api/v1/financing/needs/{need}/outcomes", SignedIn, 400),
    at("GET", "/api/v1/financing/stats", Campaign, 200),
    at("GET", "/api/v1/financing/overdue", SignedIn, 200),
    // fiscal support (the fixture's programme is open, with one application
    // of enterprise A that passed formal review and has an attachment)
    at("GET", "/api/v1/policies", SignedIn, 200),
    at("POST", "/api/v1/policies", Admin, 400),
    r("GET", "/api/v1/policies/{id}", "/api/v1/policies/{policy}", SignedIn, 200),
    r("POST", "/api/v1/policies/{id}/publish", "/api/v1/policies/{policy}/publish", Admin, 409),
    r("GET", "/api/v1/policies/{id}/matches", "/api/v1/policies/{policy}/matches", Campaign, 200),
    at("GET", "/api/v1/fiscal/programmes", SignedIn, 200),
    at("POST", "/api/v1/fiscal/programmes", Admin, 400),
    r("GET", "/api/v1/fiscal/programmes/{id}", "/api/v1/fiscal/programmes/{programme}", SignedIn, 200),
    r("PUT", "/api/v1/fiscal/programmes/{id}/experts", "/api/v1/fiscal/programmes/{programme}/experts", Admin, 400),
    r("POST", "/api/v1/fiscal/programmes/{id}/actions", "/api/v1/fiscal/programmes/{programme}/actions", Admin, 400),
    r("GET", "/api/v1/fiscal/programmes/{id}/results", "/api/v1/fiscal/programmes/{programme}/results", SignedIn, 409),
    r("GET", "/api/v1/fiscal/programmes/{id}/applications", "/api/v1/fiscal/programmes/{programme}/applications", SignedIn, 200),
    r("POST", "/api/v1/fiscal/programmes/{id}/applications", "/api/v1/fiscal/programmes/{programme}/applications", SignedIn, 400),
    r("POST", "/api/v1/fiscal/programmes/{id}/objections", "/api/v1/fiscal/programmes/{programme}/objections", SignedIn, 400),
    r("GET", "/api/v1/fiscal/applications/{id}", "/api/v1/fiscal/applications/{app}", SignedIn, 200),
    r("POST", "/api/v1/fiscal/applications/{id}/review", "/api/v1/fiscal/applications/{app}/review", Admin, 400),
    r("POST", "/api/v1/fiscal/applications/{id}/scores", "/api/v1/fiscal/applications/{app}/scores", Scorer, 422),
    r("POST", "/api/v1/fiscal/applications/{id}/deduction", "/api/v1/fiscal/applications/{app}/deduction", Admin, 400),
    r("POST", "/api/v1/fiscal/applications/{id}/payments", "/api/v1/fiscal/applications/{app}/payments", Admin, 400),
    r("POST", "/api/v1/fiscal/applications/{id}/performance", "/api/v1/fiscal/applications/{app}/performance", SignedIn, 400),
    r("POST", "/api/v1/financing/needs/{id}/reminders", "/api/v1/financing/needs/{need}/reminders", Admin, 409),
    at("GET", "/api/v1/power/plans", Campaign, 200),
    at("POST", "/api/v1/power/plans", Admin, 400),
    r("GET", "/api/v1/power/plans/{id}", "/api/v1/power/plans/{plan}", Campaign, 200),
    r("PUT", "/api/v1/power/plans/{id}", "/api/v1/power/plans/{plan}", Admin, 400),
    r("POST", "/api/v1/power/plans/{id}/issue", "/api/v1/power/plans/999999/issue", Admin, 409),
];

/// Where a record-level rule answers one role otherwise than the route's
/// access says: (who, method, url, status).
const EXCEPTIONS: &[(Who, &str, &str, u16)] = &[
    // An enterprise's home is its own requests; an expert's the programmes.
    (Who::Enterprise, "GET", "/", 303),
    (Who::Expert, "GET", "/", 303),
    // A unit changes the parcels of its own township; the land bureau is none.
    (Who::Unit, "GET", "/land-parcels/D1/edit", 403),
    (Who::Unit, "POST", "/land-parcels/D1/edit", 403),
    // Only the responsible unit asks for more time on a request.
    (
        Who::Enterprise,
        "POST",
        "/requests/{request}/extension",
        403,
    ),
    (Who::Admin, "POST", "/requests/{request}/extension", 403),
    // Results are the office's and leaders' until the 公示.
    (
        Who::Unit,
        "GET",
        "/evaluations/{evaluation}/results.xlsx",
        403,
    ),
    (
        Who::Unit,
        "GET",
        "/evaluations/{evaluation}/units/land",
        403,
    ),
    (
        Who::Unit,
        "GET",
        "/api/v1/evaluations/{evaluation}/results",
        403,
    ),
    // Objections are the member units' (and the office's), not leaders'.
    (
        Who::Leader,
        "POST",
        "/evaluations/{evaluation}/objections",
        403,
    ),
    // The questionnaire is an enterprise's or a township's; the land bureau
    // is neither, and the office enters paper ballots instead.
    (Who::Admin, "GET", "/questionnaire", 403),
    (Who::Unit, "GET", "/questionnaire", 403),
    (
        Who::Admin,
        "GET",
        "/evaluations/{evaluation}/questionnaire",
        403,
    ),
    (
        Who::Unit,
        "GET",
        "/evaluations/{evaluation}/questionnaire",
        403,
    ),
    (
        Who::Admin,
        "POST",
        "/evaluations/{evaluation}/questionnaire",
        403,
    ),
    (
        Who::Unit,
        "POST",
        "/evaluations/{evaluation}/questionnaire",
        403,
    ),
    (
        Who::Unit,
        "POST",
        "/api/v1/evaluations/{evaluation}/ballots",
        403,
    ),
    // A unit neither posts a need nor chooses for an enterprise.
    (Who::Unit, "POST", "/financing", 403),
    (Who::Unit, "POST", "/financing/{need}/choose", 403),
    // Enterprises ask about policies; staff answer the requests that follow.
    (Who::Admin, "POST", "/policies/{policy}/ask", 403),
    (Who::Unit, "POST", "/policies/{policy}/ask", 403),
    // Experts do not object; they score (an assigned expert).
    (Who::Expert, "POST", "/fiscal/{programme}/objections", 403),
    // Only an enterprise acknowledges and reads its power notices.
    (Who::Admin, "POST", "/power/plans/{plan}/ack", 403),
    (Who::Unit, "POST", "/power/plans/{plan}/ack", 403),
    (Who::Admin, "GET", "/power/notices", 403),
    (Who::Unit, "GET", "/power/notices", 403),
];

/// The routes the router serves, as (method, path): every `.route("…", …)`
/// call in `crates/web/src` outside test modules, with the methods named in
/// its method router. The API's routers are nested under `/api`, so their
/// paths (`/v1/…`, `/openapi.json`) get that prefix.
fn served_routes() -> BTreeSet<(String, String)> {
    let mut files = vec![];
    let mut dirs = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs")
                && !p.to_string_lossy().ends_with("tests.rs")
            {
                // Test files (e.g. `api_tests.rs`) scan routes themselves.
                files.push(p);
            }
        }
    }
    let mut out = BTreeSet::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let mut rest = text;
        while let Some(i) = rest.find(".route(") {
            rest = &rest[i + ".route(".len()..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map(|(j, _)| j)
                .unwrap_or_else(|| panic!("unbalanced .route( in {}", f.display()));
            let call = &rest[..end];
            let path = call
                .split('"')
                .nth(1)
                .unwrap_or_else(|| panic!("a .route( without a path in {}", f.display()));
            let path = if path.starts_with("/v1/") || path == "/openapi.json" {
                format!("/api{path}")
            } else {
                path.to_string()
            };
            let mut methods = 0;
            for m in ["get", "post", "put", "delete", "patch"] {
                let pat = format!("{m}(");
                let found = call.match_indices(&pat).any(|(j, _)| {
                    j == 0
                        || !call.as_bytes()[j - 1].is_ascii_alphanumeric()
                            && call.as_bytes()[j - 1] != b'_'
                            && call.as_bytes()[j - 1] != b':'
                });
                if found {
                    methods += 1;
                    out.insert((m.to_uppercase(), path.clone()));
                }
            }
            assert!(methods > 0, "no method found for {path} in {}", f.display());
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn the_table_lists_every_route() {
    let served = served_routes();
    assert!(
        served.len() > 100,
        "the scan found only {} routes",
        served.len()
    );
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_string(), r.pattern.to_string()))
        .collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(
        missing.is_empty(),
        "routes the router serves but the table does not list: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "routes the table lists but the router does not serve: {stale:?}"
    );
    for r in ROUTES {
        assert!(
            r.url.starts_with(r.pattern.split('{').next().unwrap()),
            "{} {} is reached at {}",
            r.method,
            r.pattern,
            r.url
        );
    }
}

/// What the matrix needs in the database, and the ids it got.
struct Fixture {
    ids: HashMap<&'static str, String>,
}

impl Fixture {
    fn url(&self, template: &str) -> String {
        let mut u = template.to_string();
        for (k, v) in &self.ids {
            u = u.replace(&format!("{{{k}}}"), v);
        }
        assert!(!u.contains('{'), "no fixture for {template}");
        u
    }
}

const PDF_BASE64: &str = "JVBERi0xLjQgZHJhd2luZw==";

async fn json_post(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let r = reqwest::Client::new()
        .post(app.url(path))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v: Value = r.json().await.unwrap_or(Value::Null);
    assert!((200..300).contains(&status), "{path}: {status} {v}");
    v
}

/// A request of `user`'s enterprise with one PDF: (request id, attachment id).
async fn request_with_attachment(app: &TestApp, user: &str, title: &str) -> (i64, i64) {
    let token = app.token(user).await;
    let r = json_post(
        app,
        &token,
        "/api/v1/requests",
        json!({"category": "land", "title": title, "description": "需要 20 亩工业用地",
               "attachments": [{"name": "厂区图.pdf", "content_base64": PDF_BASE64}]}),
    )
    .await;
    let id = r["id"].as_i64().unwrap();
    let (s, d) = common::get_json(app, &token, &format!("/api/v1/requests/{id}")).await;
    assert_eq!(s, 200, "{d}");
    (id, d["attachments"][0][0].as_i64().unwrap())
}

/// The id at the end of an issuing form's redirect.
async fn issue(app: &TestApp, path: &str) -> String {
    let (c, csrf) = app.login("admin").await;
    let r = c
        .post(app.url(path))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303, "issuing at {path}");
    let to = r.headers()["location"].to_str().unwrap();
    to.rsplit('/').next().unwrap().to_string()
}

/// A project and a parcel of the land bureau, enterprises A and B with a user
/// each, a request of each with an attachment, a meeting, a bulletin and a
/// supervision notice.
async fn fixture(app: &TestApp) -> Fixture {
    let admin = app.token("admin").await;
    json_post(
        app,
        &admin,
        "/api/v1/projects",
        json!({"code": "GC1", "name": "权限测试项目", "township_code": "yongzhong",
               "kind": "industrial", "responsible_unit_code": "land"}),
    )
    .await;
    json_post(
        app,
        &admin,
        "/api/v1/land-parcels",
        json!([{"code": "D1", "township_code": "yongzhong", "area_millimu": 1_000_000,
                "expropriated_on": "2005-05-01"}]),
    )
    .await;
    enterprises_a_b(app).await;
    enterprise_user(app, "jia.qiye", "甲企业联系人", A).await;
    enterprise_user(app, "yi.qiye", "乙企业联系人", B).await;
    let (request, attachment) = request_with_attachment(app, "jia.qiye", "甲的用地诉求").await;
    let (request_b, attachment_b) = request_with_attachment(app, "yi.qiye", "乙的保密诉求").await;
    let meeting = json_post(
        app,
        &admin,
        "/api/v1/meetings",
        json!({"title": "权限测试会议", "held_on": "2026-06-01", "place": "301会议室"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let campaign = app.store.current_campaign().await.unwrap().unwrap().id;
    let bulletin = issue(app, "/bulletins").await;
    let notice = issue(app, "/supervision/notices").await;
    let evaluation = json_post(
        app,
        &admin,
        "/api/v1/evaluations",
        json!({"title": "权限测试评议"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    json_post(
        app,
        &admin,
        &format!("/api/v1/evaluations/{evaluation}/actions"),
        json!({"action": "open"}),
    )
    .await;
    json_post(
        app,
        &admin,
        "/api/v1/per-mu/data",
        json!({"credit_code": A, "year": 2006, "land_millimu": 10_000, "tax_yuan": 500_000}),
    )
    .await;
    let jia = app.token("jia.qiye").await;
    let need = json_post(
        app,
        &jia,
        "/api/v1/financing/needs",
        json!({"amount_yuan": 5_000_000, "purpose": "working_capital", "term_months": 12}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let office = store::requests::Viewer::office("权限测试");
    let (programme, app_id, fiscal_attachment) = fiscal_fixture(app).await;
    let policy = app
        .store
        .create_policy(
            &office,
            &store::policies::NewPolicy {
                title: "权限测试政策".into(),
                document_number: "测〔2006〕1号".into(),
                issuing_body: "区政府".into(),
                issued_on: Some(chrono::NaiveDate::from_ymd_opt(2006, 3, 1).unwrap()),
                body: "正文".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .id;
    app.store
        .publish_policy(
            &office,
            policy,
            chrono::NaiveDate::from_ymd_opt(2006, 3, 2).unwrap(),
        )
        .await
        .unwrap();
    let promotion = app
        .store
        .create_financing_promotion(&office, "权限测试推介", None, "")
        .await
        .unwrap();
    app.store
        .add_financing_promotion_projects(&office, promotion, &["GC1".into()], Some(9_000_000), "")
        .await
        .unwrap();
    app.store
        .publish_financing_promotion(
            &office,
            promotion,
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(),
        )
        .await
        .unwrap();
    let item = app
        .store
        .financing_promotion(&office, promotion)
        .await
        .unwrap()
        .unwrap()
        .items[0]
        .id;
    let plan = json_post(
        app,
        &admin,
        "/api/v1/power/plans",
        json!({"period": "权限测试", "date": "2026-07-01",
               "slots": [{"start": "09:00", "end": "10:00", "gap_kw": 100, "forecast_max_kw": 1000}]}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    let permu = json_post(
        app,
        &admin,
        "/api/v1/per-mu/evaluations",
        json!({"year": 2006}),
    )
    .await["id"]
        .as_i64()
        .unwrap();
    for action in ["compute", "publish"] {
        json_post(
            app,
            &admin,
            &format!("/api/v1/per-mu/evaluations/{permu}/actions"),
            json!({"action": action}),
        )
        .await;
    }
    let ids = HashMap::from([
        ("A", A.to_string()),
        ("B", B.to_string()),
        ("request", request.to_string()),
        ("attachment", attachment.to_string()),
        ("request_b", request_b.to_string()),
        ("attachment_b", attachment_b.to_string()),
        ("meeting", meeting.to_string()),
        ("campaign", campaign.to_string()),
        ("bulletin", bulletin),
        ("notice", notice),
        ("evaluation", evaluation.to_string()),
        ("permu", permu.to_string()),
        ("plan", plan.to_string()),
        ("need", need.to_string()),
        ("promotion", promotion.to_string()),
        ("programme", programme.to_string()),
        ("policy", policy.to_string()),
        ("app", app_id.to_string()),
        ("fiscal_attachment", fiscal_attachment.to_string()),
        ("item", item.to_string()),
    ]);
    Fixture { ids }
}

/// An open programme with the expert `zhuanjia`, and enterprise A's
/// application (with a PDF) that passed formal review: (programme,
/// application, attachment).
async fn fiscal_fixture(app: &TestApp) -> (i64, i64, i64) {
    let office = store::requests::Viewer::office("权限测试");
    app.store
        .create_user(
            &store::Actor::system("t"),
            &domain::users::parse_new_user("zhuanjia", "评审专家甲", "expert", None, None).unwrap(),
            common::PASSWORD,
        )
        .await
        .unwrap();
    let today = common::today();
    let programme = app
        .store
        .create_fiscal_programme(
            &office,
            &store::fiscal::NewProgramme {
                title: "权限测试专项资金".into(),
                budget_yuan: 1_000_000,
                opens_on: Some(today - chrono::Duration::days(10)),
                closes_on: Some(today + chrono::Duration::days(30)),
                // The fixture's project GC1 is not approved.
                rules: Some(domain::fiscal::Rules {
                    project_approved: false,
                    ..Default::default()
                }),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    app.store
        .set_fiscal_experts(&office, programme, &["zhuanjia".into()])
        .await
        .unwrap();
    let pdf =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, PDF_BASE64).unwrap();
    let a = app
        .store
        .submit_fiscal_application(
            &office,
            programme,
            &store::fiscal::NewApplication {
                enterprise: A.into(),
                project: "GC1".into(),
                eligible_investment_yuan: 5_000_000,
                amount_yuan: 400_000,
                files: vec![("申报书.pdf".into(), pdf)],
                ..Default::default()
            },
            today,
        )
        .await
        .unwrap();
    app.store
        .review_fiscal_application(&office, a.id, "pass", "")
        .await
        .unwrap_or_else(|e| panic!("{e:?}: {:?}", a.reasons));
    let att = app.store.fiscal_attachments(a.id).await.unwrap()[0].id;
    (programme, a.id, att)
}

/// How one user reaches the server: a browser session with its CSRF token
/// for pages, a bearer token for the API.
struct Caller {
    who: Who,
    username: &'static str,
    browser: reqwest::Client,
    csrf: String,
    token: Option<String>,
}

impl Caller {
    async fn new(app: &TestApp, who: Who) -> Caller {
        let username = match who {
            Who::Anonymous => "",
            Who::Admin => "admin",
            Who::Leader => "leader",
            Who::Unit => "tudi",
            Who::Enterprise => "jia.qiye",
            Who::Expert => "zhuanjia",
        };
        if who == Who::Anonymous {
            // A CSRF cookie and token, as a browser gets from the login page.
            let browser = client();
            let html = browser
                .get(app.url("/login"))
                .send()
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            return Caller {
                who,
                username,
                csrf: csrf_of(&html),
                browser,
                token: None,
            };
        }
        let (browser, csrf) = app.login(username).await;
        Caller {
            who,
            username,
            browser,
            csrf,
            token: Some(app.token(username).await),
        }
    }

    /// Sends `method` to `url` with an empty body; gives the status and the
    /// redirect target.
    async fn send(&self, app: &TestApp, method: &str, url: &str) -> (u16, String) {
        let method: reqwest::Method = method.parse().unwrap();
        let read = method == reqwest::Method::GET;
        let r = if url.starts_with("/api/") {
            let mut b = reqwest::Client::new().request(method, app.url(url));
            if let Some(t) = &self.token {
                b = b.bearer_auth(t);
            }
            if !read {
                b = b.json(&json!({}));
            }
            b.send().await.unwrap()
        } else if read {
            self.browser.get(app.url(url)).send().await.unwrap()
        } else {
            // Logging out ends the session: a session of its own.
            let (browser, csrf) = if url == "/logout" && self.who != Who::Anonymous {
                app.login(self.username).await
            } else {
                (self.browser.clone(), self.csrf.clone())
            };
            // The token in the query too, as multipart forms carry it.
            let sep = if url.contains('?') { '&' } else { '?' };
            browser
                .request(method, app.url(&format!("{url}{sep}csrf={csrf}")))
                .form(&[("csrf", csrf.as_str())])
                .send()
                .await
                .unwrap()
        };
        let to = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        (r.status().as_u16(), to)
    }
}

/// What `who` should get at `route`, or why the answer is wrong.
fn judge(route: &Route, who: Who, url: &str, status: u16, to: &str) -> Result<(), String> {
    let api = url.starts_with("/api/");
    if let Some(&(_, _, _, want)) = EXCEPTIONS
        .iter()
        .find(|(w, m, u, _)| *w == who && *m == route.method && *u == route.url)
    {
        return (status == want)
            .then_some(())
            .ok_or(format!("wanted {want}"));
    }
    if who == Who::Expert && !expert_path(url) {
        return (status == 403)
            .then_some(())
            .ok_or("wanted 403 (the expert's gate)".into());
    }
    if route.access.lets(who) {
        (status == route.want)
            .then_some(())
            .ok_or(format!("wanted {}", route.want))
    } else if who == Who::Anonymous && api {
        (status == 401).then_some(()).ok_or("wanted 401".into())
    } else if who == Who::Anonymous {
        (status == 303 && to.starts_with("/login?next="))
            .then_some(())
            .ok_or("wanted 303 to /login".into())
    } else {
        (status == 403).then_some(()).ok_or("wanted 403".into())
    }
}

#[tokio::test]
async fn every_route_answers_every_role_as_the_table_says() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let mut wrong = vec![];
    let mut checked = 0;
    for who in EVERYONE {
        let caller = Caller::new(&app, who).await;
        for route in ROUTES {
            let url = fx.url(route.url);
            let (status, to) = caller.send(&app, route.method, &url).await;
            checked += 1;
            if let Err(why) = judge(route, who, &url, status, &to) {
                wrong.push(format!(
                    "{who:?} {} {url}: got {status} {to}, {why}",
                    route.method
                ));
            }
        }
    }
    assert_eq!(checked, ROUTES.len() * EVERYONE.len());
    assert!(
        wrong.is_empty(),
        "{} of {checked} answers are wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// An enterprise user asking for another enterprise's records by id gets 403
/// or 404, never the records; lists and exports hold only its own.
#[tokio::test]
async fn an_enterprise_user_cannot_reach_another_enterprises_records_by_id() {
    let app = spawn_app().await;
    let fx = fixture(&app).await;
    let jia = Caller::new(&app, Who::Enterprise).await;
    for url in [
        "/requests/{request_b}",
        "/api/v1/requests/{request_b}",
        "/requests/attachments/{attachment_b}",
        "/api/v1/requests/attachments/{attachment_b}",
        "/enterprises/{B}",
        "/enterprises/{B}/edit",
        "/api/v1/enterprises/{B}",
        "/enterprises?q={B}",
        "/enterprises/export.xlsx?q={B}",
        "/api/v1/enterprises?q={B}",
        "/requests/stats",
        "/api/v1/requests/stats",
        "/dashboard",
        "/projects/GC1",
        "/land-parcels/D1",
    ] {
        let url = fx.url(url);
        let (status, _) = jia.send(&app, "GET", &url).await;
        assert!(
            status == 403 || status == 404,
            "jia GET {url}: {status}, wanted 403 or 404"
        );
    }
    // Acting on B's request is refused too.
    let url = fx.url("/api/v1/requests/{request_b}/actions");
    let r = reqwest::Client::new()
        .post(app.url(&url))
        .bearer_auth(jia.token.as_ref().unwrap())
        .json(&json!({"action": "withdraw", "note": "不是我的"}))
        .send()
        .await
        .unwrap();
    assert!(
        matches!(r.status().as_u16(), 403 | 404),
        "jia acts on B's request: {}",
        r.status()
    );
    // What jia lists is its own: B's request appears nowhere.
    for url in [
        "/requests",
        "/requests?q=乙",
        "/inbox",
        "/api/v1/requests",
        "/api/v1/notifications",
    ] {
        let r = jia.browser.get(app.url(url)).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
        let body = r.text().await.unwrap();
        assert!(
            !body.contains("乙的保密诉求") && !body.contains("温州乙泵业"),
            "jia sees B's request at {url}"
        );
    }
    let (s, list) = common::get_json(&app, jia.token.as_ref().unwrap(), "/api/v1/requests").await;
    assert_eq!(s, 200);
    let ids: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].to_string())
        .collect();
    assert_eq!(
        ids,
        [fx.ids["request"].clone()],
        "jia lists only A's request"
    );
    // B's user reaches B's own records: the refusals above are about whose
    // records they are, not about the records.
    let yi = {
        let (browser, csrf) = app.login("yi.qiye").await;
        Caller {
            who: Who::Enterprise,
            username: "yi.qiye",
            browser,
            csrf,
            token: Some(app.token("yi.qiye").await),
        }
    };
    for url in [
        "/requests/{request_b}",
        "/api/v1/requests/{request_b}",
        "/requests/attachments/{attachment_b}",
        "/api/v1/requests/attachments/{attachment_b}",
        "/enterprises/{B}",
        "/api/v1/enterprises/{B}",
    ] {
        let url = fx.url(url);
        assert_eq!(yi.send(&app, "GET", &url).await.0, 200, "yi GET {url}");
    }
}

/// The navigation shows each role what it may open, and nothing it may not.
#[tokio::test]
async fn the_navigation_links_only_to_what_the_role_may_open() {
    let app = spawn_app().await;
    let _ = fixture(&app).await;
    for who in [Who::Admin, Who::Leader, Who::Unit, Who::Enterprise] {
        let caller = Caller::new(&app, who).await;
        let html = caller
            .browser
            .get(app.url("/inbox"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let nav = html
            .split("<nav>")
            .nth(1)
            .and_then(|n| n.split("</nav>").next())
            .expect("a navigation");
        let links: Vec<&str> = nav
            .split("href=\"")
            .skip(1)
            .filter_map(|s| s.split('"').next())
            .collect();
        assert!(links.len() >= 3, "{who:?}: {links:?}");
        for link in &links {
            let (status, _) = caller.send(&app, "GET", link).await;
            assert!(
                status == 200 || status == 303,
                "{who:?} is shown {link} but gets {status}"
            );
        }
        let campaign_links = links.contains(&"/projects");
        assert_eq!(campaign_links, who != Who::Enterprise, "{who:?}: {links:?}");
        assert_eq!(
            links.contains(&"/audit"),
            matches!(who, Who::Admin | Who::Leader)
        );
        if who == Who::Enterprise {
            assert!(
                links.contains(&format!("/enterprises/{A}").as_str()),
                "{links:?}"
            );
        }
    }
    // An expert's navigation is the programmes to score, and it can open it.
    let expert = Caller::new(&app, Who::Expert).await;
    let html = expert
        .browser
        .get(app.url("/fiscal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let nav = html
        .split("<nav>")
        .nth(1)
        .and_then(|n| n.split("</nav>").next())
        .expect("a navigation");
    assert!(
        nav.contains("href=\"/fiscal\"") && !nav.contains("/requests"),
        "{nav}"
    );
    let (status, to) = expert.send(&app, "GET", "/").await;
    assert_eq!((status, to.as_str()), (303, "/fiscal"));
}
