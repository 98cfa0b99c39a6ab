//! mqscope: a native desktop MQTT 5 client.
//!
//! [`proto`] is the sans-IO MQTT codec and session; [`net`] the network
//! thread; [`model`] what the window knows; [`ui`] and [`app`] the window;
//! [`cli`] the headless `sub` / `pub` commands; [`profiles`] saved connections.

// The translation layer: `t!("English text")`; other languages in `locales/`.
rust_i18n::i18n!("locales", fallback = "en");

pub mod app;
#[cfg(feature = "builtin-broker")]
pub mod broker;
pub mod cli;
pub mod command_line;
pub mod decode;
pub mod export;
pub mod language;
pub mod model;
pub mod net;
pub mod profiles;
pub mod proto;
pub mod record;
pub mod ui;
