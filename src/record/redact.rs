//! What the recorder changes in a packet before writing it: secrets
//! blanked, and a PUBLISH's topic name filled in from its Topic Alias so
//! that the frame can be read on its own.

use std::borrow::Cow;

use bytes::Bytes;
use bytestring::ByteString;

use super::format::FrameFlags;
use crate::proto::session::Direction;
use crate::proto::{Packet, Properties, Property, ProtocolVersion};

const CONNECT: u8 = 1;
const PUBLISH: u8 = 3;
const AUTH: u8 = 15;

/// The bytes to write for a packet and what was changed in them. The
/// topic of an aliased PUBLISH received is `alias_topic`.
pub(super) fn prepare(
    direction: Direction,
    bytes: &[u8],
    alias_topic: Option<ByteString>,
    version: ProtocolVersion,
) -> (FrameFlags, Cow<'_, [u8]>) {
    let packet_type = bytes.first().map_or(0, |b| b >> 4);
    match (packet_type, direction) {
        (CONNECT, _) | (AUTH, _) => blank_secrets(bytes, version),
        (PUBLISH, Direction::Received) => match alias_topic {
            Some(topic) => fill_topic(bytes, topic, version),
            None => (FrameFlags::default(), Cow::Borrowed(bytes)),
        },
        _ => (FrameFlags::default(), Cow::Borrowed(bytes)),
    }
}

/// A CONNECT without its password, a CONNECT or AUTH without its
/// authentication data. A packet that cannot be read back is not written
/// at all (it might hold a secret), and the frame says so.
fn blank_secrets(bytes: &[u8], version: ProtocolVersion) -> (FrameFlags, Cow<'_, [u8]>) {
    let blanked = FrameFlags(FrameFlags::BLANKED);
    let Ok(mut packet) = Packet::decode(&Bytes::copy_from_slice(bytes), version) else {
        return (blanked, Cow::Borrowed(&[]));
    };
    let changed = match &mut packet {
        Packet::Connect(connect) => {
            let had = connect.password.is_some();
            if had {
                connect.password = Some(Bytes::new());
            }
            had | blank_auth_data(&mut connect.properties)
        }
        Packet::Auth(auth) => blank_auth_data(&mut auth.properties),
        _ => false,
    };
    if !changed {
        return (FrameFlags::default(), Cow::Borrowed(bytes));
    }
    match packet.to_bytes(version) {
        Ok(written) => (blanked, Cow::Owned(written.to_vec())),
        Err(_) => (blanked, Cow::Borrowed(&[])),
    }
}

/// Empty every Authentication Data property; whether there was one.
fn blank_auth_data(properties: &mut Properties) -> bool {
    let mut found = false;
    for property in &mut properties.0 {
        if let Property::AuthenticationData(data) = property {
            *data = Bytes::new();
            found = true;
        }
    }
    found
}

/// The PUBLISH with `topic` written in, its Topic Alias kept.
fn fill_topic(
    bytes: &[u8],
    topic: ByteString,
    version: ProtocolVersion,
) -> (FrameFlags, Cow<'_, [u8]>) {
    let Ok(Packet::Publish(mut publish)) = Packet::decode(&Bytes::copy_from_slice(bytes), version)
    else {
        return (FrameFlags::default(), Cow::Borrowed(bytes));
    };
    if !publish.topic.is_empty() {
        return (FrameFlags::default(), Cow::Borrowed(bytes));
    }
    publish.topic = topic;
    match Packet::Publish(publish).to_bytes(version) {
        Ok(written) => (
            FrameFlags(FrameFlags::TOPIC_FROM_ALIAS),
            Cow::Owned(written.to_vec()),
        ),
        Err(_) => (FrameFlags::default(), Cow::Borrowed(bytes)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Connect, Publish};

    #[test]
    fn a_connect_is_written_without_its_password_and_says_so() {
        let mut connect = Connect::new(ProtocolVersion::V5, "lab-1");
        connect.user_name = Some("ana".into());
        connect.password = Some(Bytes::from_static(b"s3cret-pass"));
        connect
            .properties
            .push(Property::AuthenticationMethod("SCRAM-SHA-1".into()));
        connect
            .properties
            .push(Property::AuthenticationData(Bytes::from_static(
                b"nonce-s3cret",
            )));
        let bytes = Packet::Connect(connect)
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let (flags, written) = prepare(Direction::Sent, &bytes, None, ProtocolVersion::V5);
        assert!(flags.blanked());
        assert!(!written.windows(6).any(|w| w == b"s3cret"), "{written:?}");
        let Ok(Packet::Connect(back)) =
            Packet::decode(&Bytes::copy_from_slice(&written), ProtocolVersion::V5)
        else {
            panic!("the blanked CONNECT still reads");
        };
        assert_eq!(back.user_name.as_deref(), Some("ana"));
        assert_eq!(back.password.as_deref(), Some(&b""[..]));
        assert_eq!(back.client_id, "lab-1");
    }

    #[test]
    fn a_connect_without_secrets_is_written_as_it_went() {
        let bytes = Packet::Connect(Connect::new(ProtocolVersion::V5, "lab-1"))
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let (flags, written) = prepare(Direction::Sent, &bytes, None, ProtocolVersion::V5);
        assert!(!flags.blanked());
        assert_eq!(&*written, &bytes[..]);
    }

    #[test]
    fn an_aliased_publish_gets_its_topic_and_keeps_the_alias() {
        let mut publish = Publish::new("", b"21.5".to_vec());
        publish.properties.push(Property::TopicAlias(3));
        let bytes = Packet::Publish(publish)
            .to_bytes(ProtocolVersion::V5)
            .unwrap();
        let (flags, written) = prepare(
            Direction::Received,
            &bytes,
            Some("lab/t".into()),
            ProtocolVersion::V5,
        );
        assert!(flags.topic_from_alias());
        let Ok(Packet::Publish(back)) =
            Packet::decode(&Bytes::copy_from_slice(&written), ProtocolVersion::V5)
        else {
            panic!("the PUBLISH still reads");
        };
        assert_eq!(back.topic, "lab/t");
        assert_eq!(back.properties.topic_alias(), Some(3));
        assert_eq!(&back.payload[..], b"21.5");
    }

    #[test]
    fn a_connect_that_cannot_be_read_is_not_written() {
        let bytes = Bytes::from_static(&[0x10, 0x03, 0, 4, b'M']);
        let (flags, written) = prepare(Direction::Sent, &bytes, None, ProtocolVersion::V5);
        assert!(flags.blanked());
        assert!(written.is_empty());
    }
}
