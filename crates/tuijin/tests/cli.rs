//! The binary as an operator meets it: clear one-line errors and non-zero
//! exits for bad URLs, unreachable databases and busy ports; init and user add.

use std::process::{Command, Output};

fn tuijin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tuijin"))
        .args(args)
        .env_remove("TUIJIN_DATABASE_URL")
        .env_remove("TUIJIN_CONFIG")
        .env_remove("TUIJIN_LISTEN")
        .env_remove("TUIJIN_NEW_PASSWORD")
        .output()
        .unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn assert_clean_failure(o: &Output, expected: &str) {
    let e = stderr(o);
    assert!(!o.status.success(), "should fail: {e}");
    assert!(e.contains(expected), "stderr should say {expected:?}: {e}");
    assert!(!e.contains("panicked"), "no panic: {e}");
    assert_eq!(e.trim().lines().count(), 1, "one line: {e}");
}

#[test]
fn unknown_scheme_is_refused() {
    let o = tuijin(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "mysql://root@localhost/x",
    ]);
    assert_clean_failure(&o, "不支持的数据库地址");
}

#[test]
fn unreachable_database_is_reported() {
    let o = tuijin(&[
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--database-url",
        "postgres://postgres:secret@127.0.0.1:1/none",
    ]);
    assert_clean_failure(&o, "无法连接数据库");
    assert!(!stderr(&o).contains("secret"), "passwords are not printed");
}

#[test]
fn port_in_use_is_reported() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let o = tuijin(&[
        "serve",
        "--listen",
        &addr,
        "--database-url",
        "sqlite::memory:",
    ]);
    assert_clean_failure(&o, "端口已被占用");
}

#[test]
fn init_loads_the_template_once_and_user_add_creates_users() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("t.db").display());
    let o = tuijin(&["init", "--template", "longwan-2006", "--database-url", &url]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(
        out.contains("5 个工作小组") && out.contains("11 项目标"),
        "{out}"
    );
    assert_clean_failure(
        &tuijin(&["init", "--template", "longwan-2006", "--database-url", &url]),
        "已有活动",
    );
    assert_clean_failure(
        &tuijin(&[
            "init",
            "--template",
            "shanghai-1990",
            "--database-url",
            &url,
        ]),
        "没有名为“shanghai-1990”的内置模板",
    );

    let o = tuijin(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--username",
        "wang.jm",
        "--name",
        "王",
        "--role",
        "unit",
        "--unit",
        "economy",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("初始密码："));
    let o = tuijin(&[
        "user",
        "add",
        "--database-url",
        &url,
        "--username",
        "li.x",
        "--name",
        "李",
        "--role",
        "unit",
        "--unit",
        "mars",
    ]);
    assert_clean_failure(&o, "没有代码为“mars”的单位");
    let o = tuijin(&["migrate", "--database-url", &url]);
    assert!(o.status.success());
}

#[test]
fn config_example_is_valid_toml() {
    let o = tuijin(&["config", "example"]);
    assert!(o.status.success());
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tuijin.toml");
    std::fs::write(&p, &o.stdout).unwrap();
    let o = tuijin(&[
        "--config",
        p.to_str().unwrap(),
        "migrate",
        "--database-url",
        &format!("sqlite://{}", dir.path().join("x.db").display()),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(&p, "colour = \"red\"").unwrap();
    assert_clean_failure(
        &tuijin(&["--config", p.to_str().unwrap(), "migrate"]),
        "格式错误",
    );
}
