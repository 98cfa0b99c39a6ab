//! `mqscope::proto` and `mqscope::decode` without the rest of mqscope: the
//! codec's and the payload decoders' own source files, so `use
//! mqscope::proto::…` in the fuzz targets means the real codec.
#![allow(dead_code)]

#[path = "../../../src/proto/mod.rs"]
pub mod proto;

#[path = "../../../src/decode/mod.rs"]
pub mod decode;
