//! Topic names and topic filters: validation and matching.
//!
//! Follows MQTT 5.0 sections 4.7 (topic names and filters) and 4.8.2 (shared
//! subscriptions); the same rules hold for MQTT 3.1.1 section 4.7, except that
//! 3.1.1 has no shared subscriptions and numbers some rules differently. Rule
//! ids cited here are the MQTT 5.0 ones.
//!
//! Nothing here allocates: validation is a single scan over the bytes and
//! matching walks both strings level by level.

use crate::proto::codec::scan;

/// The most bytes a topic name or topic filter may encode to [MQTT-4.7.3-3].
pub const MAX_TOPIC_LEN: usize = 65_535;

/// The prefix that marks a shared subscription's topic filter [MQTT-4.8.2-1].
const SHARE_PREFIX: &str = "$share/";

/// Why a topic name or topic filter is not valid.
///
/// The `Display` text is one plain sentence that ends with the id of the
/// broken rule; [`TopicError::rule`] returns that id on its own.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TopicError {
    /// The name or filter is the empty string.
    #[error("a topic name or topic filter must be at least one character long [MQTT-4.7.3-1]")]
    Empty,
    /// The name or filter is longer than [`MAX_TOPIC_LEN`] bytes.
    #[error(
        "a topic name or topic filter may be at most 65535 bytes long, but this one has {len} bytes [MQTT-4.7.3-3]"
    )]
    TooLong {
        /// The length in bytes of the rejected string.
        len: usize,
    },
    /// The name or filter contains U+0000.
    #[error(
        "a topic name or topic filter must not contain the null character U+0000 [MQTT-4.7.3-2]"
    )]
    NullCharacter,
    /// A topic name contains `+` or `#` (in MQTT 5.0 also [MQTT-4.7.0-1]).
    #[error("a topic name must not contain the wildcard characters '+' or '#' [MQTT-3.3.2-2]")]
    WildcardInTopicName,
    /// A `#` in a filter is not a whole level of its own, or not the last one.
    #[error("a topic filter may use '#' only as its last level [MQTT-4.7.1-1]")]
    MultiLevelWildcardNotLast,
    /// A `+` in a filter shares its level with other characters.
    #[error("a topic filter may use '+' only as a whole level [MQTT-4.7.1-2]")]
    SingleLevelWildcardNotWholeLevel,
    /// The ShareName of a `$share/` filter is empty [MQTT-4.8.2-1].
    #[error("a shared subscription needs a share name of at least one character [MQTT-4.8.2-1]")]
    EmptyShareName,
    /// The ShareName of a `$share/` filter holds `+` or `#` [MQTT-4.8.2-2].
    #[error("the share name of a shared subscription may not contain '+' or '#' [MQTT-4.8.2-2]")]
    InvalidShareName,
    /// A `$share/{ShareName}` filter has no `/` and non-empty filter after the name.
    #[error(
        "a shared subscription must have a '/' and a topic filter after its share name [MQTT-4.8.2-2]"
    )]
    SharedFilterMissing,
}

impl TopicError {
    /// The id of the broken rule in the MQTT 5.0 specification, e.g. `"MQTT-4.7.1-1"`.
    pub fn rule(&self) -> &'static str {
        match self {
            TopicError::Empty => "MQTT-4.7.3-1",
            TopicError::TooLong { .. } => "MQTT-4.7.3-3",
            TopicError::NullCharacter => "MQTT-4.7.3-2",
            TopicError::WildcardInTopicName => "MQTT-3.3.2-2",
            TopicError::MultiLevelWildcardNotLast => "MQTT-4.7.1-1",
            TopicError::SingleLevelWildcardNotWholeLevel => "MQTT-4.7.1-2",
            TopicError::EmptyShareName => "MQTT-4.8.2-1",
            TopicError::InvalidShareName => "MQTT-4.8.2-2",
            TopicError::SharedFilterMissing => "MQTT-4.8.2-2",
        }
    }
}

/// Checks the rules every topic name and topic filter share: not empty, not too long.
fn check_length(s: &str) -> Result<(), TopicError> {
    if s.is_empty() {
        return Err(TopicError::Empty);
    }
    if s.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong { len: s.len() });
    }
    Ok(())
}

/// Checks that `topic` is a valid topic name, as carried in a PUBLISH packet.
///
/// A topic name is 1 to 65 535 bytes long and contains neither U+0000 nor a
/// wildcard (`+`, `#`). A valid name is a single pass over the bytes, eight
/// at a time (an invalid one a second pass, to tell which rule it breaks), and
/// nothing is allocated. In MQTT 5.0 a PUBLISH may carry an empty topic name together
/// with a Topic Alias; resolve the alias before calling this.
pub fn validate_topic_name(topic: &str) -> Result<(), TopicError> {
    check_length(topic)?;
    // Eight bytes at a time; the loop below finds which error it is.
    if !scan::has_nul_or_wildcard(topic.as_bytes()) {
        return Ok(());
    }
    for &b in topic.as_bytes() {
        match b {
            0 => return Err(TopicError::NullCharacter),
            b'+' | b'#' => return Err(TopicError::WildcardInTopicName),
            _ => {}
        }
    }
    Ok(())
}

/// Validate a topic filter without the MQTT 5 shared-subscription rules: in
/// MQTT 3.1.1 `$share/...` is an ordinary filter.
pub fn validate_plain_topic_filter(filter: &str) -> Result<(), TopicError> {
    check_length(filter)?;
    check_filter_levels(filter.as_bytes())
}

/// Checks that `filter` is a valid topic filter, as carried in SUBSCRIBE or UNSUBSCRIBE.
///
/// Besides the length and U+0000 rules, `#` must be a whole level and the
/// last one, and `+` must be a whole level. A shared subscription
/// `$share/{ShareName}/{filter}` needs a non-empty ShareName without `+` or
/// `#` and a valid, non-empty inner filter. When a filter breaks several
/// rules, the first problem found from the left is reported.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    check_length(filter)?;
    match filter.strip_prefix(SHARE_PREFIX) {
        Some(rest) => {
            let (name, inner) = match rest.find('/') {
                Some(slash) => (&rest[..slash], Some(&rest[slash + 1..])),
                None => (rest, None),
            };
            if name.is_empty() {
                return Err(TopicError::EmptyShareName);
            }
            for &b in name.as_bytes() {
                match b {
                    0 => return Err(TopicError::NullCharacter),
                    b'+' | b'#' => return Err(TopicError::InvalidShareName),
                    _ => {}
                }
            }
            match inner {
                Some(inner) if !inner.is_empty() => check_filter_levels(inner.as_bytes()),
                _ => Err(TopicError::SharedFilterMissing),
            }
        }
        None => check_filter_levels(filter.as_bytes()),
    }
}

/// Checks U+0000 and the placement of both wildcards in one pass over `f`.
fn check_filter_levels(f: &[u8]) -> Result<(), TopicError> {
    let last = f.len().wrapping_sub(1);
    for (i, &b) in f.iter().enumerate() {
        match b {
            0 => return Err(TopicError::NullCharacter),
            b'#' | b'+' => {
                let starts_level = i == 0 || f[i - 1] == b'/';
                if b == b'#' {
                    if !starts_level || i != last {
                        return Err(TopicError::MultiLevelWildcardNotLast);
                    }
                } else {
                    let ends_level = i == last || f[i + 1] == b'/';
                    if !starts_level || !ends_level {
                        return Err(TopicError::SingleLevelWildcardNotWholeLevel);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// A `$share/{ShareName}/{filter}` subscription split into its parts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SharedSubscription<'a> {
    /// The ShareName, between `$share/` and the next `/`.
    pub share_name: &'a str,
    /// The topic filter after the ShareName; matched against topic names.
    pub filter: &'a str,
}

/// Splits a `$share/{ShareName}/{filter}` filter into its parts.
///
/// Returns `None` when `filter` does not start with `$share/`. This does not
/// validate: with no `/` after the ShareName the returned `filter` is empty;
/// use [`validate_topic_filter`] to check the whole string.
pub fn parse_shared_subscription(filter: &str) -> Option<SharedSubscription<'_>> {
    let rest = filter.strip_prefix(SHARE_PREFIX)?;
    let (share_name, filter) = rest.split_once('/').unwrap_or((rest, ""));
    Some(SharedSubscription { share_name, filter })
}

/// Whether `filter` names a shared subscription, i.e. starts with `$share/`.
pub fn is_shared_subscription(filter: &str) -> bool {
    filter.starts_with(SHARE_PREFIX)
}

/// Whether `filter` contains a wildcard (`+` or `#`).
pub fn has_wildcards(filter: &str) -> bool {
    filter.bytes().any(|b| b == b'+' || b == b'#')
}

/// Does `topic` (a valid topic name) match `filter` (a valid topic filter)?
///
/// Levels are separated by `/` and empty levels count. `+` matches exactly one
/// level, `#` matches its parent level and any number of levels below it. A
/// filter whose first level is a wildcard never matches a topic that starts
/// with `$` [MQTT-4.7.2-1]. Comparison is byte for byte, without any
/// normalization [MQTT-4.7.3-4]. For `$share/{ShareName}/{filter}` the inner
/// filter is matched. Never allocates; the result for invalid input is
/// unspecified but the function does not panic.
pub fn topic_matches(filter: &str, topic: &str) -> bool {
    let filter = match parse_shared_subscription(filter) {
        Some(shared) => shared.filter,
        None => filter,
    };
    let mut filter_levels = filter.split('/');
    let mut topic_levels = topic.split('/');
    if topic.starts_with('$') {
        // [MQTT-4.7.2-1]: a leading wildcard level must not reach `$` topics.
        if let Some("+" | "#") = filter_levels.clone().next() {
            return false;
        }
    }
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            // `#` also matches the parent level, so the topic may have run out.
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn name_err(topic: &str) -> TopicError {
        validate_topic_name(topic).expect_err(topic)
    }

    fn filter_err(filter: &str) -> TopicError {
        validate_topic_filter(filter).expect_err(filter)
    }

    fn assert_valid_filter(filter: &str) {
        assert_eq!(validate_topic_filter(filter), Ok(()), "{filter:?}");
    }

    #[test]
    fn error_display_ends_with_rule() {
        let all = [
            TopicError::Empty,
            TopicError::TooLong { len: 70_000 },
            TopicError::NullCharacter,
            TopicError::WildcardInTopicName,
            TopicError::MultiLevelWildcardNotLast,
            TopicError::SingleLevelWildcardNotWholeLevel,
            TopicError::EmptyShareName,
            TopicError::InvalidShareName,
            TopicError::SharedFilterMissing,
        ];
        for e in all {
            let text = e.to_string();
            assert!(text.ends_with(&format!(" [{}]", e.rule())), "{text}");
            assert!(text.starts_with(|c: char| c.is_lowercase()), "{text}");
        }
        assert!(
            TopicError::TooLong { len: 70_000 }
                .to_string()
                .contains("70000")
        );
        assert_eq!(
            TopicError::MultiLevelWildcardNotLast.to_string(),
            "a topic filter may use '#' only as its last level [MQTT-4.7.1-1]"
        );
    }

    #[test]
    fn empty_is_rejected() {
        // [MQTT-4.7.3-1]
        assert_eq!(name_err(""), TopicError::Empty);
        assert_eq!(filter_err(""), TopicError::Empty);
    }

    #[test]
    fn length_limit() {
        // [MQTT-4.7.3-3]
        let max = "a".repeat(MAX_TOPIC_LEN);
        assert_eq!(validate_topic_name(&max), Ok(()));
        assert_valid_filter(&max);
        let over = "a".repeat(MAX_TOPIC_LEN + 1);
        let too_long = TopicError::TooLong {
            len: MAX_TOPIC_LEN + 1,
        };
        assert_eq!(name_err(&over), too_long);
        assert_eq!(filter_err(&over), too_long);
        // The limit is in bytes, not characters: 'é' is two bytes in UTF-8.
        let wide = "é".repeat(MAX_TOPIC_LEN / 2 + 1);
        assert_eq!(name_err(&wide), TopicError::TooLong { len: wide.len() });
    }

    #[test]
    fn null_character_is_rejected() {
        // [MQTT-4.7.3-2]
        assert_eq!(name_err("a\0b"), TopicError::NullCharacter);
        assert_eq!(name_err("\0"), TopicError::NullCharacter);
        assert_eq!(filter_err("a/\0"), TopicError::NullCharacter);
        assert_eq!(filter_err("$share/g\0/a"), TopicError::NullCharacter);
        assert_eq!(filter_err("$share/g/a\0"), TopicError::NullCharacter);
    }

    #[test]
    fn topic_name_has_no_wildcards() {
        // [MQTT-3.3.2-2] (MQTT 5.0 [MQTT-4.7.0-1], MQTT 3.1.1 [MQTT-4.7.1-1])
        for topic in ["#", "+", "/#", "/+", "a/+/c", "sport/#", "a+b", "a#"] {
            assert_eq!(name_err(topic), TopicError::WildcardInTopicName, "{topic}");
        }
    }

    #[test]
    fn valid_topic_names() {
        // Section 4.7.3: spaces, leading/trailing '/', lone '/', '$' are all fine.
        for topic in [
            "a",
            "/",
            "//",
            "sport/tennis/player1",
            "Accounts payable",
            "/finance",
            "finance/",
            "$SYS/monitor/Clients",
            "$share/g/a",
            "ünïcødé/😀",
        ] {
            assert_eq!(validate_topic_name(topic), Ok(()), "{topic}");
        }
    }

    #[test]
    fn multi_level_wildcard_placement() {
        // [MQTT-4.7.1-1], examples from section 4.7.1.2.
        assert_valid_filter("#");
        assert_valid_filter("sport/tennis/#");
        assert_valid_filter("sport/#");
        assert_valid_filter("/#");
        assert_valid_filter("+/#");
        assert_eq!(
            filter_err("sport/tennis#"),
            TopicError::MultiLevelWildcardNotLast
        );
        assert_eq!(
            filter_err("sport/tennis/#/ranking"),
            TopicError::MultiLevelWildcardNotLast
        );
        // [MQTT-4.7.1-1]
        for filter in [
            "sport#",
            "sport/#/x",
            "a/#/b",
            "#/",
            "##",
            "#a",
            "a/#b",
            "#/#",
        ] {
            assert_eq!(
                filter_err(filter),
                TopicError::MultiLevelWildcardNotLast,
                "{filter}"
            );
        }
    }

    #[test]
    fn single_level_wildcard_placement() {
        // [MQTT-4.7.1-2], examples from section 4.7.1.3.
        assert_valid_filter("+");
        assert_valid_filter("+/tennis/#");
        assert_valid_filter("sport/+/player1");
        assert_eq!(
            filter_err("sport+"),
            TopicError::SingleLevelWildcardNotWholeLevel
        );
        for filter in ["+/x", "a/+/b", "a/+", "/+", "+/+", "+//+", "+/#"] {
            assert_valid_filter(filter);
        }
        // [MQTT-4.7.1-2]
        for filter in ["a+", "a/+b", "+a", "++", "a/b+/c", "+#", "a/+#"] {
            assert_eq!(
                filter_err(filter),
                TopicError::SingleLevelWildcardNotWholeLevel,
                "{filter}"
            );
        }
    }

    #[test]
    fn plain_filters_are_valid() {
        for filter in [
            "a",
            "/",
            "/finance",
            "$SYS/monitor/Clients",
            "Accounts payable",
        ] {
            assert_valid_filter(filter);
        }
        // Not a shared subscription: the prefix must be exactly "$share/".
        assert_valid_filter("$share");
        assert_valid_filter("$shared/g/a");
        assert_valid_filter("$SHARE/g/a");
    }

    #[test]
    fn shared_subscriptions() {
        // [MQTT-4.8.2-1], [MQTT-4.8.2-2]
        assert_valid_filter("$share/g/a/+");
        assert_valid_filter("$share/consumer1/sport/tennis/+");
        assert_valid_filter("$share/g/#");
        assert_valid_filter("$share/g//finance");
        assert_valid_filter("$share/$g/a");
        assert!(topic_matches("$share/g/a/+", "a/b"));
        assert!(!topic_matches("$share/g/a/+", "g/a/b"));
        assert!(!topic_matches("$share/g/#", "$SYS/x"));

        // [MQTT-4.8.2-1]: the ShareName is at least one character long.
        assert_eq!(filter_err("$share//a"), TopicError::EmptyShareName);
        assert_eq!(filter_err("$share/"), TopicError::EmptyShareName);
        // [MQTT-4.8.2-2]: the ShareName holds no '+' or '#'.
        assert_eq!(filter_err("$share/g+/a"), TopicError::InvalidShareName);
        assert_eq!(filter_err("$share/+/a"), TopicError::InvalidShareName);
        assert_eq!(filter_err("$share/#/a"), TopicError::InvalidShareName);
        assert_eq!(filter_err("$share/#"), TopicError::InvalidShareName);
        // [MQTT-4.8.2-2]: the ShareName is followed by '/' and a topic filter.
        assert_eq!(filter_err("$share/g"), TopicError::SharedFilterMissing);
        assert_eq!(filter_err("$share/g/"), TopicError::SharedFilterMissing);
        // The inner filter follows the usual rules.
        assert_eq!(
            filter_err("$share/g/a#"),
            TopicError::MultiLevelWildcardNotLast
        );
        assert_eq!(
            filter_err("$share/g/a+"),
            TopicError::SingleLevelWildcardNotWholeLevel
        );
    }

    #[test]
    fn parse_shared() {
        assert_eq!(
            parse_shared_subscription("$share/consumer1/sport/tennis/+"),
            Some(SharedSubscription {
                share_name: "consumer1",
                filter: "sport/tennis/+"
            })
        );
        assert_eq!(
            parse_shared_subscription("$share/g//finance"),
            Some(SharedSubscription {
                share_name: "g",
                filter: "/finance"
            })
        );
        assert_eq!(
            parse_shared_subscription("$share/g"),
            Some(SharedSubscription {
                share_name: "g",
                filter: ""
            })
        );
        assert_eq!(parse_shared_subscription("sport/#"), None);
        assert_eq!(parse_shared_subscription("$share"), None);
        assert!(is_shared_subscription("$share/g/a"));
        assert!(!is_shared_subscription("$share"));
        assert!(!is_shared_subscription("a/$share/g/a"));
    }

    #[test]
    fn wildcard_detection() {
        assert!(has_wildcards("#"));
        assert!(has_wildcards("a/+/b"));
        assert!(has_wildcards("$share/g/a/#"));
        assert!(!has_wildcards("a/b"));
        assert!(!has_wildcards("$share/g/a"));
    }

    #[test]
    fn spec_examples_multi_level() {
        // Section 4.7.1.2.
        for topic in [
            "sport/tennis/player1",
            "sport/tennis/player1/ranking",
            "sport/tennis/player1/score/wimbledon",
        ] {
            assert!(topic_matches("sport/tennis/player1/#", topic), "{topic}");
        }
        assert!(topic_matches("sport/#", "sport"));
        assert!(topic_matches("#", "sport/tennis/player1"));
        assert!(topic_matches("#", "/"));
        assert!(topic_matches("sport/tennis/#", "sport/tennis"));
        assert!(!topic_matches("sport/tennis/player1/#", "sport/tennis"));
        assert!(!topic_matches("sport/#", "sports"));
    }

    #[test]
    fn spec_examples_single_level() {
        // Section 4.7.1.3.
        assert!(topic_matches("sport/tennis/+", "sport/tennis/player1"));
        assert!(topic_matches("sport/tennis/+", "sport/tennis/player2"));
        assert!(!topic_matches(
            "sport/tennis/+",
            "sport/tennis/player1/ranking"
        ));
        assert!(!topic_matches("sport/+", "sport"));
        assert!(topic_matches("sport/+", "sport/"));
        assert!(topic_matches("+/+", "/finance"));
        assert!(topic_matches("/+", "/finance"));
        assert!(!topic_matches("+", "/finance"));
        assert!(topic_matches("+", "finance"));
        assert!(topic_matches("sport/+/player1", "sport/tennis/player1"));
        assert!(topic_matches("+/tennis/#", "sport/tennis/player1/ranking"));
        assert!(topic_matches("+/tennis/#", "sport/tennis"));
        assert!(topic_matches("+/#", "a"));
    }

    #[test]
    fn spec_examples_dollar_topics() {
        // [MQTT-4.7.2-1], examples from section 4.7.2.
        assert!(!topic_matches("#", "$SYS"));
        assert!(!topic_matches("#", "$SYS/monitor/Clients"));
        assert!(!topic_matches("+/monitor/Clients", "$SYS/monitor/Clients"));
        assert!(topic_matches("$SYS/#", "$SYS/x"));
        assert!(topic_matches("$SYS/#", "$SYS/"));
        assert!(topic_matches("$SYS/#", "$SYS"));
        assert!(topic_matches("$SYS/monitor/+", "$SYS/monitor/Clients"));
        // Only a leading '$' is special.
        assert!(!topic_matches("+", "$"));
        assert!(!topic_matches("+/#", "$SYS"));
        assert!(topic_matches("#", "/$SYS/monitor/Clients"));
        assert!(topic_matches("a/+", "a/$b"));
        assert!(topic_matches("a/#", "a/$b"));
    }

    #[test]
    fn matching_is_exact() {
        // [MQTT-4.7.3-4]: no normalization; section 4.7.3 examples.
        assert!(!topic_matches("ACCOUNTS", "Accounts"));
        assert!(!topic_matches("Accounts", "ACCOUNTS"));
        assert!(topic_matches("Accounts payable", "Accounts payable"));
        assert!(!topic_matches("/finance", "finance"));
        assert!(!topic_matches("finance", "/finance"));
        assert!(topic_matches("/", "/"));
        assert!(topic_matches("a//b", "a//b"));
        assert!(!topic_matches("a/b", "a/b/"));
        assert!(!topic_matches("a/b/", "a/b"));
        assert!(topic_matches("a/+/b", "a//b"));
        // "e\u{301}" and "é" look alike but differ in bytes.
        assert!(!topic_matches("caf\u{e9}", "cafe\u{301}"));
    }

    /// A valid topic name: levels from a small alphabet joined by '/'.
    fn topic_name() -> impl Strategy<Value = String> {
        prop::collection::vec("[a-c$]{0,3}", 1..6)
            .prop_map(|levels| levels.join("/"))
            .prop_filter("topic names are non-empty", |t| !t.is_empty())
    }

    /// A valid topic filter, sometimes wrapped in a shared subscription.
    fn topic_filter() -> impl Strategy<Value = String> {
        let level = prop_oneof![Just("+".to_owned()), "[a-c$]{0,2}"];
        (
            prop::collection::vec(level, 0..5),
            any::<bool>(),
            any::<bool>(),
        )
            .prop_map(|(mut levels, multi, shared)| {
                if multi || levels.is_empty() {
                    levels.push("#".to_owned());
                }
                let filter = levels.join("/");
                if shared && !filter.is_empty() {
                    format!("$share/g/{filter}")
                } else {
                    filter
                }
            })
            .prop_filter("topic filters are non-empty", |f| !f.is_empty())
    }

    /// Matching restated as level counting, to cross-check [`topic_matches`].
    fn reference_match(filter: &str, topic: &str) -> bool {
        let filter = filter.strip_prefix("$share/g/").unwrap_or(filter);
        let f: Vec<&str> = filter.split('/').collect();
        let t: Vec<&str> = topic.split('/').collect();
        if topic.starts_with('$') && (f[0] == "+" || f[0] == "#") {
            return false;
        }
        let (body, multi) = match f.split_last() {
            Some((&"#", body)) => (body, true),
            _ => (&f[..], false),
        };
        let count_ok = if multi {
            t.len() >= body.len()
        } else {
            t.len() == body.len()
        };
        count_ok && body.iter().zip(&t).all(|(fl, tl)| *fl == "+" || fl == tl)
    }

    proptest! {
        #[test]
        fn generated_names_match_themselves(t in topic_name()) {
            prop_assert_eq!(validate_topic_name(&t), Ok(()));
            prop_assert_eq!(validate_topic_filter(&t), Ok(()));
            prop_assert!(topic_matches(&t, &t));
            prop_assert_eq!(topic_matches("#", &t), !t.starts_with('$'));
        }

        #[test]
        fn plus_in_any_level_matches(t in topic_name(), pick in any::<prop::sample::Index>()) {
            let levels: Vec<&str> = t.split('/').collect();
            let i = pick.index(levels.len());
            let mut replaced = levels.clone();
            replaced[i] = "+";
            let filter = replaced.join("/");
            prop_assert_eq!(validate_topic_filter(&filter), Ok(()));
            // [MQTT-4.7.2-1]: a leading '+' does not reach topics starting with '$'.
            let expected = !(i == 0 && t.starts_with('$'));
            prop_assert_eq!(topic_matches(&filter, &t), expected, "{} vs {}", filter, t);
        }

        #[test]
        fn validate_filter_never_panics(s in any::<String>()) {
            let _ = validate_topic_filter(&s);
            let _ = validate_topic_name(&s);
            let _ = parse_shared_subscription(&s);
        }

        #[test]
        fn validate_filter_never_panics_on_tricky_input(
            prefix in prop_oneof![Just(""), Just("$share/"), Just("$share/g/")],
            body in "[a$/+#\\x00]{0,12}",
        ) {
            let s = format!("{prefix}{body}");
            if validate_topic_filter(&s).is_ok() {
                // Whatever validates must match its own wildcard-free instances.
                let topic = parse_shared_subscription(&s).map_or(s.as_str(), |p| p.filter);
                if !has_wildcards(topic) {
                    prop_assert!(topic_matches(&s, topic));
                }
            }
        }

        #[test]
        fn matching_never_panics_and_agrees(f in topic_filter(), t in topic_name()) {
            prop_assert_eq!(validate_topic_filter(&f), Ok(()));
            prop_assert_eq!(topic_matches(&f, &t), reference_match(&f, &t), "{} vs {}", f, t);
        }

        #[test]
        fn matching_never_panics_on_arbitrary_strings(f in any::<String>(), t in any::<String>()) {
            let _ = topic_matches(&f, &t);
        }
    }
}
