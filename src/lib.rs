//! hailong: the layers, outside in. `cli` and `web` (thin: authorize, parse, call, render) call
//! `services` (the use cases), which use `db` (the only module that names diesel) and `domain`
//! (pure types and rules); `views` render pages from plain data. `startup` wires the service
//! together; `config`, `secret`, `telemetry` and `clock` serve every layer. The analysis is its
//! own crate.

pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
#[cfg(feature = "dev-tools")]
pub mod demo;
#[cfg(feature = "dev-tools")]
pub mod dev_gateway;
#[cfg(feature = "dev-tools")]
pub mod dev_idp;
pub mod domain;
pub mod secret;
pub mod services;
pub mod startup;
pub mod telemetry;
pub mod views;
pub mod web;
