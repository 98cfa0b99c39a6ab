//! Who is connected to the built-in broker, kept from the broker's events.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use mqtt5::broker::events::{BrokerEventHandler, ClientConnectEvent, ClientDisconnectEvent};

/// One connected client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConnectedClient {
    /// Its client identifier.
    pub client_id: String,
    /// The user name it logged in with, if any.
    pub user_name: Option<String>,
    /// When it connected.
    pub since: SystemTime,
}

/// The connected clients, updated by the broker's event handler.
#[derive(Clone, Default)]
pub struct ClientList {
    clients: Arc<Mutex<BTreeMap<String, ConnectedClient>>>,
}

impl ClientList {
    /// The clients connected now, by client identifier.
    pub fn snapshot(&self) -> Vec<ConnectedClient> {
        match self.clients.lock() {
            Ok(clients) => clients.values().cloned().collect(),
            Err(poisoned) => poisoned.into_inner().values().cloned().collect(),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<String, ConnectedClient>) -> R) -> R {
        match self.clients.lock() {
            Ok(mut clients) => f(&mut clients),
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

impl BrokerEventHandler for ClientList {
    fn on_client_connect<'a>(
        &'a self,
        event: ClientConnectEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        self.with(|clients| {
            clients.insert(
                event.client_id.to_string(),
                ConnectedClient {
                    client_id: event.client_id.to_string(),
                    user_name: event.user_id.as_deref().map(str::to_owned),
                    since: SystemTime::now(),
                },
            )
        });
        Box::pin(async {})
    }

    fn on_client_disconnect<'a>(
        &'a self,
        event: ClientDisconnectEvent,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        self.with(|clients| clients.remove(&*event.client_id));
        Box::pin(async {})
    }
}
