//! The "Start from" list in groups, the likeliest first: this computer, the
//! connections saved, the public test brokers, HiveMQ Cloud; searchable by
//! name.

use rust_i18n::t;

use crate::profiles::PRESET_ID_PREFIX;

/// A group of the list, in the order shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Group {
    /// The built-in broker and a broker already on this computer.
    ThisComputer,
    /// Connections the person saved.
    Saved,
    /// Public test brokers on the internet.
    Public,
    /// HiveMQ Cloud clusters.
    Cloud,
}

impl Group {
    /// The group's heading.
    pub fn heading(self) -> String {
        match self {
            Group::ThisComputer => t!("This computer"),
            Group::Saved => t!("Saved connections"),
            Group::Public => t!("Public test brokers"),
            Group::Cloud => t!("HiveMQ Cloud"),
        }
        .into_owned()
    }
}

/// The group of the profile `id` (`saved`: one the person saved).
pub fn group_of(id: &str, saved: bool) -> Group {
    if saved {
        return Group::Saved;
    }
    match id.strip_prefix(PRESET_ID_PREFIX).unwrap_or(id) {
        "builtin" | "localhost" => Group::ThisComputer,
        cloud if cloud.starts_with("hivemq-cloud") => Group::Cloud,
        _ => Group::Public,
    }
}

/// One entry of the list: profile id, name, and whether it is saved.
pub type Choice = (String, String, bool);

/// The entries of `choices` (id, name, saved) whose name contains `search`
/// (ignoring case), grouped in the order shown, each group in its own order.
pub fn grouped<'a>(choices: &'a [Choice], search: &str) -> Vec<(Group, Vec<&'a Choice>)> {
    let needle = search.trim().to_lowercase();
    let mut groups: Vec<(Group, Vec<&Choice>)> = Vec::new();
    for choice in choices {
        if !needle.is_empty() && !choice.1.to_lowercase().contains(&needle) {
            continue;
        }
        let group = group_of(&choice.0, choice.2);
        match groups.iter_mut().find(|(g, _)| *g == group) {
            Some((_, entries)) => entries.push(choice),
            None => groups.push((group, vec![choice])),
        }
    }
    groups.sort_by_key(|(group, _)| *group);
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(id: &str, name: &str, saved: bool) -> (String, String, bool) {
        (id.to_owned(), name.to_owned(), saved)
    }

    #[test]
    fn this_computer_comes_first_and_a_search_narrows_the_list() {
        let choices = vec![
            choice("lab-1", "Physics lab Pi", true),
            choice("preset-hivemq-tcp", "HiveMQ public broker (TCP)", false),
            choice("preset-hivemq-cloud-tls", "HiveMQ Cloud (TLS)", false),
            choice(
                "preset-localhost",
                "A broker already on this computer",
                false,
            ),
            choice("preset-builtin", "Built-in broker", false),
        ];
        let groups = grouped(&choices, "");
        let order: Vec<Group> = groups.iter().map(|(g, _)| *g).collect();
        assert_eq!(
            order,
            [
                Group::ThisComputer,
                Group::Saved,
                Group::Public,
                Group::Cloud
            ]
        );
        let this_computer: Vec<&str> = groups[0].1.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(this_computer, ["preset-localhost", "preset-builtin"]);
        let found = grouped(&choices, "hivemq");
        let names: Vec<&str> = found
            .iter()
            .flat_map(|(_, entries)| entries.iter().map(|c| c.1.as_str()))
            .collect();
        assert_eq!(names, ["HiveMQ public broker (TCP)", "HiveMQ Cloud (TLS)"]);
        assert!(grouped(&choices, "nothing like it").is_empty());
    }
}
