//! `mqscope broker`: the built-in broker with no window, until Ctrl-C.

use super::EXIT_FAILURE;
use super::args::BrokerArgs;
use crate::broker::demo::DemoSensors;
use crate::broker::{
    BrokerError, BrokerOptions, BuiltinBroker, Credentials, DEFAULT_MQTT_PORT, DEFAULT_WS_PORT,
    Listener, PortChoice, WEBSOCKET_PATH,
};

/// Run `mqscope broker`; returns the exit status.
pub fn run(args: BrokerArgs) -> i32 {
    let options = options(&args);
    let broker = match BuiltinBroker::start(&options) {
        Ok(broker) => broker,
        Err(error) => {
            eprintln!("mqscope: {}", explain(&error));
            return EXIT_FAILURE;
        }
    };
    let listening = broker.listening().clone();
    for (listener, preferred) in &listening.moved {
        let name = listener_name(*listener);
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

fn listener_name(listener: Listener) -> &'static str {
    match listener {
        Listener::Mqtt => "MQTT",
        Listener::WebSocket => "WebSocket",
    }
}

/// Why the broker did not start, with what to do about it.
fn explain(error: &BrokerError) -> String {
    match error {
        BrokerError::PortTaken { listener, port } => format!(
            "port {port} (for {}) is already in use; choose another one or leave the option out to take the next free port",
            listener_name(*listener)
        ),
        BrokerError::NoFreePort { listener, from } => format!(
            "no free port for {} from {from} on; give one with -p or --ws-port",
            listener_name(*listener)
        ),
        BrokerError::NeedsCredentials { listen } => format!(
            "listening on {listen} lets other computers in; give a user name and password with -u and -P (or --allow-anonymous on purpose)"
        ),
        BrokerError::Start(detail) => format!("the broker could not start: {detail}"),
    }
}
