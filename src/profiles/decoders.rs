//! A profile's payload decoders: its per-filter rules and where the
//! `.proto` files' imports are found, saved with the profile; and their
//! schemas compiled (protox, pure Rust, no `protoc`; `.avsc` files parsed by
//! apache-avro) into the
//! [`Context`] the window and `mqscope sub --decoders-from` read with.
//! Compiling reads files: the window does it on its worker.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::decode::avro::ParsedSchema;
use crate::decode::{Context, Format, Rule, RuleSet};

/// The decoders part of a profile.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecoderSettings {
    /// The rules, first match wins.
    pub rules: Vec<Rule>,
    /// Folders where the `.proto` files' imports are looked for (each
    /// rule's own file's folder is looked in first).
    pub proto_paths: Vec<String>,
}

/// Why the decoders could not be made ready.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SchemaError {
    /// The `.proto` files did not compile; protox's words, with file, line
    /// and column.
    #[error("the .proto files did not compile: {0}")]
    Compile(String),
    /// A Protobuf rule names no `.proto` file or no message type.
    #[error("the Protobuf rule for {filter} needs a .proto file and a message type")]
    Incomplete {
        /// The rule's filter.
        filter: String,
    },
    /// A rule names a message type the files do not have.
    #[error("{file} has no message type {message_type} (rule for {filter})")]
    MissingType {
        /// The rule's filter.
        filter: String,
        /// The file named.
        file: String,
        /// The type named.
        message_type: String,
    },
    /// A rule's filter is not a valid topic filter.
    #[error("\"{0}\" is not a valid topic filter")]
    BadFilter(String),
    /// An Avro schema file could not be read or is not a schema.
    #[error("{file} is not a usable Avro schema: {why}")]
    Avro {
        /// The file named.
        file: String,
        /// What reading or parsing it said.
        why: String,
    },
}

/// The Avro schema in the `.avsc` file at `path`.
pub fn load_avro_schema(path: &Path) -> Result<ParsedSchema, SchemaError> {
    let avro_error = |why: String| SchemaError::Avro {
        file: path.display().to_string(),
        why,
    };
    let text = std::fs::read_to_string(path).map_err(|e| avro_error(e.to_string()))?;
    ParsedSchema::parse(&text).map_err(avro_error)
}

/// The rules of `settings` checked, every `.proto` file they and
/// `extra_files` name compiled (imports looked for in `extra_paths`, the
/// settings' paths and each file's own folder), and every `.avsc` file
/// they name parsed.
pub fn compile(
    settings: &DecoderSettings,
    extra_files: &[PathBuf],
    extra_paths: &[PathBuf],
) -> Result<Context, SchemaError> {
    let mut files: Vec<PathBuf> = extra_files.to_vec();
    for rule in &settings.rules {
        crate::proto::topic::validate_topic_filter(&rule.filter)
            .map_err(|_| SchemaError::BadFilter(rule.filter.clone()))?;
        if rule.decoder == Format::Protobuf {
            match (&rule.proto_file, &rule.message_type) {
                (Some(file), Some(_)) if !file.trim().is_empty() => files.push(file.into()),
                _ => {
                    return Err(SchemaError::Incomplete {
                        filter: rule.filter.clone(),
                    });
                }
            }
        }
    }
    let pool = if files.is_empty() {
        None
    } else {
        Some(compile_files(&files, settings, extra_paths)?)
    };
    if let Some(pool) = &pool {
        for rule in &settings.rules {
            if let (Some(file), Some(message_type)) = (&rule.proto_file, &rule.message_type)
                && pool
                    .get_message_by_name(message_type.trim_start_matches('.'))
                    .is_none()
            {
                return Err(SchemaError::MissingType {
                    filter: rule.filter.clone(),
                    file: file.clone(),
                    message_type: message_type.clone(),
                });
            }
        }
    }
    let mut avro = std::collections::HashMap::new();
    for file in settings
        .rules
        .iter()
        .filter_map(|rule| rule.avro_schema.as_ref())
    {
        if !avro.contains_key(file) {
            let schema = load_avro_schema(Path::new(file))?;
            avro.insert(file.clone(), std::sync::Arc::new(schema));
        }
    }
    Ok(Context {
        rules: RuleSet {
            rules: settings.rules.clone(),
        },
        pool,
        avro,
    })
}

fn compile_files(
    files: &[PathBuf],
    settings: &DecoderSettings,
    extra_paths: &[PathBuf],
) -> Result<prost_reflect::DescriptorPool, SchemaError> {
    let mut includes: Vec<PathBuf> = Vec::new();
    let mut push = |dir: PathBuf| {
        if !includes.contains(&dir) {
            includes.push(dir);
        }
    };
    for file in files {
        push(
            file.parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        );
    }
    extra_paths.iter().cloned().for_each(&mut push);
    settings
        .proto_paths
        .iter()
        .map(PathBuf::from)
        .for_each(&mut push);
    let compile_error = |e: protox::Error| SchemaError::Compile(format!("{e:?}"));
    let mut compiler = protox::Compiler::new(includes).map_err(compile_error)?;
    compiler.include_imports(true);
    compiler.open_files(files).map_err(compile_error)?;
    Ok(compiler.descriptor_pool())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TELEMETRY: &str = r#"syntax = "proto3";
package acme;
import "units.proto";
message Telemetry { string site = 1; double temperature = 2; int64 uptime_ms = 3; Unit unit = 4; }
"#;
    const UNITS: &str =
        "syntax = \"proto3\";\npackage acme;\nenum Unit { UNIT_UNSET = 0; CELSIUS = 1; }\n";

    fn rule(file: &Path, message_type: &str) -> Rule {
        let mut rule = Rule::new("factory/+/telemetry", Format::Protobuf);
        rule.proto_file = Some(file.display().to_string());
        rule.message_type = Some(message_type.to_owned());
        rule
    }

    #[test]
    fn a_rules_proto_file_compiles_with_its_imports_and_decodes_by_type() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("telemetry.proto");
        std::fs::write(&file, TELEMETRY).unwrap();
        std::fs::write(dir.path().join("units.proto"), UNITS).unwrap();
        let settings = DecoderSettings {
            rules: vec![rule(&file, "acme.Telemetry")],
            proto_paths: Vec::new(),
        };
        let context = compile(&settings, &[], &[]).unwrap();
        // site "lab", temperature 21.5, uptime 2^40, unit CELSIUS.
        let mut bytes = vec![0x0a, 3, b'l', b'a', b'b', 0x11];
        bytes.extend_from_slice(&21.5f64.to_le_bytes());
        bytes.extend_from_slice(&[0x18, 0x80, 0x80, 0x80, 0x80, 0x80, 0x20, 0x20, 1]);
        let decoded = crate::decode::decode(
            Format::Protobuf,
            &bytes,
            None,
            Some("acme.Telemetry"),
            &context,
        )
        .unwrap();
        assert_eq!(
            decoded.value,
            serde_json::json!({"site": "lab", "temperature": 21.5, "uptimeMs": "1099511627776",
                "unit": "CELSIUS"})
        );
    }

    #[test]
    fn a_broken_file_a_missing_type_and_an_incomplete_rule_are_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.proto");
        std::fs::write(&file, "syntax = \"proto3\";\nmessage A { int32 x = 1 }\n").unwrap();
        let settings = DecoderSettings {
            rules: vec![rule(&file, "A")],
            proto_paths: Vec::new(),
        };
        let Err(SchemaError::Compile(words)) = compile(&settings, &[], &[]) else {
            panic!("a compile error expected");
        };
        assert!(words.contains("bad.proto:2:"), "{words}");
        std::fs::write(&file, "syntax = \"proto3\";\nmessage A { int32 x = 1; }\n").unwrap();
        assert!(matches!(
            compile(
                &DecoderSettings {
                    rules: vec![rule(&file, "B")],
                    ..settings.clone()
                },
                &[],
                &[]
            ),
            Err(SchemaError::MissingType { .. })
        ));
        let mut incomplete = rule(&file, "A");
        incomplete.message_type = None;
        assert!(matches!(
            compile(
                &DecoderSettings {
                    rules: vec![incomplete],
                    ..settings
                },
                &[],
                &[]
            ),
            Err(SchemaError::Incomplete { .. })
        ));
    }

    #[test]
    fn an_avro_rules_schema_is_parsed_and_a_bad_one_named() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("point.avsc");
        std::fs::write(
            &file,
            r#"{"type":"record","name":"Point","fields":[{"name":"x","type":"int"}]}"#,
        )
        .unwrap();
        let mut avro = Rule::new("plant/#", Format::Avro);
        avro.avro_schema = Some(file.display().to_string());
        let settings = DecoderSettings {
            rules: vec![avro],
            proto_paths: Vec::new(),
        };
        let context = compile(&settings, &[], &[]).unwrap();
        let key = file.display().to_string();
        let decoded =
            crate::decode::decode(Format::Avro, &[0x54], None, Some(&key), &context).unwrap();
        assert_eq!(decoded.value, serde_json::json!({"x": 42}));
        std::fs::write(&file, r#"{"type":"record","name":"Point"}"#).unwrap();
        let Err(SchemaError::Avro { file: named, why }) = compile(&settings, &[], &[]) else {
            panic!("an Avro schema error expected");
        };
        assert_eq!(named, key);
        assert!(!why.is_empty());
    }
}
