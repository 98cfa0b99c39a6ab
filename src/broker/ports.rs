//! Which port a listener gets: exactly the one asked for, or the first free
//! one from a preferred port on.

use std::net::{IpAddr, SocketAddr, TcpListener};

/// How to choose a listener's port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortChoice {
    /// This port or nothing (`-p 1883`).
    Exact(u16),
    /// This port, or the next free one after it (the default: 1883, 8080).
    Preferred(u16),
}

/// How many ports after a preferred one are tried.
pub const PORTS_TRIED: u16 = 50;

/// The port `choice` gives on `ip`, checked by binding it, or the port that
/// was taken when none is free.
pub fn choose(ip: IpAddr, choice: PortChoice) -> Result<u16, u16> {
    match choice {
        PortChoice::Exact(port) => {
            if is_free(ip, port) {
                Ok(port)
            } else {
                Err(port)
            }
        }
        PortChoice::Preferred(first) => (0..PORTS_TRIED)
            .filter_map(|offset| first.checked_add(offset))
            .find(|&port| is_free(ip, port))
            .ok_or(first),
    }
}

/// Whether a TCP listener can be bound on `ip:port` now (port 0 always can).
fn is_free(ip: IpAddr, port: u16) -> bool {
    TcpListener::bind(SocketAddr::new(ip, port)).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOOPBACK: IpAddr = IpAddr::V4(std::net::Ipv4Addr::LOCALHOST);

    #[test]
    fn a_taken_port_is_refused_exactly_and_skipped_when_preferred() {
        let taken = TcpListener::bind((LOOPBACK, 0)).unwrap();
        let port = taken.local_addr().unwrap().port();
        assert_eq!(choose(LOOPBACK, PortChoice::Exact(port)), Err(port));
        let chosen = choose(LOOPBACK, PortChoice::Preferred(port)).unwrap();
        assert_ne!(chosen, port);
        assert!(chosen > port && chosen < port + PORTS_TRIED);
    }
}
