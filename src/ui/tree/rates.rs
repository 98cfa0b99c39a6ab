//! Messages per second for every topic and subtree, over the last few
//! seconds: the tree's counts sampled once a second and smoothed, so that
//! "what is flooding my broker?" has an answer in the tree.

use std::time::{Duration, Instant};

use crate::model::{NodeId, TopicTree};

/// How often the counts are sampled.
const SAMPLE_EVERY: Duration = Duration::from_secs(1);

/// How much of the newest second counts in the rate shown; the rest is
/// the older seconds' (an exponential average over about three seconds).
const NEWEST_WEIGHT: f32 = 0.4;

/// Rates below this are shown as none.
pub const SHOWN_FROM: f32 = 0.05;

/// Each node's message rate, indexed by its id.
#[derive(Debug, Default)]
pub struct Rates {
    sampled_at: Option<Instant>,
    counts: Vec<u64>,
    rates: Vec<f32>,
}

impl Rates {
    /// Sample `tree`'s counts when a second has passed since the last
    /// sample; whether the rates changed.
    pub fn sample(&mut self, tree: &TopicTree, now: Instant) -> bool {
        let elapsed = match self.sampled_at {
            Some(at) if now.duration_since(at) < SAMPLE_EVERY => return false,
            Some(at) => now.duration_since(at).as_secs_f32(),
            None => {
                self.sampled_at = Some(now);
                self.counts = tree.subtree_counts();
                self.rates = vec![0.0; self.counts.len()];
                return false;
            }
        };
        self.sampled_at = Some(now);
        let counts = tree.subtree_counts();
        self.rates.resize(counts.len(), 0.0);
        for (id, &count) in counts.iter().enumerate() {
            // A slot new, or reused by another topic, starts from its count.
            let before = self.counts.get(id).copied().unwrap_or(count);
            let newest = count.saturating_sub(before) as f32 / elapsed;
            let rate = &mut self.rates[id];
            *rate = if before > count {
                0.0
            } else {
                NEWEST_WEIGHT * newest + (1.0 - NEWEST_WEIGHT) * *rate
            };
        }
        self.counts = counts;
        true
    }

    /// Messages per second on `node` and below it.
    pub fn of(&self, node: NodeId) -> f32 {
        self.rates.get(node as usize).copied().unwrap_or(0.0)
    }
}

/// A rate as a person reads it: `12/s`, `3.5/s`, `0.2/s`; nothing below
/// [`SHOWN_FROM`].
pub fn words(rate: f32) -> Option<String> {
    if rate < SHOWN_FROM {
        None
    } else if rate >= 10.0 {
        Some(format!("{rate:.0}/s"))
    } else {
        Some(format!("{rate:.1}/s"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ConnectionModel;
    use crate::proto::Publish;

    fn ingest(model: &mut ConnectionModel, topic: &str, n: usize) {
        for _ in 0..n {
            model.ingest(
                &Publish::new(topic, b"1".to_vec()),
                Instant::now(),
                std::time::SystemTime::now(),
            );
        }
    }

    #[test]
    fn a_flooding_topic_and_its_parents_have_the_highest_rate() {
        let mut model = ConnectionModel::default();
        ingest(&mut model, "lab/quiet", 1);
        ingest(&mut model, "lab/flood", 1);
        let mut rates = Rates::default();
        let start = Instant::now();
        assert!(
            !rates.sample(&model.tree, start),
            "the first sample is the baseline"
        );
        for second in 1..=5 {
            ingest(&mut model, "lab/flood", 100);
            ingest(&mut model, "lab/quiet", 1);
            assert!(rates.sample(&model.tree, start + Duration::from_secs(second)));
        }
        let id = |path| model.tree.find_node(path).unwrap();
        let flood = rates.of(id("lab/flood"));
        let quiet = rates.of(id("lab/quiet"));
        assert!(flood > 90.0 && flood <= 100.0, "{flood}");
        assert!(quiet > 0.9 && quiet <= 1.0, "{quiet}");
        assert!((rates.of(id("lab")) - flood - quiet).abs() < 0.01);
        // Silent, it falls away.
        for second in 6..=15 {
            rates.sample(&model.tree, start + Duration::from_secs(second));
        }
        assert!(rates.of(id("lab/flood")) < 1.0);
        assert_eq!(words(0.01), None);
        assert_eq!(words(3.46).as_deref(), Some("3.5/s"));
        assert_eq!(words(1234.0).as_deref(), Some("1234/s"));
    }
}
