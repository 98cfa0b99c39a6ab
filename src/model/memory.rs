//! Memory accounting: what an allocation really costs, the budget a
//! connection may hold, and what the budget has pushed out.

/// The default memory budget of one connection.
pub const DEFAULT_CONNECTION_BUDGET: usize = 256 << 20;
/// The default memory budget of the whole window, shared by its tabs.
pub const DEFAULT_APP_BUDGET: usize = 1 << 30;
/// The smallest budget a person can set (below it the window cannot show much).
pub const SMALLEST_BUDGET: usize = 16 << 20;

/// The bytes a heap allocation of `len` bytes takes from the allocator: the
/// length plus the allocator's header, rounded up to its 16-byte granule
/// (glibc's malloc; other allocators are close). Nothing for an empty one.
pub const fn allocation(len: usize) -> usize {
    if len == 0 {
        0
    } else {
        let chunk = (len + 8 + 15) & !15;
        if chunk < 32 { 32 } else { chunk }
    }
}

/// What a connection's memory budget has pushed out, counted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Evicted {
    /// Messages dropped from the history (by the count bound or the budget).
    pub messages: u64,
    /// Topics forgotten (not seen for the longest time; recreated if they return).
    pub topics: u64,
    /// Of those, topics whose state a view needed (a retained value, the
    /// selected topic), dropped only because nothing else was left.
    pub kept_topics: u64,
    /// Packets dropped from the packet log.
    pub packets: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocations_round_to_the_granule_with_a_header() {
        assert_eq!(allocation(0), 0);
        assert_eq!(allocation(1), 32);
        assert_eq!(allocation(24), 32);
        assert_eq!(allocation(25), 48);
        assert_eq!(allocation(64), 80);
        assert_eq!(allocation(1 << 20), (1 << 20) + 16);
    }
}
