//! Sparkplug B data types by number (Sparkplug 3.0, 6.4.16).

#![allow(missing_docs)]

pub const INT8: u32 = 1;
pub const INT16: u32 = 2;
pub const INT32: u32 = 3;
pub const INT64: u32 = 4;
pub const DOUBLE: u32 = 10;
pub const BOOLEAN: u32 = 11;
pub const INT8_ARRAY: u32 = 22;
pub const INT16_ARRAY: u32 = 23;
pub const INT32_ARRAY: u32 = 24;
pub const INT64_ARRAY: u32 = 25;
pub const UINT8_ARRAY: u32 = 26;
pub const UINT16_ARRAY: u32 = 27;
pub const UINT32_ARRAY: u32 = 28;
pub const UINT64_ARRAY: u32 = 29;
pub const FLOAT_ARRAY: u32 = 30;
pub const DOUBLE_ARRAY: u32 = 31;
pub const BOOLEAN_ARRAY: u32 = 32;
pub const STRING_ARRAY: u32 = 33;
pub const DATETIME_ARRAY: u32 = 34;

const NAMES: [&str; 35] = [
    "Unknown",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float",
    "Double",
    "Boolean",
    "String",
    "DateTime",
    "Text",
    "UUID",
    "DataSet",
    "Bytes",
    "File",
    "Template",
    "PropertySet",
    "PropertySetList",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Int64Array",
    "UInt8Array",
    "UInt16Array",
    "UInt32Array",
    "UInt64Array",
    "FloatArray",
    "DoubleArray",
    "BooleanArray",
    "StringArray",
    "DateTimeArray",
];

/// The specification's name of data type `number`, or its number as text.
pub fn name(number: u32) -> String {
    NAMES
        .get(number as usize)
        .map_or_else(|| number.to_string(), |name| (*name).to_owned())
}

/// Whether `number` is one of the packed array types.
pub fn is_array(number: u32) -> bool {
    (INT8_ARRAY..=DATETIME_ARRAY).contains(&number)
}
