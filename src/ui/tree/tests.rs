use super::*;
use crate::proto::Publish;
use bytes::Bytes;
use proptest::prelude::*;

fn model(topics: &[&str]) -> ConnectionModel {
    let mut model = ConnectionModel::default();
    for topic in topics {
        ingest(&mut model, topic);
    }
    model
}

/// A view whose top levels open only when toggled.
fn closed_view() -> TreeView {
    TreeView {
        roots_opened: usize::MAX,
        ..TreeView::default()
    }
}

fn ingest(model: &mut ConnectionModel, topic: &str) {
    model.ingest(
        &Publish::new(topic, Bytes::from_static(b"1")),
        Instant::now(),
        std::time::SystemTime::now(),
    );
}

#[test]
fn rows_follow_expansion_and_filter() {
    let model = model(&["a/b/c", "a/d", "x/y"]);
    let mut view = closed_view();
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert_eq!(view.row_count(), 2, "a and x");
    let a = model.tree.node(TopicTree::ROOT).children[0];
    view.toggle(a);
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert_eq!(view.row_count(), 4, "a, b, d, x");
    view.filter = "Y".into();
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    let names: Vec<&str> = view
        .rows
        .iter()
        .map(|r| &*model.tree.node(r.node).name)
        .collect();
    assert_eq!(names, ["x", "y"]);
}

#[test]
fn a_wide_level_lists_every_child_by_name_and_the_busiest_by_messages() {
    let names: Vec<String> = (0..WIDE_LEVEL + 50)
        .map(|i| format!("wide/{:05}", (i * 7919) % (WIDE_LEVEL + 50)))
        .collect();
    let topics: Vec<&str> = names.iter().map(String::as_str).collect();
    let model = model(&topics);
    let mut view = TreeView::default();
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert_eq!(
        view.row_count(),
        1 + WIDE_LEVEL + 50,
        "the lone root opened"
    );
    let shown: Vec<&str> = view.rows[1..]
        .iter()
        .map(|r| &*model.tree.node(r.node).name)
        .collect();
    let mut sorted = shown.clone();
    sorted.sort();
    assert_eq!(shown, sorted, "name order from the index");

    view.sort = TreeSort::Messages;
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert_eq!(view.row_count(), 1 + WIDE_LEVEL + 1);
    let last = view.rows.last().unwrap();
    assert_eq!(last.more, 50, "the row that says how many are left out");
}

#[test]
fn the_arrow_keys_walk_the_tree() {
    use keys::{Arrow, Move, step};
    let model = model(&["lab/a", "lab/b", "other/x"]);
    let tree = &model.tree;
    // A level with no messages of its own is found through its child.
    let id = |path: &str| {
        tree.find(path).unwrap_or_else(|| {
            let child = tree
                .find(&format!("{path}/a"))
                .or(tree.find(&format!("{path}/x")));
            tree.node(child.expect(path)).parent.expect("a parent")
        })
    };
    let mut view = closed_view();
    view.rebuild_within(tree, Instant::now(), Duration::MAX);
    let go = |view: &TreeView, selected: Option<NodeId>, arrow| {
        step(
            &view.rows,
            tree,
            selected,
            |n| view.expanded.contains(&n),
            arrow,
        )
    };
    assert_eq!(go(&view, None, Arrow::Down), Some(Move::Select(id("lab"))));
    assert_eq!(go(&view, Some(id("lab")), Arrow::Up), None, "the first row");
    assert_eq!(
        go(&view, Some(id("lab")), Arrow::Down),
        Some(Move::Select(id("other")))
    );
    assert_eq!(
        go(&view, Some(id("lab")), Arrow::Right),
        Some(Move::Toggle(id("lab"))),
        "Right opens a closed level"
    );
    view.toggle(id("lab"));
    view.rebuild_within(tree, Instant::now(), Duration::MAX);
    assert_eq!(
        go(&view, Some(id("lab")), Arrow::Right),
        Some(Move::Select(id("lab/a"))),
        "Right on an open level goes to its first child"
    );
    assert_eq!(
        go(&view, Some(id("lab/a")), Arrow::Down),
        Some(Move::Select(id("lab/b")))
    );
    assert_eq!(
        go(&view, Some(id("lab/b")), Arrow::Left),
        Some(Move::Select(id("lab"))),
        "Left on a leaf goes to its parent"
    );
    assert_eq!(
        go(&view, Some(id("lab")), Arrow::Left),
        Some(Move::Toggle(id("lab"))),
        "Left closes an open level"
    );
}

#[test]
fn a_filter_searched_over_frames_ends_with_the_same_rows() {
    let names: Vec<String> = (0..6_000).map(|i| format!("w/{i}/x")).collect();
    let mut topics: Vec<&str> = names.iter().map(String::as_str).collect();
    topics.push("other/a");
    let model = model(&topics);
    let filter = "/12";
    let mut whole = TreeView {
        filter: filter.into(),
        ..TreeView::default()
    };
    whole.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    let mut sliced = TreeView {
        filter: filter.into(),
        ..TreeView::default()
    };
    assert_same_rows_over_frames(&mut sliced, &whole, &model.tree);
    // "w", then 12, 120..129, 1200..1299 and each one's "x".
    assert_eq!(whole.row_count(), 1 + 2 * (1 + 10 + 100));
}

#[test]
fn a_layout_spread_over_frames_ends_with_the_same_rows() {
    let names: Vec<String> = (0..9_000).map(|i| format!("w/{i}/x")).collect();
    let mut topics: Vec<&str> = names.iter().map(String::as_str).collect();
    topics.push("other/a");
    let model = model(&topics);
    let mut whole = closed_view();
    let w = model
        .tree
        .find("w/5/x")
        .and_then(|x| model.tree.node(x).parent);
    let w = model.tree.node(w.unwrap()).parent.unwrap();
    whole.toggle(w);
    whole.toggle(
        model
            .tree
            .node(model.tree.find("w/17/x").unwrap())
            .parent
            .unwrap(),
    );
    let mut sliced = TreeView {
        expanded: whole.expanded.clone(),
        expansion_generation: whole.expansion_generation,
        ..closed_view()
    };
    whole.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert_same_rows_over_frames(&mut sliced, &whole, &model.tree);
    assert_eq!(whole.row_count(), 2 + 9_000 + 1);
}

/// Rebuild `sliced` with no time at all each frame until it is done:
/// it takes several frames, shows nothing half-made meanwhile, and ends
/// with the rows `whole` made in one go.
fn assert_same_rows_over_frames(sliced: &mut TreeView, whole: &TreeView, tree: &TopicTree) {
    let mut frames = 0;
    loop {
        sliced.rebuild_within(tree, Instant::now(), Duration::ZERO);
        frames += 1;
        if sliced.pending.is_none() {
            break;
        }
        assert!(sliced.rows.is_empty(), "nothing half-made is shown");
    }
    assert!(frames > 2, "spread over {frames} frames");
    let rows =
        |v: &TreeView| -> Vec<(NodeId, u16)> { v.rows.iter().map(|r| (r.node, r.depth)).collect() };
    assert_eq!(rows(sliced), rows(whole));
}

/// The rows as the recursive layout before the iterative one made them.
fn recursive_rows(view: &TreeView, tree: &TopicTree) -> Vec<(NodeId, u16)> {
    fn children(
        view: &TreeView,
        tree: &TopicTree,
        node: NodeId,
        depth: u16,
        out: &mut Vec<(NodeId, u16)>,
    ) {
        for child in view.sorted_children(tree, node).0 {
            out.push((child, depth));
            if view.expanded.contains(&child) {
                children(view, tree, child, depth + 1, out);
            }
        }
    }
    fn filtered(
        view: &TreeView,
        tree: &TopicTree,
        node: NodeId,
        depth: u16,
        visible: &HashSet<NodeId>,
        out: &mut Vec<(NodeId, u16)>,
    ) {
        for child in view.sorted_children(tree, node).0 {
            if visible.contains(&child) {
                out.push((child, depth));
                filtered(view, tree, child, depth + 1, visible, out);
            }
        }
    }
    fn walk(
        tree: &TopicTree,
        node: NodeId,
        path: &mut String,
        needle: &str,
        visible: &mut HashSet<NodeId>,
    ) -> bool {
        let mut any = false;
        for &child in &tree.node(node).children {
            let len = path.len();
            if node != TopicTree::ROOT {
                path.push('/');
            }
            path.push_str(&tree.node(child).name.to_lowercase());
            let own = path.contains(needle);
            let below = walk(tree, child, path, needle, visible);
            if own || below {
                visible.insert(child);
                any = true;
            }
            path.truncate(len);
        }
        any
    }
    let mut out = Vec::new();
    if view.filter.is_empty() {
        children(view, tree, TopicTree::ROOT, 0, &mut out);
    } else {
        let mut visible = HashSet::new();
        walk(
            tree,
            TopicTree::ROOT,
            &mut String::new(),
            &view.filter.to_lowercase(),
            &mut visible,
        );
        filtered(view, tree, TopicTree::ROOT, 0, &visible, &mut out);
    }
    out
}

fn level() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["a", "b", "A", "ab", "ba", "", "é", "É"])
}

proptest! {
    #[test]
    fn iterative_rows_match_the_recursive_layout(
        topics in prop::collection::vec(prop::collection::vec(level(), 1..6), 1..40),
        expanded in prop::collection::vec(any::<bool>(), 200),
        filter in prop::sample::select(vec!["", "a", "B", "ab", "/", "a/b", "/a", "é", "zz"]),
        sort in prop::sample::select(vec![TreeSort::Name, TreeSort::Messages, TreeSort::Recent]),
    ) {
        let topics: Vec<String> = topics.iter().map(|levels| levels.join("/")).collect();
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        let model = model(&names);
        let mut view = TreeView { filter: filter.to_owned(), sort, ..TreeView::default() };
        for id in model.tree.ids() {
            if expanded.get(id as usize).copied().unwrap_or(false) {
                view.toggle(id);
            }
        }
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        let rows: Vec<(NodeId, u16)> = view.rows.iter().map(|r| (r.node, r.depth)).collect();
        prop_assert_eq!(rows, recursive_rows(&view, &model.tree));
    }
}

use crate::model::tree::tests::on_small_stack;

/// `levels` levels named `name`, joined by '/'.
fn deep_topic(name: &str, levels: usize) -> String {
    vec![name; levels].join("/")
}

/// Expand every node of the tree.
fn expand_all(view: &mut TreeView, tree: &TopicTree) {
    for id in tree.ids() {
        view.toggle(id);
    }
}

fn assert_one_chain(view: &TreeView, tree: &TopicTree, levels: usize) {
    assert_eq!(view.row_count(), levels);
    for (depth, row) in view.rows.iter().enumerate() {
        assert_eq!(usize::from(row.depth), depth);
        assert_eq!(usize::from(tree.node(row.node).depth), depth);
    }
}

#[test]
fn the_deepest_topic_lays_out_without_exhausting_the_stack() {
    on_small_stack(|| {
        // 32 768 levels in 65 535 bytes, the longest topic MQTT allows.
        let topic = deep_topic("a", 32_768);
        assert_eq!(topic.len(), 65_535);
        let model = model(&[topic.as_str(), "b"]);
        let mut view = TreeView::default();
        expand_all(&mut view, &model.tree);
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_eq!(view.row_count(), 32_768 + 1, "the chain and b");
        let chain = TreeView {
            rows: view.rows[..32_768].to_vec(),
            ..TreeView::default()
        };
        assert_one_chain(&chain, &model.tree, 32_768);
        assert_eq!(&*model.tree.node(view.rows[32_768].node).name, "b");

        view.filter = "A".into();
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_one_chain(&view, &model.tree, 32_768);
    });
}

#[test]
fn a_filter_matching_only_the_deepest_level_shows_the_whole_chain() {
    on_small_stack(|| {
        let topic = format!("{}/needle", deep_topic("a", 32_000));
        let model = model(&[topic.as_str(), "a/other", "b"]);
        let mut view = TreeView {
            filter: "needle".into(),
            ..TreeView::default()
        };
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_one_chain(&view, &model.tree, 32_001);
        let last = view.rows.last().map(|r| &*model.tree.node(r.node).name);
        assert_eq!(last, Some("needle"));
    });
}

#[test]
fn sixty_five_thousand_empty_levels_do_not_overflow_the_depth() {
    on_small_stack(|| {
        // 65 535 slashes: 65 536 empty levels, the most a topic can have.
        let topic = "/".repeat(65_535);
        let model = model(&[topic.as_str()]);
        let mut view = TreeView::default();
        expand_all(&mut view, &model.tree);
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        assert_one_chain(&view, &model.tree, 65_536);
        view.filter = "/".into();
        view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
        // Every path below the second level contains "/".
        assert_one_chain(&view, &model.tree, 65_536);
    });
}

#[test]
fn the_first_few_top_levels_open_as_they_come_and_a_closed_one_stays_closed() {
    let mut model = model(&["lab/room/t"]);
    let mut view = TreeView::default();
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    let lab = model.tree.find_node("lab").unwrap();
    assert!(view.expanded.contains(&lab), "the first top level opened");
    // A second top level coming later opens too, as the demo's spBv1.0 does.
    ingest(&mut model, "spBv1.0/lab/NDATA/node");
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    let sparkplug = model.tree.find_node("spBv1.0").unwrap();
    assert!(view.expanded.contains(&sparkplug));
    // Closed by the user, it stays closed.
    view.expanded.remove(&lab);
    ingest(&mut model, "office/t");
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert!(!view.expanded.contains(&lab));
    assert!(
        view.expanded
            .contains(&model.tree.find_node("office").unwrap())
    );
    // Past a few, none opens by itself.
    ingest(&mut model, "garden/t");
    view.rebuild_within(&model.tree, Instant::now(), Duration::MAX);
    assert!(
        !view
            .expanded
            .contains(&model.tree.find_node("garden").unwrap())
    );
}
