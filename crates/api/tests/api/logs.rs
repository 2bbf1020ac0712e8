use crate::helpers::{captured_logs, spawn_app, PASSWORD};
use confero_api::demo;

#[tokio::test]
async fn no_password_token_or_email_reaches_the_logs() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let response = app.sign_in(demo::PARENT_EMAIL, PASSWORD).await;
    let token = response.json::<serde_json::Value>().await.unwrap()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    app.me(&token).await;
    let new_password = "log-canary-passphrase-7f3a";
    assert_eq!(
        app.change_password(&token, PASSWORD, new_password)
            .await
            .status(),
        204
    );
    app.sign_in(demo::PARENT_EMAIL, "wrong-canary-guess-91c2")
        .await;
    app.get("/api/me?token=query-canary-5d1e", None).await;
    app.sign_out(&token).await;

    let logs = captured_logs();
    assert!(
        logs.contains("signed in"),
        "the log captured this test's requests"
    );
    for secret in [
        PASSWORD,
        token.as_str(),
        &confero_api::auth::token::hash(&token),
        new_password,
        "wrong-canary-guess-91c2",
        "query-canary-5d1e",
        demo::PARENT_EMAIL,
        "Asha",
    ] {
        assert!(!logs.contains(secret), "the logs contain {secret:?}");
    }
}
