//! The staff build's entry point (`staff/index.html`): every page, the
//! teachers' and the office's included.

fn main() {
    confero_web::boot::mount(confero_web::app::StaffApp);
}
