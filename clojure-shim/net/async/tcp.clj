;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.tcp
  "Reliable, bidirectional, message-oriented communication over TCP with a core.async interface.

   1. Messages, not streams: each byte[] written arrives whole, in order.
   2. Clients reconnect by themselves; a client may start before its server exists.
   3. Stuck connections are detected through heartbeats and dropped.
   4. Channels stay valid whatever the network does.
   5. No exceptions for network events: :connected, :disconnected and :closed arrive on read-chan.

   With :session true at both ends, no message is lost or duplicated across reconnects.

   A thin door to the Java core, net.async.tcp.Tcp; defaults live there."
  (:require [clojure.core.async]
            [clojure.java.io :as io])
  (:import [java.net InetSocketAddress SocketAddress UnixDomainSocketAddress]
           [java.nio.file Path]
           [java.util.function Supplier]
           [net.async.tcp.impl ClojureOptions]
           [net.async.tcp AcceptOptions AcceptOptions$Builder AcceptSocket ClientSocket ConnectOptions
            ConnectOptions$Builder ConnectOptions$Failover EventLoop SocketOptions$Builder EventLoopOptions EventLoopOptions$Builder Tcp]))

(set! *warn-on-reflection* true)

(defn event-loop
  "Starts an event loop: one network thread that owns every socket made with it, or several.

     (event-loop) → {:running? <atom true>}
     (event-loop {:threads 4})        ; each connection lives on one of the threads, all its life
     (event-loop {:threads :cores})   ; one per processor

   (reset! (:running? el) false) or (shutdown! el) shuts it down."
  ([] (event-loop {}))
  ([{:keys [threads] :as opts}]
   (ClojureOptions/check "event-loop" opts)
   (let [options  (cond-> (EventLoopOptions/builder)
                    (= :cores threads) (.threadPerCore)
                    (integer? threads) (.threads (int threads)))
         loop     (Tcp/eventLoop (.build ^EventLoopOptions$Builder options))
         running? (atom true)]
     (add-watch running? ::shutdown (fn [_ _ _ running] (when-not running (.close loop))))
     {:running? running? ::loop loop})))

(defn shutdown!
  "Shuts an event loop down: closes every socket it owns (each read-chan gets :closed, then
   closes), frees every port it listens on, and ends its thread. Idempotent.

     (shutdown! <event-loop>) → nil"
  [event-loop]
  (reset! (:running? event-loop) false)
  nil)

(defn- ^EventLoop loop-of [event-loop]
  (or (::loop event-loop)
      (throw (IllegalArgumentException. "not an event loop: pass the map (event-loop) returns"))))

(defn- unix-path
  "A Unix domain socket's path, from a string or anything java.io.File takes."
  ^Path [path]
  (.toPath (io/file path)))

(defn- chan-factory ^Supplier [f]
  (reify Supplier (get [_] (f))))

(defn- failover-order ^ConnectOptions$Failover [order]
  (case order
    :in-order ConnectOptions$Failover/IN_ORDER
    :random   ConnectOptions$Failover/RANDOM
    (throw (IllegalArgumentException.
            (str ":failover must be :in-order or :random, got " (pr-str order))))))

(defn- server-address
  "One server of a connect: {:host :port} (the name looked up again at each round) or {:path}."
  ^SocketAddress [{:keys [host port path]}]
  (if path
    (UnixDomainSocketAddress/of (unix-path path))
    (InetSocketAddress/createUnresolved ^String (or host "localhost") (int port))))

(defn- socket-options!
  "Sets on builder b the options connect and accept share."
  [^SocketOptions$Builder b {:keys [heartbeat-period heartbeat-timeout max-frame-size ssl-context session
                                    session-expiry session-buffer]}]
  (cond-> b
    heartbeat-period  (.heartbeatPeriodMillis (long heartbeat-period))
    heartbeat-timeout (.heartbeatTimeoutMillis (long heartbeat-timeout))
    max-frame-size    (.maxFrameSize (int max-frame-size))
    ssl-context       (.sslContext ssl-context)
    session           (.session (boolean session))
    session-expiry    (.sessionExpiryMillis (long session-expiry))
    session-buffer    (.sessionBufferBytes (int session-buffer))))

(defn- connect-options ^ConnectOptions [opts]
  (ClojureOptions/check "connect" opts)
  (let [{:keys [read-chan write-chan reconnect-period reconnect-max-period reconnect-jitter connect-timeout
                failover]} opts
        b (ConnectOptions/builder)]
    (socket-options! b opts)
    (cond-> b
      read-chan            (.readChan read-chan)
      write-chan           (.writeChan write-chan)
      reconnect-period     (.reconnectPeriodMillis (long reconnect-period))
      reconnect-max-period (.reconnectMaxPeriodMillis (long reconnect-max-period))
      reconnect-jitter     (.reconnectJitter (double reconnect-jitter))
      connect-timeout      (.connectTimeoutMillis (int connect-timeout))
      failover             (.failover (failover-order failover)))
    (.build b)))

(defn- accept-options ^AcceptOptions [opts]
  (ClojureOptions/check "accept" opts)
  (let [{:keys [accept-chan read-chan-fn write-chan-fn max-connections max-detached-sessions max-detached-bytes
                max-handshakes max-pending-sessions]} opts
        b (AcceptOptions/builder)]
    (socket-options! b opts)
    (cond-> b
      accept-chan           (.acceptChan accept-chan)
      read-chan-fn          (.readChanFactory (chan-factory read-chan-fn))
      write-chan-fn         (.writeChanFactory (chan-factory write-chan-fn))
      max-connections       (.maxConnections (int max-connections))
      max-detached-sessions (.maxDetachedSessions (int max-detached-sessions))
      max-detached-bytes    (.maxDetachedBytes (long max-detached-bytes))
      max-handshakes        (.maxHandshakes (int max-handshakes))
      max-pending-sessions  (.maxPendingSessions (int max-pending-sessions)))
    (.build b)))

(defn connect
  "Connects to a server and stays connected: redials every :reconnect-period until write-chan is
   closed or the event loop shuts down. Returns at once; the server need not exist yet.

     (connect <event-loop> {:host \"127.0.0.1\" :port 9988} & opts) → {:read-chan <chan> :write-chan <chan>}
     (connect <event-loop> {:path \"/run/app.sock\"} & opts)         ; a Unix domain socket
                                                                     (and :session true in session mode,
                                                                      :remote-address: where it dials)
     (connect <event-loop> [{:host \"a\" :port 1} {:host \"b\" :port 2} {:path \"/run/x.sock\"}] & opts)
                           ; several servers, one connection: each round tries the one it was last
                           ; on first, then the rest in order, every address a name resolves to;
                           ; (:server (stats c)) says which one it is on
     (<!! read-chan)  → :connected | <byte[]> | :disconnected | :session-lost | :closed
     (>!! write-chan <byte[]>)
     (close! write-chan)   ; sends what was written, then :closed arrives and read-chan closes

   Options (keyword args or a trailing map):
     :read-chan            <chan> to put events and payloads on, default (chan)
     :write-chan           <chan> to take payloads from, default (chan)
     :reconnect-period     ms between reconnect attempts, default 1000
     :reconnect-max-period cap of the exponential backoff (each failure in a row doubles the
                           wait), default :reconnect-period, i.e. no backoff
     :reconnect-jitter     spreads each wait by ± this fraction, 0..1, default 0
     :connect-timeout      ms one address may take to answer before the next is tried, default 10000
     :failover             with several servers, the order after the last one it was on:
                           :in-order (the list as given) or :random (shuffled each round, to
                           spread clients), default :in-order
     :heartbeat-period     ms without a write before a heartbeat is sent, default 5000
     :heartbeat-timeout    ms without a read before the connection is stuck, default (* 4 heartbeat-period)
     :max-frame-size       longest payload in bytes, either way, default 16 MiB
     :ssl-context          io.netty.handler.ssl.SslContext (forClient) for TLS; the server's
                           certificate must name :host. Default: plain TCP
     :session              true: every message arrives exactly once, in order, across reconnects;
                           the server must have it on too. :session-lost when the server no
                           longer holds the session (then unacknowledged messages are sent again
                           on a new one). Default false
     :session-expiry       ms a close! waits, across reconnects, for the server to acknowledge
                           every message, default 120000
     :session-buffer       bytes of unacknowledged messages kept before writers wait (each counts
                           its length + 32), default 4 MiB"
  [event-loop address & {:as opts}]
  (if (sequential? address)
    (run! #(ClojureOptions/checkAddress "connect" %) address)
    (ClojureOptions/checkAddress "connect" address))
  (let [loop    (loop-of event-loop)
        options (connect-options opts)
        {:keys [host port path]} address
        socket  (cond
                  (sequential? address) (Tcp/connect loop ^java.util.List (mapv server-address address) options)
                  path                  (Tcp/connect loop (unix-path path) options)
                  :else                 (Tcp/connect loop ^String (or host "localhost") (int port) options))]
    (cond-> (.toMap ^ClientSocket socket)
      (:session opts) (assoc :session true))))

(defn accept
  "Listens on a port, binding at once (a java.net.BindException if it is taken). Each accepted
   connection arrives on accept-chan; closing accept-chan stops accepting and frees the port.

     (accept <event-loop> {:host \"127.0.0.1\" :port 9988} & opts)
       → {:accept-chan <chan> :port <int> :rejected <IDeref> :evicted <IDeref>}
     (accept <event-loop> {:path \"/run/app.sock\"} & opts)           ; a Unix domain socket: :path, not :port
     (<!! accept-chan) → {:read-chan <chan> :write-chan <chan>}
     (close! accept-chan)

   :host omitted binds the wildcard address; :port 0 binds any free port, returned as :port.
   With :path, a leftover socket file nobody listens on (its process died) is replaced, and the
   file is removed when accepting stops; a path somebody listens on throws a BindException.
   An accepted connection's read-chan yields :connected, payloads, then :closed (no reconnect).

   Options (keyword args or a trailing map):
     :accept-chan        <chan> to put accepted connections on, default (chan)
     :read-chan-fn       no-arg fn making each connection's read-chan, default chan
     :write-chan-fn      no-arg fn making each connection's write-chan, default chan
     :heartbeat-period   ms without a write before a heartbeat is sent, default 5000
     :heartbeat-timeout  ms without a read before the connection is stuck, default (* 4 heartbeat-period)
     :max-frame-size     longest payload in bytes, either way, default 16 MiB
     :ssl-context        io.netty.handler.ssl.SslContext (forServer) for TLS; with client auth the
                         client's certificate principal arrives as :peer-principal. Default: plain TCP
     :max-connections    accepted connections alive at once; beyond it new ones are closed at
                         once and counted in @(:rejected accept-socket). Default: unlimited
     :session            true: sessions (the clients must have it on too). An accepted socket
                         then outlives its links: :disconnected when its client is away,
                         :connected when it is back; :closed when the client closes, the session
                         expires or is evicted. Default false
     :session-expiry     ms a session whose client is away is kept, default 120000
     :session-buffer     bytes of unacknowledged messages kept per connection before writers
                         wait (each counts its length + 32), default 4 MiB
     :max-detached-sessions  sessions whose client is away kept at once; beyond it the oldest
                         is evicted and counted in @(:evicted accept-socket), default 10000
     :max-detached-bytes bytes those sessions may hold together, the same way, default 256 MiB
     :max-handshakes     links that have not yet said which session they carry, at once; beyond
                         it new links are closed (their clients retry), default 1024
     :max-pending-sessions new sessions waiting for accept-chan to take them; beyond it new ones
                         are refused (their clients retry). Resumes never wait for accept-chan:
                         in session mode the server keeps accepting. Default 128"
  [event-loop {:keys [host port path] :as address} & {:as opts}]
  (ClojureOptions/checkAddress "accept" address)
  (let [loop    (loop-of event-loop)
        options (accept-options opts)
        ^AcceptSocket socket (if path
                               (Tcp/accept loop (unix-path path) options)
                               (Tcp/accept loop ^String host (int port) options))]
    (cond-> {:accept-chan (.acceptChan socket)
             ::acceptor   socket
             :rejected    (reify clojure.lang.IDeref (deref [_] (.rejectedConnections socket)))
             :evicted     (reify clojure.lang.IDeref (deref [_] (.evictedSessions socket)))}
      path       (assoc :path (str (.path socket)))
      (not path) (assoc :port (.port socket)))))

(defn stats
  "What an event loop, an accept socket or a connection (a map connect returns, or accept-chan
   yields) has done so far, as a plain map. Counters only grow; a loop's and an accept socket's
   include their connections, those that have ended too. Blocks while each network thread reads
   its own connections: call it from a thread of yours, not from a go block.

     (stats <event-loop | accept-socket | client-socket>)
     → {:state :connected        ; :connecting :handshaking :connected :disconnected :closing :closed,
                                 ; :accepting :closed for an accept socket, :running :shut-down for a loop
        :connections 1           ; alive now
        :connects 3 :reconnects 2 :failed-dials 5
        :disconnects {:reset 1 :peer-closed 0 :heartbeat-timeout 1 :bad-frame 0 :tls 0 :shutdown 0}
        :messages-in 120 :bytes-in 15360 :messages-out 118 :bytes-out 15104
        :heartbeats-in 4 :heartbeats-out 4
        :waiting-in 0 :waiting-out 2  ; read and not yet taken; taken and not yet sent (or acknowledged)
        :sessions-resumed 2 :sessions-lost 0
        :accepted 0 :rejected 0 :evicted 0    ; an accept socket's (and summed in a loop's)
        :handshakes-refused 0 :sessions-refused 0 :handshaking 0 :pending-sessions 0}  ; session mode"
  [x]
  (let [^net.async.tcp.Stats s
        (cond
          (::loop x)     (.stats ^EventLoop (::loop x))
          (::acceptor x) (.stats ^AcceptSocket (::acceptor x))
          (::stats x)    (.get ^Supplier (::stats x))
          :else (throw (IllegalArgumentException.
                         "stats takes what event-loop, accept or connect returns, or what accept-chan yields")))]
    (into {} (.toMap s))))
