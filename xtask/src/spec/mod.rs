//! The spec: its format ([`model`]), reading it ([`load`]), checking it ([`validate`])
//! into the resolved form the emitters read ([`resolve`]).

pub mod error;
pub mod load;
pub mod model;
pub mod resolve;
pub mod validate;

pub use error::{SpecError, SpecErrors};
pub use load::{load_dir, load_sources};
pub use model::Spec;
