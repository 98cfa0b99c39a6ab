//! The `mqscope` binary.

fn main() {
    println!(
        "mqscope {}: a native desktop MQTT 5 client.\n\
         The MQTT codec is in place; the desktop window and the `sub` / `pub` \
         commands are being built on top of it.",
        env!("CARGO_PKG_VERSION")
    );
}
