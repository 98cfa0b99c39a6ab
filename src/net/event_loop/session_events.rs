//! What the session reports, as the events the owner of the connection
//! receives: packet identifiers become the owner's tags again.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::net::Event;
use crate::proto::session::SessionEvent;

/// The event for `event`; `tags` maps packet identifiers to the tags the
/// owner gave its requests, and loses each one as its outcome arrives.
pub fn to_event(event: SessionEvent, tags: &mut HashMap<u64, u64>) -> Event {
    let mut tag_of = |id: u64| tags.remove(&id).unwrap_or_default();
    match event {
        SessionEvent::Connected(info) => Event::Connected(info),
        SessionEvent::Closed(reason) => Event::Disconnected(reason),
        SessionEvent::Message(publish) => Event::Message(publish),
        SessionEvent::PublishCompleted { id, reason } => Event::PublishCompleted {
            tag: tag_of(id),
            reason,
        },
        SessionEvent::PublishFailed { id, error } => Event::PublishFailed {
            tag: tag_of(id),
            error,
        },
        SessionEvent::Subscribed {
            id,
            results,
            reason_string,
        } => Event::Subscribed {
            tag: tag_of(id),
            results,
            reason_string,
        },
        SessionEvent::Unsubscribed { id, results } => Event::Unsubscribed {
            tag: tag_of(id),
            results,
        },
        SessionEvent::Packet {
            direction, bytes, ..
        } => Event::Packet {
            direction,
            at: SystemTime::now(),
            bytes,
        },
    }
}
