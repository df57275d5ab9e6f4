;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.test-helpers
  "Tools for the net.async.tcp tests: takes and puts that give up after a while, so a hang is a
   failed assertion, and event loops that always shut down.

     (with-event-loops [a b] …)        ; shut down in finally, b first
     (<!!? ch)      → value | nil (closed) | ::timeout after 5 s
     (take-n 5 ch)  → [:connected \"abc\" …]   ; byte[] as strings, stops at the first ::timeout
     (send! ch \"abc\" \"def\")            ; throws if a put does not complete within 5 s"
  (:require [clojure.core.async :refer [<!! alts!! timeout]]
            [net.async.tcp :as tcp])
  (:import [java.io ByteArrayOutputStream PrintStream]
           [java.net BindException InetSocketAddress ServerSocket]
           [java.nio.charset StandardCharsets]))

(set! *warn-on-reflection* true)

(def wait-ms
  "How long a take or a put waits before it counts as a hang."
  5000)

(def local "127.0.0.1")

(defmacro with-event-loops
  "Binds each name to a new (tcp/event-loop) and shuts them all down in finally, last first."
  [[name & more] & body]
  (if name
    `(let [~name (tcp/event-loop)]
       (try
         (with-event-loops [~@more] ~@body)
         (finally (tcp/shutdown! ~name))))
    `(do ~@body)))

(defn <!!?
  "Takes from ch: the value, nil once ch is closed, or ::timeout after ms (default wait-ms)."
  ([ch] (<!!? ch wait-ms))
  ([ch ms]
   (let [[v port] (alts!! [ch (timeout ms)] :priority true)]
     (if (= port ch) v ::timeout))))

(defn >!!?
  "Puts v on ch: true, false when ch is closed, or ::timeout after ms (default wait-ms)."
  ([ch v] (>!!? ch v wait-ms))
  ([ch v ms]
   (let [[ok port] (alts!! [[ch v] (timeout ms)] :priority true)]
     (if (= port ch) ok ::timeout))))

(defn ->bytes ^bytes [^String s]
  (.getBytes s StandardCharsets/UTF_8))

(defn ->str
  "A payload as a string; events (keywords), nil and ::timeout as they are."
  [v]
  (if (bytes? v) (String. ^bytes v StandardCharsets/UTF_8) v))

(defn take-n
  "Takes n values from ch, payloads as strings. Stops after the first ::timeout, so a missing
   value costs one wait, and the vector shows where it went wrong."
  [n ch]
  (loop [taken []]
    (if (= n (count taken))
      taken
      (let [v (->str (<!!? ch))]
        (if (= ::timeout v)
          (conj taken v)
          (recur (conj taken v)))))))

(defn send!
  "Puts each string on ch as UTF-8 bytes, in order; throws unless each put completes in time."
  [ch & strings]
  (doseq [s strings]
    (let [ok (>!!? ch (->bytes s))]
      (when-not (true? ok)
        (throw (ex-info (str "put of " (pr-str s) " failed: " (pr-str ok)) {:result ok}))))))

(defn listen
  "Accepts on 127.0.0.1, on any free port: read it back as (:port acceptor)."
  [event-loop & opts]
  (apply tcp/accept event-loop {:host local :port 0} opts))

(defn dial
  "Connects to 127.0.0.1 on the acceptor's port, or on a port number."
  [event-loop acceptor-or-port & opts]
  (let [port (if (map? acceptor-or-port) (:port acceptor-or-port) acceptor-or-port)]
    (apply tcp/connect event-loop {:host local :port port} opts)))

(defn port-free?
  "True when a listening socket can bind 127.0.0.1:port right now (with SO_REUSEADDR, as the
   acceptor binds, so connections still open on that port do not count)."
  [port]
  (try
    (with-open [s (ServerSocket.)]
      (.setReuseAddress s true)
      (.bind s (InetSocketAddress. ^String local (int port)))
      true)
    (catch BindException _ false)))

(defn free-port
  "A port that was free a moment ago."
  []
  (with-open [s (ServerSocket. 0 50 (java.net.InetAddress/getByName local))]
    (.getLocalPort s)))

(defn eventually
  "Calls pred every 20 ms until it returns truthy or ms pass; its last result."
  [pred ms]
  (let [deadline (+ (System/nanoTime) (* ms 1000000))]
    (loop []
      (or (pred)
          (if (< (- (System/nanoTime) deadline) 0)
            (do (<!! (timeout 20)) (recur))
            (pred))))))

(defmacro swallowing-system-err
  "Runs body with System.err going nowhere, for tests that provoke an expected warning from the
   logger, which writes to System.err."
  [& body]
  `(let [original# System/err]
     (System/setErr (PrintStream. (ByteArrayOutputStream.) true))
     (try
       ~@body
       (finally (System/setErr original#)))))

(def ^:private warmed-up
  (delay
    (with-event-loops [el]
      (let [acceptor (listen el)
            client   (dial el acceptor)
            server   (<!!? (:accept-chan acceptor) 30000)]
        (when-not (and (true? (>!!? (:write-chan client) (->bytes "warm") 30000))
                       (= [:connected "warm"] (mapv ->str (repeatedly 2 #(<!!? (:read-chan server) 30000)))))
          (throw (ex-info "warm-up round trip failed" {})))))))

(defn warm-up
  "A :once fixture: one round trip per JVM before the first test. The first write stalls the
   event loop while the JVM loads Netty's classes and its allocator registers JFR events, up to
   seconds on a busy machine; without this the first test's 5 s limits would measure that."
  [f]
  @warmed-up
  (f))
