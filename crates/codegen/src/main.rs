//! `cargo run -p xvpc-codegen`: regenerates `crates/wire/src/shapes/*.rs`
//! from the trimmed models in `crates/codegen/models/`.

fn main() {
    let mut changed = 0;
    for (path, text) in xvpc_codegen::render_all() {
        let old = std::fs::read_to_string(&path).unwrap_or_default();
        if old != text {
            std::fs::write(&path, &text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
            println!("wrote {}", path.display());
            changed += 1;
        }
    }
    println!("{changed} file(s) changed");
}
