//! Sans-IO MQTT 5.0 and 3.1.1: packets, their encoding and decoding, topics and
//! reason codes. Nothing here touches a socket, a thread, a clock or the window.

pub mod codec;
pub mod decoder;
pub mod inspect;
pub mod packet;
pub mod packet_type;
pub mod reason;
pub mod session;
pub mod topic;

pub use codec::{CodecError, Properties, Property, PropertyId};
pub use decoder::Decoder;
pub use packet::{
    Auth, ConnAck, Connect, Disconnect, Packet, ProtocolVersion, PubResponse, Publish, QoS,
    RetainHandling, SubAck, Subscribe, SubscribeFilter, SubscriptionOptions, UnsubAck, Unsubscribe,
    Will,
};
pub use packet_type::PacketType;
pub use reason::ReasonCode;
