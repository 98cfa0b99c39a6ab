//! Helpers shared by the integration tests (each test binary includes this
//! module with `mod common;` and uses only part of it).
#![allow(dead_code)]

pub mod strategies;
