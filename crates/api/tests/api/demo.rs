use crate::helpers::{spawn_app, PASSWORD};
use confero_api::{cli, demo};
use serde_json::Value;

#[tokio::test]
async fn seeding_is_idempotent() {
    let app = spawn_app().await;
    let first = demo::seed(&app.db, 0).await.unwrap();
    let again = demo::seed(&app.db, 0).await.unwrap();
    assert!(first.created && !again.created);
    assert_eq!(first.school_id, again.school_id);
}

#[tokio::test]
async fn the_demo_has_siblings_and_a_split_household() {
    let app = spawn_app().await;
    app.seed_demo().await;
    let parent = app.token(demo::PARENT_EMAIL, PASSWORD).await;
    let me: Value = app.me(&parent).await.json().await.unwrap();
    let children = me["children"].as_array().unwrap();
    assert_eq!(children.len(), 2);
    assert_ne!(
        children[0]["year_group"], children[1]["year_group"],
        "siblings in different years"
    );

    // Separated parents: two accounts, two surnames, one child.
    let mother = app
        .token("siobhan.abara.45@families.demo.confero.test", PASSWORD)
        .await;
    let father = app
        .token("hiro.llewellyn.45@families.demo.confero.test", PASSWORD)
        .await;
    let mother: Value = app.me(&mother).await.json().await.unwrap();
    let father: Value = app.me(&father).await.json().await.unwrap();
    assert_ne!(mother["id"], father["id"]);
    assert_ne!(mother["family_name"], father["family_name"]);
    assert_eq!(mother["children"].as_array().unwrap().len(), 1);
    assert_eq!(mother["children"][0]["id"], father["children"][0]["id"]);
    assert_eq!(father["children"][0]["relationship"], "father");
}

#[tokio::test]
async fn creating_a_school_validates_its_input() {
    let app = spawn_app().await;
    let create = |tz: &'static str, email: &'static str, password: Option<&'static str>| {
        let db = app.db.clone();
        async move {
            cli::create_school(
                &db,
                "Test School",
                tz,
                email,
                "A",
                "B",
                password.map(String::from),
            )
            .await
        }
    };
    assert!(
        create("Mars/Olympus", "a@school.test", Some("long enough pw"))
            .await
            .is_err()
    );
    assert!(
        create("Europe/Paris", "not-an-email", Some("long enough pw"))
            .await
            .is_err()
    );
    assert!(create("Europe/Paris", "a@school.test", Some("short"))
        .await
        .is_err());
    let (_, generated) = create("Europe/Paris", "a@school.test", None).await.unwrap();
    let password = generated.expect("a password is generated when none is given");
    assert!(password.len() >= 20);
    assert_eq!(app.sign_in("a@school.test", &password).await.status(), 201);
    assert!(
        create("Europe/Paris", "a@school.test", Some("long enough pw"))
            .await
            .is_err(),
        "emails are unique"
    );
}
