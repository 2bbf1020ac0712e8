use crate::helpers::{error_of, spawn_app, PASSWORD};
use chrono::Duration;
use confero_api::auth::throttle::{FREE_FAILURES, MAX_WAIT_SECS};
use confero_api::demo;

#[tokio::test]
async fn repeated_failures_slow_sign_in_down_but_never_lock_it_for_good() {
    let app = spawn_app().await;
    app.seed_demo().await;
    for _ in 0..FREE_FAILURES {
        assert_eq!(app.sign_in(demo::PARENT_EMAIL, "guess").await.status(), 401);
    }
    // Now even the right password must wait.
    let throttled = app.sign_in(demo::PARENT_EMAIL, PASSWORD).await;
    assert_eq!(throttled.status(), 429);
    let retry: i64 = throttled.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=MAX_WAIT_SECS).contains(&retry), "Retry-After {retry}");
    assert_eq!(error_of(throttled).await.1, "too_many_attempts");

    // Other accounts are unaffected.
    assert_eq!(
        app.sign_in(demo::TEACHER_EMAIL, PASSWORD).await.status(),
        201
    );

    app.clock.advance(Duration::seconds(retry));
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201,
        "after the wait"
    );
    // Success forgets the failures.
    assert_eq!(app.sign_in(demo::PARENT_EMAIL, "guess").await.status(), 401);
}

#[tokio::test]
async fn waits_grow_but_are_capped() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let mut last_wait = 0;
    for _ in 0..40 {
        let response = app.sign_in(demo::PARENT_EMAIL, "guess").await;
        if response.status() == 429 {
            let wait: i64 = response.headers()["retry-after"]
                .to_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!(
                wait >= last_wait.min(MAX_WAIT_SECS) && wait <= MAX_WAIT_SECS,
                "{wait} after {last_wait}"
            );
            last_wait = wait;
            app.clock.advance(Duration::seconds(wait));
        }
    }
    assert_eq!(
        last_wait, MAX_WAIT_SECS,
        "the wait reaches its cap and stays there"
    );
    app.clock.advance(Duration::seconds(MAX_WAIT_SECS));
    assert_eq!(
        app.sign_in(demo::PARENT_EMAIL, PASSWORD).await.status(),
        201,
        "never locked out for good"
    );
}

#[tokio::test]
async fn unknown_emails_are_throttled_alike_so_nothing_is_revealed() {
    let app = spawn_app().await;
    app.seed_demo().await;
    for _ in 0..FREE_FAILURES {
        assert_eq!(
            app.sign_in("nobody@demo.confero.test", "guess")
                .await
                .status(),
            401
        );
    }
    assert_eq!(
        app.sign_in("nobody@demo.confero.test", "guess")
            .await
            .status(),
        429
    );
}

/// Guesses sent in parallel are counted one by one: only the free ones are
/// checked, the rest are refused without a password check.
#[tokio::test]
async fn parallel_guesses_count_as_many_guesses() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let guesses = (0..20).map(|_| app.sign_in(demo::PARENT_EMAIL, "guess"));
    let answers = futures::future::join_all(guesses).await;
    let checked = answers.iter().filter(|r| r.status() == 401).count();
    let refused = answers.iter().filter(|r| r.status() == 429).count();
    assert_eq!(
        (checked, refused),
        (FREE_FAILURES as usize, 20 - FREE_FAILURES as usize),
        "20 parallel guesses"
    );
    // The refused ones did not lengthen the wait.
    let record = confero_api::storage::throttle::get(&app.db, demo::PARENT_EMAIL)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(record.count, FREE_FAILURES);
}

#[tokio::test]
async fn parallel_guesses_of_the_current_password_count_as_many() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let token = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let guesses =
        (0..20).map(|_| app.change_password(&token, "wrong current", "a brand new passphrase"));
    let answers = futures::future::join_all(guesses).await;
    let checked = answers.iter().filter(|r| r.status() == 422).count();
    let refused = answers.iter().filter(|r| r.status() == 429).count();
    assert_eq!(
        (checked, refused),
        (FREE_FAILURES as usize, 20 - FREE_FAILURES as usize)
    );
    // The right one still works once the short wait is over.
    app.clock.advance(Duration::seconds(MAX_WAIT_SECS));
    assert_eq!(
        app.change_password(&token, PASSWORD, "a brand new passphrase")
            .await
            .status(),
        204
    );
}
