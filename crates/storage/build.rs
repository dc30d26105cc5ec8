// `sqlx::migrate!` embeds the migration files at compile time; without this a changed or new
// migration would not rebuild the crate and a build could carry the migrations of before.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
