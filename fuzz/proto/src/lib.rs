//! `mqscope::proto` without the rest of mqscope: the codec's own source files,
//! so `use mqscope::proto::…` in the fuzz targets means the real codec.
#![allow(dead_code)]

#[path = "../../../src/proto/mod.rs"]
pub mod proto;
