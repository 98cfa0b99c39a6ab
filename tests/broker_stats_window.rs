//! The Broker view as a person uses it, against mosquitto publishing its
//! `$SYS` topics every second: the numbers in plain words while the view
//! is open, and no more `$SYS` messages once it is closed.

mod support;

use std::time::{Duration, Instant};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use mqscope::app::MqscopeApp;
use mqscope::profiles::{Profile, SavedSubscription};
use support::mosquitto::Mosquitto;
use support::window::{connected_window, has_label_containing as has, wait_until};

/// Messages taken in on `$SYS/broker/uptime` so far.
fn uptime_messages(h: &Harness<'_, MqscopeApp>) -> u64 {
    let app = h.state();
    let tab = &app.tabs[app.active];
    tab.model
        .tree
        .find_node("$SYS/broker/uptime")
        .map_or(0, |n| tab.model.tree.node(n).messages)
}

#[test]
#[cfg_attr(
    not(mosquitto_installed),
    ignore = "needs mosquitto and its clients: apt-get install mosquitto mosquitto-clients"
)]
fn the_broker_view_shows_sys_numbers_while_open_and_unsubscribes_when_closed() {
    let test = "broker_view";
    let Some(broker) = Mosquitto::start(test, "allow_anonymous true", "sys_interval 1") else {
        return;
    };
    let (_dir, mut harness) = connected_window(Profile {
        id: "class".into(),
        name: "Class broker".into(),
        host: "127.0.0.1".into(),
        port: broker.port,
        subscriptions: vec![SavedSubscription::new("lab/#")],
        ..Profile::default()
    });
    assert_eq!(
        uptime_messages(&harness),
        0,
        "no $SYS before the view opens"
    );

    harness.get_by_label("Broker ($SYS)").click();
    wait_until(&mut harness, "the subscription granted", |h| {
        has(h, "Subscribed to $SYS/# while this view is open")
    });
    wait_until(&mut harness, "the broker's version", |h| {
        has(h, "mosquitto version")
    });
    assert!(has(&harness, "Clients connected"));
    assert!(has(&harness, "Up for"));
    // Messages in per second need two readings a second apart.
    wait_until(&mut harness, "a rate of messages", |h| has(h, "/s"));
    // And its live chart: a point a second.
    wait_until(&mut harness, "the chart's points", |h| {
        let app = h.state();
        app.tabs[app.active].broker_stats.chart_points() >= 2
    });
    harness.run_steps(2);
    assert!(
        has(&harness, "Clients connected"),
        "the figures beside the chart"
    );

    // Closed (another tab shown): the subscription goes, and so do the messages.
    harness
        .get_all_by_label("Subscriptions")
        .find(|n| n.accesskit_node().role() != Role::Label)
        .expect("the Subscriptions tab")
        .click();
    harness.run_steps(3);
    let settle = Instant::now() + Duration::from_millis(500);
    while Instant::now() < settle {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    let after_close = uptime_messages(&harness);
    let quiet = Instant::now() + Duration::from_millis(2500);
    while Instant::now() < quiet {
        harness.step();
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        uptime_messages(&harness),
        after_close,
        "no $SYS message after the view closed (mosquitto sends one a second)"
    );
}
