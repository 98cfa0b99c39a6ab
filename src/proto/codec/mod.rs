//! The data representation of MQTT (section 1.5 and 2.2.2): variable byte
//! integers, strings, binary data, properties, and the errors of the codec.

pub mod error;
pub mod properties;
pub mod reader;
pub(crate) mod scan;
pub mod varint;
pub mod writer;

pub use error::{CodecError, PropertyContext};
pub use properties::{DataType, Properties, Property, PropertyId};
pub use reader::{NoTrace, Reader, Trace};
