//! `-D COMMAND NAME VALUE`: MQTT 5 properties given on the command line, with
//! mosquitto's names (the specification's name in lower case with hyphens:
//! `message-expiry-interval`, `user-property`, ...).

use bytes::Bytes;

use crate::proto::codec::{DataType, PropertyContext};
use crate::proto::{PacketType, Properties, Property, PropertyId};

/// The properties for each packet the CLI sends.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CliProperties {
    /// CONNECT.
    pub connect: Properties,
    /// PUBLISH.
    pub publish: Properties,
    /// SUBSCRIBE.
    pub subscribe: Properties,
    /// UNSUBSCRIBE.
    pub unsubscribe: Properties,
    /// DISCONNECT.
    pub disconnect: Properties,
    /// The will message.
    pub will: Properties,
}

/// mosquitto's name of a property, e.g. `payload-format-indicator`.
pub fn cli_name(id: PropertyId) -> String {
    id.name().to_ascii_lowercase().replace(' ', "-")
}

/// Split the values of every `-D` (all in one list, as the parser collects
/// them) back into options: `COMMAND NAME VALUE`, or `COMMAND user-property
/// KEY VALUE`.
pub fn group(values: &[String]) -> Vec<Vec<String>> {
    let mut groups = Vec::new();
    let mut rest = values;
    while !rest.is_empty() {
        let len = if rest.get(1).map(String::as_str) == Some("user-property") {
            4
        } else {
            3
        };
        let (head, tail) = rest.split_at(len.min(rest.len()));
        groups.push(head.to_vec());
        rest = tail;
    }
    groups
}

/// Parse every `-D` option.
pub fn parse(values: &[String]) -> Result<CliProperties, String> {
    let mut result = CliProperties::default();
    for option in &group(values) {
        let (command, name, values) = match option.as_slice() {
            [command, name, rest @ ..] if !rest.is_empty() => {
                (command.as_str(), name.as_str(), rest)
            }
            _ => return Err("-D needs COMMAND NAME VALUE".to_owned()),
        };
        let (context, target) = match command {
            "connect" => (
                PropertyContext::Packet(PacketType::Connect),
                &mut result.connect,
            ),
            "publish" => (
                PropertyContext::Packet(PacketType::Publish),
                &mut result.publish,
            ),
            "subscribe" => (
                PropertyContext::Packet(PacketType::Subscribe),
                &mut result.subscribe,
            ),
            "unsubscribe" => (
                PropertyContext::Packet(PacketType::Unsubscribe),
                &mut result.unsubscribe,
            ),
            "disconnect" => (
                PropertyContext::Packet(PacketType::Disconnect),
                &mut result.disconnect,
            ),
            "will" => (PropertyContext::Will, &mut result.will),
            other => {
                return Err(format!(
                    "-D {other}: the command must be connect, publish, subscribe, unsubscribe, disconnect or will"
                ));
            }
        };
        let id = PropertyId::ALL
            .iter()
            .copied()
            .find(|id| cli_name(*id) == name)
            .ok_or_else(|| {
                format!("-D {command} {name}: there is no MQTT 5 property of that name")
            })?;
        if !id.is_allowed_in(context) {
            return Err(format!(
                "-D {command} {name}: the {context} may not carry {}",
                id.name()
            ));
        }
        let property = value(id, values).map_err(|why| format!("-D {command} {name}: {why}"))?;
        property
            .check_value()
            .map_err(|e| format!("-D {command} {name}: {e}"))?;
        target.push(property);
    }
    Ok(result)
}

fn value(id: PropertyId, values: &[String]) -> Result<Property, String> {
    let one = || match values {
        [value] => Ok(value.as_str()),
        _ => Err("expects one value".to_owned()),
    };
    let number = |max: u64| -> Result<u64, String> {
        let text = one()?;
        text.parse::<u64>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| format!("\"{text}\" is not a number from 0 to {max}"))
    };
    use Property as P;
    use PropertyId as I;
    Ok(match id.data_type() {
        DataType::Utf8StringPair => match values {
            [key, value] => P::UserProperty(key.as_str().into(), value.as_str().into()),
            _ => return Err("expects a name and a value".to_owned()),
        },
        DataType::Byte => {
            let v = number(255)? as u8;
            match id {
                I::PayloadFormatIndicator => P::PayloadFormatIndicator(v),
                I::MaximumQos => P::MaximumQos(v),
                I::RequestProblemInformation => P::RequestProblemInformation(flag(v)?),
                I::RequestResponseInformation => P::RequestResponseInformation(flag(v)?),
                _ => return Err("cannot be set by a client".to_owned()),
            }
        }
        DataType::TwoByteInteger => {
            let v = number(u16::MAX.into())? as u16;
            match id {
                I::ReceiveMaximum => P::ReceiveMaximum(v),
                I::TopicAliasMaximum => P::TopicAliasMaximum(v),
                I::TopicAlias => P::TopicAlias(v),
                _ => return Err("cannot be set by a client".to_owned()),
            }
        }
        DataType::FourByteInteger => {
            let v = number(u32::MAX.into())? as u32;
            match id {
                I::MessageExpiryInterval => P::MessageExpiryInterval(v),
                I::SessionExpiryInterval => P::SessionExpiryInterval(v),
                I::WillDelayInterval => P::WillDelayInterval(v),
                I::MaximumPacketSize => P::MaximumPacketSize(v),
                _ => return Err("cannot be set by a client".to_owned()),
            }
        }
        DataType::VariableByteInteger => P::SubscriptionIdentifier(number(268_435_455)? as u32),
        DataType::BinaryData => {
            let data = Bytes::copy_from_slice(one()?.as_bytes());
            match id {
                I::CorrelationData => P::CorrelationData(data),
                _ => P::AuthenticationData(data),
            }
        }
        DataType::Utf8String => {
            let s = one()?.into();
            match id {
                I::ContentType => P::ContentType(s),
                I::ResponseTopic => P::ResponseTopic(s),
                I::AuthenticationMethod => P::AuthenticationMethod(s),
                I::ReasonString => P::ReasonString(s),
                I::ServerReference => P::ServerReference(s),
                _ => return Err("cannot be set by a client".to_owned()),
            }
        }
    })
}

fn flag(value: u8) -> Result<bool, String> {
    match value {
        0 => Ok(false),
        1 => Ok(true),
        _ => Err("must be 0 or 1".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&[&str]]) -> Vec<String> {
        list.iter()
            .flat_map(|a| a.iter().map(|s| s.to_string()))
            .collect()
    }

    #[test]
    fn mosquitto_names_and_values() {
        let parsed = parse(&args(&[
            &["publish", "user-property", "k", "v"],
            &["publish", "content-type", "text/plain"],
            &["publish", "message-expiry-interval", "30"],
            &["publish", "correlation-data", "abc"],
            &["connect", "session-expiry-interval", "60"],
            &["will", "will-delay-interval", "5"],
            &["subscribe", "subscription-identifier", "7"],
        ]))
        .unwrap();
        assert_eq!(
            parsed.publish.user_properties().collect::<Vec<_>>(),
            [("k", "v")]
        );
        assert_eq!(parsed.publish.content_type(), Some("text/plain"));
        assert_eq!(parsed.publish.message_expiry_interval_secs(), Some(30));
        assert_eq!(
            parsed.publish.correlation_data().map(|b| &b[..]),
            Some(&b"abc"[..])
        );
        assert_eq!(parsed.connect.session_expiry_interval_secs(), Some(60));
        assert_eq!(parsed.will.will_delay_interval_secs(), Some(5));
        assert_eq!(parsed.subscribe.subscription_identifiers().next(), Some(7));
    }

    #[test]
    fn mistakes_are_explained() {
        let error = parse(&args(&[&["publish", "session-expiry-interval", "5"]])).unwrap_err();
        assert!(error.contains("may not carry"), "{error}");
        let error = parse(&args(&[&["publish", "colour", "5"]])).unwrap_err();
        assert!(error.contains("no MQTT 5 property"), "{error}");
        let error = parse(&args(&[&["publish", "topic-alias", "0"]])).unwrap_err();
        assert!(error.contains("not allowed"), "{error}");
        let error = parse(&args(&[&["connect", "receive-maximum", "x"]])).unwrap_err();
        assert!(error.contains("not a number"), "{error}");
    }
}
