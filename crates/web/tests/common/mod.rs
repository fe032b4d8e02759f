//! A real server on port 0 over a fresh database (`TEST_DATABASE_URL` picks
//! SQLite or PostgreSQL), with the 2006 template and one user per role.

#![allow(dead_code)]

pub mod driver;

use domain::campaign::template;
use domain::users::parse_new_user;
use store::{Actor, Store};

pub const PASSWORD: &str = "test-password-1";

pub struct TestApp {
    pub base: String,
    pub store: Store,
}

pub async fn spawn_app() -> TestApp {
    let store = store::testing::fresh_store().await;
    let t = template::builtin("longwan-2006").unwrap();
    store
        .load_template(&Actor::system("test"), &t)
        .await
        .unwrap();
    store.ensure_admin(Some(PASSWORD)).await.unwrap();
    let actor = Actor::system("test");
    for (u, n, r, unit, ent) in [
        ("leader", "领导", "leader", None, None),
        ("jingmao", "经贸局联络员", "unit", Some("economy"), None),
        ("tudi", "国土分局联络员", "unit", Some("land"), None),
        (
            "qiye",
            "企业用户",
            "enterprise",
            None,
            Some("91330303MA0000000X"),
        ),
    ] {
        store
            .create_user(
                &actor,
                &parse_new_user(u, n, r, unit, ent).unwrap(),
                PASSWORD,
            )
            .await
            .unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let state = web::AppState {
        store: store.clone(),
        secure_cookies: false,
    };
    tokio::spawn(async move { web::serve(listener, state).await.unwrap() });
    TestApp { base, store }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// The CSRF token embedded in a page's forms.
pub fn csrf_of(html: &str) -> String {
    let i = html
        .find("name=\"csrf\" value=\"")
        .expect("page has a CSRF field")
        + 19;
    html[i..].split('"').next().unwrap().to_string()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Logs in through the form and returns the client and a CSRF token.
    pub async fn login(&self, username: &str) -> (reqwest::Client, String) {
        let c = client();
        let html = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&html);
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", PASSWORD),
                ("next", "/"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "login of {username} should redirect");
        (c, csrf)
    }

    /// An API bearer token for a user.
    pub async fn token(&self, username: &str) -> String {
        let r = client()
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        r.json::<serde_json::Value>().await.unwrap()["token"]
            .as_str()
            .unwrap()
            .to_string()
    }
}

impl TestApp {
    /// Logs in with an explicit password.
    pub async fn login_with(&self, username: &str, password: &str) -> (reqwest::Client, String) {
        let c = client();
        let html = c
            .get(self.url("/login"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let csrf = csrf_of(&html);
        let r = c
            .post(self.url("/login"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("username", username),
                ("password", password),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303, "login of {username}");
        (c, csrf)
    }
}

/// POSTs JSON with a bearer token; gives the status and the JSON answer.
pub async fn post(
    c: &reqwest::Client,
    url: String,
    token: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    let r = c
        .post(url)
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

/// GETs `url` with the client's cookies; gives the status and the body.
pub async fn text(c: &reqwest::Client, url: String) -> (u16, String) {
    let r = c.get(url).send().await.unwrap();
    (r.status().as_u16(), r.text().await.unwrap())
}

/// GETs an API path with a bearer token; gives the status and the JSON
/// answer (null when the body is not JSON).
pub async fn get_json(app: &TestApp, token: &str, path: &str) -> (u16, serde_json::Value) {
    let r = reqwest::Client::new()
        .get(app.url(path))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let s = r.status().as_u16();
    (s, r.json().await.unwrap_or(serde_json::Value::Null))
}

/// Today in Beijing, as the server counts it.
pub fn today() -> chrono::NaiveDate {
    (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()
}

/// The text of a .docx: its `word/document.xml`.
pub fn document_xml(docx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a .docx is a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .expect("word/document.xml")
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// The text of an .xlsx: its shared strings and first sheet, as XML.
pub fn xlsx_text(xlsx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).expect("an .xlsx is a zip");
    let mut out = String::new();
    for name in ["xl/sharedStrings.xml", "xl/worksheets/sheet1.xml"] {
        if let Ok(mut f) = zip.by_name(name) {
            f.read_to_string(&mut out).unwrap();
        }
    }
    out
}

/// Enterprises A and B of `store::testing` in the registry.
pub async fn enterprises_a_b(app: &TestApp) {
    app.store
        .upsert_enterprises(
            &Actor::system("test"),
            &[
                store::testing::enterprise_a(),
                store::testing::enterprise_b(),
            ],
        )
        .await
        .unwrap();
}

/// An enterprise user of the enterprise `code`, with the test password.
pub async fn enterprise_user(app: &TestApp, username: &str, name: &str, code: &str) {
    app.store
        .create_user(
            &Actor::system("test"),
            &parse_new_user(username, name, "enterprise", None, Some(code)).unwrap(),
            PASSWORD,
        )
        .await
        .unwrap();
}

/// The viewer of an existing user.
pub async fn viewer_of(app: &TestApp, username: &str) -> store::requests::Viewer {
    let u = app
        .store
        .users()
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.username == username)
        .unwrap();
    store::requests::Viewer::of(&u)
}
