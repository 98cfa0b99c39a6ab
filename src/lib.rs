//! mqscope: a native desktop MQTT 5 client.
//!
//! The library holds everything the binary uses; [`proto`] is the sans-IO MQTT
//! codec that every other part builds on.

pub mod cli;
pub mod net;
pub mod proto;
