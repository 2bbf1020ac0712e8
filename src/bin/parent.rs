//! The parent build's entry point (`index.html`): everything else lives in the library.

fn main() {
    confero_web::boot::mount(confero_web::app::ParentApp);
}
