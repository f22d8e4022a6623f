//! Writes the JSON Schemas of the public input and output types to `docs/schema/`.
//!
//! ```text
//! cargo run --example json_schemas
//! ```

use std::error::Error;
use std::path::Path;

fn main() -> Result<(), Box<dyn Error>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/schema");
    std::fs::create_dir_all(&dir)?;
    for (name, schema) in lgsp_policy::authoring::json_schemas() {
        let text = serde_json::to_string_pretty(&schema)? + "\n";
        std::fs::write(dir.join(name), text)?;
        println!("wrote docs/schema/{name}");
    }
    Ok(())
}
