//! One line that says what a packet is about, for the packet list: the
//! topic of a PUBLISH, the filters of a SUBSCRIBE, the reason of an
//! acknowledgment, the client of a CONNECT. Spec names, not translated.

use bytes::Bytes;

use crate::proto::{Packet, PacketType, ProtocolVersion};

/// At most this many characters of a summary are kept.
const LONGEST: usize = 80;

/// What `bytes` (one whole packet) is about; empty when nothing is worth
/// saying or the packet cannot be read.
pub fn packet_summary(bytes: &Bytes, version: ProtocolVersion) -> String {
    let Ok(packet) = Packet::decode(bytes, version) else {
        return String::new();
    };
    let text = match &packet {
        Packet::Connect(connect) => format!("client {}", &*connect.client_id),
        Packet::ConnAck(connack) => connack.reason_code.name_in(PacketType::ConnAck).to_owned(),
        Packet::Publish(publish) => format!("{} · QoS {}", &*publish.topic, publish.qos.to_u8()),
        Packet::PubAck(ack) | Packet::PubRec(ack) | Packet::PubRel(ack) | Packet::PubComp(ack) => {
            format!("id {} · {}", ack.packet_id, ack.reason_code.name())
        }
        Packet::Subscribe(subscribe) => subscribe
            .filters
            .iter()
            .map(|f| &*f.filter)
            .collect::<Vec<_>>()
            .join(", "),
        Packet::SubAck(suback) => suback
            .reason_codes
            .iter()
            .map(|code| code.name_in(PacketType::SubAck))
            .collect::<Vec<_>>()
            .join(", "),
        Packet::Unsubscribe(unsubscribe) => unsubscribe
            .filters
            .iter()
            .map(|f| &**f)
            .collect::<Vec<_>>()
            .join(", "),
        Packet::UnsubAck(unsuback) => unsuback
            .reason_codes
            .iter()
            .map(|code| code.name())
            .collect::<Vec<_>>()
            .join(", "),
        Packet::Disconnect(disconnect) => disconnect.reason_code.name().to_owned(),
        Packet::Auth(auth) => auth.reason_code.name().to_owned(),
        Packet::PingReq | Packet::PingResp => String::new(),
    };
    super::shorten(&text, LONGEST).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::{Publish, QoS, Subscribe, SubscribeFilter};

    fn encoded(packet: Packet) -> Bytes {
        let mut out = bytes::BytesMut::new();
        packet
            .encode(ProtocolVersion::V5, None, &mut out)
            .expect("encodes");
        out.freeze()
    }

    #[test]
    fn a_packet_is_summed_up_by_what_it_is_about() {
        let mut publish = Publish::new("lab/room-101/temperature", b"21.5".to_vec());
        publish.qos = QoS::AtLeastOnce;
        publish.packet_id = 7;
        assert_eq!(
            packet_summary(&encoded(Packet::Publish(publish)), ProtocolVersion::V5),
            "lab/room-101/temperature · QoS 1"
        );
        let subscribe = Subscribe::new(
            3,
            vec![
                SubscribeFilter::new("lab/#", QoS::AtMostOnce),
                SubscribeFilter::new("$SYS/#", QoS::AtMostOnce),
            ],
        );
        assert_eq!(
            packet_summary(&encoded(Packet::Subscribe(subscribe)), ProtocolVersion::V5),
            "lab/#, $SYS/#"
        );
        assert_eq!(
            packet_summary(&Bytes::from_static(&[0x30, 0x7f]), ProtocolVersion::V5),
            "",
            "a packet cut off says nothing"
        );
    }
}
