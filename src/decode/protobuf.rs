//! Protobuf with the user's schema: a message type from `.proto` files
//! compiled at run time (protox, pure Rust, in `profiles::decoders`), read
//! by prost-reflect and written by the canonical proto3 JSON mapping.

use prost_reflect::{DescriptorPool, DynamicMessage};
use serde_json::Value;

use super::DecodeError;

/// `bytes` as one `type_name` message of `pool`, in proto3 JSON.
pub fn decode(pool: &DescriptorPool, type_name: &str, bytes: &[u8]) -> Result<Value, DecodeError> {
    let descriptor = pool
        .get_message_by_name(type_name.trim_start_matches('.'))
        .ok_or_else(|| DecodeError::UnknownType(type_name.to_owned()))?;
    let message = DynamicMessage::decode(descriptor, bytes)
        .map_err(|e| DecodeError::Invalid(e.to_string()))?;
    serde_json::to_value(&message).map_err(|e| DecodeError::Invalid(e.to_string()))
}

/// The message types of `pool` by full name, sorted, for a person to pick.
pub fn message_types(pool: &DescriptorPool) -> Vec<String> {
    let mut names: Vec<String> = pool
        .all_messages()
        .map(|m| m.full_name().to_owned())
        .filter(|name| !name.starts_with("google.protobuf."))
        .collect();
    names.sort();
    names
}
