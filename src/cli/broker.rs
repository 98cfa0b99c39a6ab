//! `mqscope broker`: the built-in broker with no window, until Ctrl-C.

use super::EXIT_FAILURE;
use super::args::BrokerArgs;
use crate::broker::demo::DemoSensors;
use crate::broker::{
    BrokerOptions, BuiltinBroker, Credentials, DEFAULT_MQTT_PORT, DEFAULT_WS_PORT, PortChoice,
    WEBSOCKET_PATH,
};
use crate::ui::words;

/// Run `mqscope broker`; returns the exit status.
pub fn run(args: BrokerArgs) -> i32 {
    let options = options(&args);
    let broker = match BuiltinBroker::start(&options) {
        Ok(broker) => broker,
        Err(error) => {
            eprintln!("mqscope: {}", words::broker_error(&error));
            return EXIT_FAILURE;
        }
    };
    let listening = broker.listening().clone();
    for (listener, preferred) in &listening.moved {
        let name = words::listener_name(*listener);
        eprintln!(
            "mqscope: port {preferred} is in use, so the {name} listener took the next free port"
        );
    }
    println!("listening on mqtt://{}", listening.mqtt);
    if let Some(ws) = listening.ws {
        println!("listening on ws://{ws}{WEBSOCKET_PATH}");
    }
    let (stop_tx, stop_rx) = crossbeam_channel::bounded::<()>(1);
    if let Err(error) = ctrlc::set_handler(move || {
        let _ = stop_tx.try_send(());
    }) {
        eprintln!("mqscope: Ctrl-C cannot stop the broker: {error}");
    }
    let demo = if args.demo {
        match DemoSensors::start(listening.mqtt.port(), options.credentials.as_ref()) {
            Ok(demo) => {
                println!("demo sensors publishing under lab/");
                Some(demo)
            }
            Err(error) => {
                eprintln!("mqscope: the demo sensors could not start: {error}");
                None
            }
        }
    } else {
        None
    };
    let _ = stop_rx.recv();
    drop(demo);
    broker.stop();
    0
}

/// What the arguments ask for.
fn options(args: &BrokerArgs) -> BrokerOptions {
    BrokerOptions {
        listen: args.listen,
        mqtt_port: match args.port {
            Some(port) => PortChoice::Exact(port),
            None => PortChoice::Preferred(DEFAULT_MQTT_PORT),
        },
        ws_port: match (args.no_ws, args.ws_port) {
            (true, _) => None,
            (false, Some(port)) => Some(PortChoice::Exact(port)),
            (false, None) => Some(PortChoice::Preferred(DEFAULT_WS_PORT)),
        },
        credentials: match (&args.user_name, &args.password) {
            (Some(user_name), Some(password)) => Some(Credentials {
                user_name: user_name.clone(),
                password: password.clone(),
            }),
            _ => None,
        },
        allow_anonymous: args.allow_anonymous,
        ..BrokerOptions::default()
    }
}
