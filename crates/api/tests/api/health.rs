use crate::helpers::spawn_app;
use serde_json::Value;

#[tokio::test]
async fn health_reports_ok_and_the_engine() {
    let app = spawn_app().await;
    let response = app.get("/api/health", None).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["status"], "ok");
    assert_eq!(body["database"], app.db.engine.name());
}
