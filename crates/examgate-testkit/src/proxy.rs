//! A TCP proxy for the sync fault tests: it sits on loopback between a real device process and a
//! real site server and, connection by connection, cuts the stream at a chosen byte offset (in
//! either direction) or slows it down. Cutting the answer after the request got through is what
//! makes a client send the same request twice, so duplicates need no separate mode.
//!
//! It forwards bytes and knows nothing of TLS or HTTP: the faults land wherever the offset falls,
//! mid-handshake, mid-header or mid-photo. Every thread it starts ends when its connection ends or
//! the proxy is dropped; sockets carry timeouts so a stuck peer cannot hold a test forever.

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use crate::kill::Rng;

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Forward everything.
    None,
    /// Forward this many bytes from the client to the server, then close both sides.
    CutToServerAfter(u64),
    /// Forward this many bytes from the server to the client, then close both sides.
    CutToClientAfter(u64),
    /// Forward everything, pausing this long before each chunk in either direction.
    Delay(Duration),
}

impl Fault {
    /// A fault drawn at random: a third of connections pass, the rest are cut somewhere in the
    /// first `max_offset` bytes of one direction or delayed by up to 20 ms a chunk.
    pub fn random(rng: &mut Rng, max_offset: u64) -> Fault {
        match rng.upto(5) {
            0 | 1 => Fault::None,
            2 => Fault::CutToServerAfter(rng.upto(max_offset)),
            3 => Fault::CutToClientAfter(rng.upto(max_offset)),
            4 => Fault::Delay(Duration::from_millis(rng.upto(20))),
            _ => Fault::CutToClientAfter(rng.upto(max_offset)),
        }
    }
}

/// Chooses the fault for the n-th connection (from 0).
pub type Plan = Box<dyn FnMut(u64) -> Fault + Send>;

/// Counts of what the proxy did, for the test's assertions and its failure messages.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub connections: u64,
    pub cuts: u64,
    pub bytes_to_server: u64,
    pub bytes_to_client: u64,
}

#[derive(Debug)]
struct Counters {
    connections: AtomicU64,
    cuts: AtomicU64,
    to_server: AtomicU64,
    to_client: AtomicU64,
    /// How many more cuts may happen; a connection that reaches its offset with none left passes.
    cut_budget: AtomicU64,
}

impl Default for Counters {
    fn default() -> Counters {
        Counters {
            connections: AtomicU64::new(0),
            cuts: AtomicU64::new(0),
            to_server: AtomicU64::new(0),
            to_client: AtomicU64::new(0),
            cut_budget: AtomicU64::new(u64::MAX),
        }
    }
}

/// A running proxy; dropping it stops accepting and joins the accept thread.
pub struct Proxy {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    plan: Arc<Mutex<Plan>>,
    counters: Arc<Counters>,
    accept: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for Proxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Proxy")
            .field("addr", &self.addr)
            .field("stats", &self.stats())
            .finish()
    }
}

/// How long a socket may sit silent before the proxy gives the connection up.
const IDLE: Duration = Duration::from_secs(30);

impl Proxy {
    /// Listens on 127.0.0.1 (a free port) and forwards each connection to `upstream`, applying
    /// the fault `plan` chooses for it.
    pub fn start(upstream: SocketAddr, plan: Plan) -> io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let plan = Arc::new(Mutex::new(plan));
        let counters = Arc::new(Counters::default());
        let accept = {
            let (stop, plan, counters) = (stop.clone(), plan.clone(), counters.clone());
            std::thread::spawn(move || accept_loop(listener, upstream, &stop, &plan, &counters))
        };
        Ok(Proxy {
            addr,
            stop,
            plan,
            counters,
            accept: Some(accept),
        })
    }

    /// Where clients connect.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Replaces the plan for connections from now on (e.g. the network heals: `Fault::None`).
    pub fn set_plan(&self, plan: Plan) {
        *self.plan.lock().unwrap_or_else(|e| e.into_inner()) = plan;
    }

    /// At most `n` more cuts in all: the connection that first reaches its offset is cut, later
    /// ones pass. For a test that must cut whichever connection carries the bytes it aims at,
    /// when the client may open more connections than one.
    pub fn limit_cuts(&self, n: u64) {
        self.counters.cut_budget.store(n, Ordering::SeqCst);
    }

    /// From now on every connection passes untouched.
    pub fn heal(&self) {
        self.set_plan(Box::new(|_| Fault::None));
    }

    pub fn stats(&self) -> Stats {
        let c = &self.counters;
        Stats {
            connections: c.connections.load(Ordering::SeqCst),
            cuts: c.cuts.load(Ordering::SeqCst),
            bytes_to_server: c.to_server.load(Ordering::SeqCst),
            bytes_to_client: c.to_client.load(Ordering::SeqCst),
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the blocking accept so it sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(t) = self.accept.take() {
            let _ = t.join();
        }
    }
}

fn accept_loop(
    listener: TcpListener,
    upstream: SocketAddr,
    stop: &AtomicBool,
    plan: &Mutex<Plan>,
    counters: &Arc<Counters>,
) {
    for (n, client) in (0u64..).zip(listener.incoming()) {
        if stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(client) = client else { continue };
        counters.connections.fetch_add(1, Ordering::SeqCst);
        let fault = (plan.lock().unwrap_or_else(|e| e.into_inner()))(n);
        let Ok(server) = TcpStream::connect_timeout(&upstream, IDLE) else {
            let _ = client.shutdown(Shutdown::Both);
            continue;
        };
        let counters = counters.clone();
        std::thread::spawn(move || {
            let _ = relay(client, server, fault, &counters);
        });
    }
}

/// Pumps both directions until either side closes or the fault cuts the connection.
fn relay(client: TcpStream, server: TcpStream, fault: Fault, c: &Counters) -> io::Result<()> {
    for s in [&client, &server] {
        s.set_read_timeout(Some(IDLE))?;
        s.set_write_timeout(Some(IDLE))?;
        s.set_nodelay(true)?;
    }
    let (to_server_limit, to_client_limit, delay) = match fault {
        Fault::None => (None, None, None),
        Fault::CutToServerAfter(n) => (Some(n), None, None),
        Fault::CutToClientAfter(n) => (None, Some(n), None),
        Fault::Delay(d) => (None, None, Some(d)),
    };
    std::thread::scope(|scope| {
        let down = scope.spawn(|| pump(&server, &client, to_client_limit, delay, &c.to_client, c));
        let up = pump(&client, &server, to_server_limit, delay, &c.to_server, c);
        if matches!(up, Ok(true)) {
            // Unblocks the other direction's read.
            close(&client, &server);
        }
        let _ = down.join();
    });
    close(&client, &server);
    Ok(())
}

fn close(a: &TcpStream, b: &TcpStream) {
    let _ = a.shutdown(Shutdown::Both);
    let _ = b.shutdown(Shutdown::Both);
}

/// Copies `from` → `to`; returns `Ok(true)` when it stopped because `limit` bytes were passed
/// (a cut), `Ok(false)` at the end of the stream. Half-closes `to` at the end so the other side
/// sees the EOF the sender sent.
fn pump(
    mut from: &TcpStream,
    mut to: &TcpStream,
    limit: Option<u64>,
    delay: Option<Duration>,
    count: &AtomicU64,
    c: &Counters,
) -> io::Result<bool> {
    let mut buf = vec![0u8; 16 * 1024];
    let mut passed = 0u64;
    let mut limit = limit;
    loop {
        if limit.is_some_and(|l| passed >= l)
            && c.cut_budget
                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
                .is_err()
        {
            limit = None;
        }
        if limit.is_some_and(|l| passed >= l) {
            // Counted before the sockets close, so whoever sees the cut sees it counted.
            c.cuts.fetch_add(1, Ordering::SeqCst);
            let _ = to.flush();
            let _ = from.shutdown(Shutdown::Both);
            let _ = to.shutdown(Shutdown::Both);
            return Ok(true);
        }
        let n = match from.read(&mut buf) {
            Ok(0) | Err(_) => {
                let _ = to.shutdown(Shutdown::Write);
                return Ok(false);
            }
            Ok(n) => n,
        };
        let allowed = limit.map_or(n, |l| n.min(usize::try_from(l - passed).unwrap_or(n)));
        if let Some(d) = delay {
            std::thread::sleep(d);
        }
        to.write_all(&buf[..allowed])?;
        passed += allowed as u64;
        count.fetch_add(allowed as u64, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An upstream that reads until EOF, then answers with everything it got, twice.
    fn echo_twice() -> (SocketAddr, JoinHandle<Vec<Vec<u8>>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let t = std::thread::spawn(move || {
            let mut got = Vec::new();
            for stream in listener.incoming().take(2) {
                let mut s = stream.unwrap();
                let mut body = Vec::new();
                let _ = s.read_to_end(&mut body);
                let _ = s.write_all(&[body.clone(), body.clone()].concat());
                got.push(body);
            }
            got
        });
        (addr, t)
    }

    fn exchange(proxy: &Proxy, request: &[u8]) -> Vec<u8> {
        let mut s = TcpStream::connect(proxy.addr()).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(request);
        let _ = s.shutdown(Shutdown::Write);
        let mut answer = Vec::new();
        let _ = s.read_to_end(&mut answer);
        answer
    }

    #[test]
    fn a_cut_towards_the_server_delivers_exactly_the_bytes_before_the_offset() {
        let (upstream, server) = echo_twice();
        let faults = [Fault::CutToServerAfter(1000), Fault::None];
        let proxy = Proxy::start(upstream, Box::new(move |n| faults[n as usize % 2])).unwrap();
        let request: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();

        let cut = exchange(&proxy, &request);
        let whole = exchange(&proxy, &request);

        let got = server.join().unwrap();
        assert_eq!(
            got[0],
            request[..1000],
            "the server saw the first 1000 bytes only"
        );
        assert!(cut.is_empty(), "the cut connection got no answer");
        assert_eq!(got[1], request, "the next connection passed untouched");
        assert_eq!(whole, [request.clone(), request].concat());
        assert_eq!(proxy.stats().cuts, 1);
    }

    #[test]
    fn with_a_budget_of_one_cut_only_the_first_connection_to_reach_the_offset_is_cut() {
        let (upstream, server) = echo_twice();
        let proxy = Proxy::start(upstream, Box::new(|_| Fault::CutToServerAfter(100))).unwrap();
        proxy.limit_cuts(1);
        let request = vec![7u8; 1000];

        exchange(&proxy, &request[..50]);
        exchange(&proxy, &request);

        let got = server.join().unwrap();
        assert_eq!(got[0].len(), 50, "short of the offset: passed");
        assert_eq!(got[1].len(), 100, "the first to reach the offset is cut");
        assert_eq!(proxy.stats().cuts, 1);
    }

    #[test]
    fn a_cut_towards_the_client_lets_the_request_through_and_truncates_the_answer() {
        let (upstream, server) = echo_twice();
        let proxy = Proxy::start(upstream, Box::new(|_| Fault::CutToClientAfter(7))).unwrap();
        let request = b"the whole request".to_vec();

        let answer = exchange(&proxy, &request);
        proxy.heal();
        let healed = exchange(&proxy, &request);

        assert_eq!(answer, request[..7], "the client got 7 bytes of the answer");
        assert_eq!(
            healed.len(),
            2 * request.len(),
            "after healing nothing is cut"
        );
        assert_eq!(server.join().unwrap(), vec![request.clone(), request]);
    }
}
