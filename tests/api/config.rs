//! Configuration errors stop start-up with a message naming the variable, and create nothing.

use std::process::Command;

fn hailong_with(vars: &[(&str, &str)]) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let mut command = Command::new(env!("CARGO_BIN_EXE_hailong"));
    command.arg("migrate").current_dir(dir.path()).env_clear();
    for (name, value) in vars {
        command.env(name, value);
    }
    (command.output().unwrap(), dir)
}

#[test]
fn each_bad_value_is_refused_with_the_variable_named() {
    let cases = [
        ("HAILONG_DATABASE_URL", "hailong.db"),
        ("HAILONG_DATABASE_URL", "mysql://localhost/h"),
        ("HAILONG_BIND", "localhost"),
        ("HAILONG_BIND", "127.0.0.1:99999"),
        ("HAILONG_PUBLIC_URL", "ftp://example.org"),
        ("HAILONG_PUBLIC_URL", "not a url"),
        ("HAILONG_SECRET_KEY", "too-short"),
        ("HAILONG_POOL_SIZE", "0"),
        ("HAILONG_LOG", "[[["),
        ("HAILONG_DASHBOARD_FRESH_SECONDS", "-1"),
        ("HAILONG_DASHBOARD_FRESH_SECONDS", "a minute"),
        ("HAILONG_INVITATION_WEBHOOK", "gateway.local/hook"),
        ("HAILONG_REMINDERS", "9"),
        ("HAILONG_REMINDER_DAYS", "7,3"),
        ("HAILONG_REMINDER_DAYS", "3"),
        ("HAILONG_QUIET_HOURS", "night"),
        ("HAILONG_SMS_ENCODING", "utf8"),
        ("HAILONG_PHONE_CHANNEL", "pigeon"),
        // Zalo without its access token and template.
        ("HAILONG_PHONE_CHANNEL", "zalo"),
        ("HAILONG_SMTP_URL", "mailserver:25"),
        // An SMTP server without a sender.
        ("HAILONG_SMTP_URL", "smtp://127.0.0.1:2525"),
    ];
    for (variable, value) in cases {
        let (output, dir) = hailong_with(&[(variable, value)]);

        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{variable}={value}: {stderr}"
        );
        assert!(stderr.contains(variable), "{variable}={value}: {stderr}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert!(left.is_empty(), "{variable}={value} created {left:?}");
    }
}

#[test]
fn a_given_secret_key_is_never_echoed_in_the_error() {
    let secret = "zz".repeat(32);
    let (output, _dir) = hailong_with(&[("HAILONG_SECRET_KEY", &secret)]);

    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(!stderr.contains(&secret), "{stderr}");
}

#[test]
fn without_a_secret_one_is_generated_into_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(env!("CARGO_BIN_EXE_hailong"))
            .arg("migrate")
            .current_dir(dir.path())
            .env_clear()
            .output()
            .unwrap()
    };

    assert!(run().status.success());
    let secret_path = dir.path().join("hailong.secret");
    let first = std::fs::read_to_string(&secret_path).unwrap();
    assert!(run().status.success());

    assert_eq!(first.trim().len(), 64);
    assert_eq!(std::fs::read_to_string(&secret_path).unwrap(), first);
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&secret_path)
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o600);
    assert!(
        dir.path().join("hailong.db").exists(),
        "the default database is hailong.db"
    );
}

#[test]
fn a_config_file_is_read_and_the_environment_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hailong.toml"),
        "database_url = \"sqlite://from-file.db\"\nbind = \"nonsense\"\n",
    )
    .unwrap();

    let from_file = Command::new(env!("CARGO_BIN_EXE_hailong"))
        .arg("migrate")
        .current_dir(dir.path())
        .env_clear()
        .env("HAILONG_BIND", "127.0.0.1:0")
        .output()
        .unwrap();

    assert!(
        from_file.status.success(),
        "{}",
        String::from_utf8_lossy(&from_file.stderr)
    );
    assert!(dir.path().join("from-file.db").exists());

    std::fs::write(dir.path().join("hailong.toml"), "colour = \"blue\"\n").unwrap();
    let unknown_key = Command::new(env!("CARGO_BIN_EXE_hailong"))
        .arg("migrate")
        .current_dir(dir.path())
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(unknown_key.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_key.stderr).contains("colour"));
}
