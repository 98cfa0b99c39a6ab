//! Packet identifiers: never reused while a flow that uses one is in flight
//! [MQTT-2.2.1-3].

/// Hands out non-zero packet identifiers that are not in use.
#[derive(Clone, Debug)]
pub struct PacketIds {
    in_use: Box<[u64; 1024]>,
    next: u16,
    count: usize,
}

impl Default for PacketIds {
    fn default() -> Self {
        PacketIds {
            in_use: Box::new([0; 1024]),
            next: 1,
            count: 0,
        }
    }
}

impl PacketIds {
    /// A free identifier, now marked in use; `None` when all 65 535 are taken.
    pub fn allocate(&mut self) -> Option<u16> {
        if self.count >= usize::from(u16::MAX) {
            return None;
        }
        loop {
            let id = self.next;
            self.next = if self.next == u16::MAX {
                1
            } else {
                self.next + 1
            };
            if !self.is_in_use(id) {
                self.mark(id);
                return Some(id);
            }
        }
    }

    /// Mark `id` in use (a flow restored from an earlier connection).
    pub fn mark(&mut self, id: u16) {
        if id != 0 && !self.is_in_use(id) {
            self.in_use[usize::from(id / 64)] |= 1 << (id % 64);
            self.count += 1;
        }
    }

    /// Make `id` free again once its flow is complete.
    pub fn release(&mut self, id: u16) {
        if self.is_in_use(id) {
            self.in_use[usize::from(id / 64)] &= !(1 << (id % 64));
            self.count -= 1;
        }
    }

    /// Whether `id` belongs to a flow in progress.
    pub fn is_in_use(&self, id: u16) -> bool {
        self.in_use[usize::from(id / 64)] & (1 << (id % 64)) != 0
    }

    /// How many identifiers are in use.
    pub fn in_use_count(&self) -> usize {
        self.count
    }

    /// Free every identifier.
    pub fn clear(&mut self) {
        self.in_use.fill(0);
        self.count = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_never_reused_while_in_use() {
        // [MQTT-2.2.1-3] a new PUBLISH/SUBSCRIBE/UNSUBSCRIBE gets an unused, non-zero id.
        let mut ids = PacketIds::default();
        let first = ids.allocate().unwrap();
        assert_eq!(first, 1);
        for _ in 0..70_000 {
            let id = ids.allocate();
            if let Some(id) = id {
                assert_ne!(id, 0);
                assert_ne!(id, first);
                ids.release(id);
            }
        }
        assert!(ids.is_in_use(first));
    }

    #[test]
    fn exhaustion_is_reported_not_looped() {
        let mut ids = PacketIds::default();
        for _ in 0..65_535 {
            assert!(ids.allocate().is_some());
        }
        assert_eq!(ids.allocate(), None);
        ids.release(777);
        assert_eq!(ids.allocate(), Some(777));
    }
}
