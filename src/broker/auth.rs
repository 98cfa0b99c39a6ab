//! Who may connect to a shared built-in broker: anyone from this computer
//! (the window's own tabs and the demo sensors), and from anywhere else only
//! the user with the broker's password.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;

use mqtt5::broker::{AuthProvider, AuthResult, PasswordAuthProvider};
use mqtt5::packet::connect::ConnectPacket;

/// Loopback clients get in as they are; others must give the password.
pub struct LoopbackOrPassword {
    password: PasswordAuthProvider,
}

impl LoopbackOrPassword {
    /// Let `password`'s users in from anywhere, and anyone from this computer.
    pub fn new(password: PasswordAuthProvider) -> LoopbackOrPassword {
        LoopbackOrPassword { password }
    }
}

impl AuthProvider for LoopbackOrPassword {
    fn authenticate<'a>(
        &'a self,
        connect: &'a ConnectPacket,
        client_addr: SocketAddr,
    ) -> Pin<Box<dyn Future<Output = mqtt5::Result<AuthResult>> + Send + 'a>> {
        if client_addr.ip().is_loopback() {
            return Box::pin(async { Ok(AuthResult::success()) });
        }
        self.password.authenticate(connect, client_addr)
    }

    fn authorize_publish<'a>(
        &'a self,
        client_id: &str,
        user_id: Option<&'a str>,
        topic: &'a str,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        self.password.authorize_publish(client_id, user_id, topic)
    }

    fn authorize_subscribe<'a>(
        &'a self,
        client_id: &str,
        user_id: Option<&'a str>,
        topic_filter: &'a str,
    ) -> Pin<Box<dyn Future<Output = bool> + Send + 'a>> {
        self.password
            .authorize_subscribe(client_id, user_id, topic_filter)
    }
}
