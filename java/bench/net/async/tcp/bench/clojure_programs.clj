;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.tcp.bench.clojure-programs
  "The bench suite's 'clojure programs' step (issue #13): the programs a new user writes with the
   public API, as plain Clojure, no type hints beyond what the README shows, default options
   except where the README says to buffer. Bench.java calls them and measures raw Netty beside
   them in the same JVM.

     one-way        a thread doing >!! in a loop into a (chan 1024) write-chan; the acceptor
                    reads with <!! from a (chan 1024) read-chan (README: 'For throughput, give
                    the channels buffers'); a fresh byte-array per message. At 1 MiB, (chan 64):
                    the same 64 MiB per channel as 1024 slots of 64 KiB (1024 slots of 1 MiB
                    hold 2 GiB between the two channels and run a 1 GiB heap out of memory)
     request-reply  a client doing >!! then <!! against an echo server thread doing <!! then
                    >!!, default (unbuffered) channels, both ends net.async in this JVM, plain
                    mode or :session true at both ends; ClojurePrograms runs it in a JVM of its
                    own started with -Xmx2g and no other flag, as a user's program runs

   Each run is bounded in count and in time and stops by itself; a guard thread shuts the loops
   down if a run overstays, which ends every <!! and >!! in it."
  (:require [clojure.core.async :refer [chan >!! <!! alts!! close! thread timeout]]))

(use 'net.async.tcp)

(def ^:private grace-ms 10000)

(defn- guard
  "Shuts the loops down unless `done` closes within ms + grace-ms."
  [done ms & loops]
  (thread
    (let [[_ port] (alts!! [done (timeout (+ ms grace-ms))])]
      (when-not (= port done)
        (binding [*out* *err*] (println "bench: a clojure program overstayed its time bound, shutting it down"))
        (doseq [l loops] (shutdown! l))))))

(defn one-way
  "Sends `size`-byte messages one way for at most `max-ms` or `max-messages`, through a
   write-chan and a read-chan of `slots` slots each; returns the bytes per second the acceptor
   read, from the first write until :closed (the writer closes its write-chan when done, and
   everything written is delivered before :closed)."
  [size slots max-ms max-messages]
  (let [server-loop (event-loop)
        client-loop (event-loop)
        done        (chan)]
    (guard done max-ms server-loop client-loop)
    (try
      (let [acceptor (accept server-loop {:host "127.0.0.1" :port 0} :read-chan-fn #(chan slots))
            client   (connect client-loop {:host "127.0.0.1" :port (:port acceptor)} :write-chan (chan slots))
            server   (<!! (:accept-chan acceptor))
            start    (System/nanoTime)
            deadline (+ start (* max-ms 1000000))]
        (thread
          (loop [i 0]
            (when (and (< i max-messages) (< (System/nanoTime) deadline))
              (>!! (:write-chan client) (byte-array size))
              (recur (inc i))))
          (close! (:write-chan client)))
        (loop [received 0]
          (let [msg (<!! (:read-chan server))]
            (cond
              (bytes? msg)       (recur (+ received (count msg)))
              (= :connected msg) (recur received)
              :else (/ received (/ (- (System/nanoTime) start) 1e9))))))
      (finally
        (close! done)
        (shutdown! client-loop)
        (shutdown! server-loop)))))

(defn request-reply
  "`round-trips` round trips of `size` bytes after `warmup-ms` of them, each a >!! of a fresh
   byte-array and a <!! of its echo, against an echo server thread doing <!! then >!!, default
   channels; with `session` true, :session true at both ends. Calls (on-phase :measure) after
   the warm-up and (on-phase :done) after the last round trip, before anything shuts down;
   returns every measured round trip's time in ns as a long-array (shorter if `max-ms` ran out)."
  [size warmup-ms round-trips max-ms session on-phase]
  (let [server-loop (event-loop)
        client-loop (event-loop)
        done        (chan)]
    (guard done max-ms server-loop client-loop)
    (try
      (let [acceptor   (accept server-loop {:host "127.0.0.1" :port 0} :session session)
            _          (thread
                         (when-let [server (<!! (:accept-chan acceptor))]
                           (loop []
                             (when-let [msg (<!! (:read-chan server))]
                               (when (bytes? msg)
                                 (>!! (:write-chan server) msg))
                               (recur)))))
            client     (connect client-loop {:host "127.0.0.1" :port (:port acceptor)} :session session)
            _          (<!! (:read-chan client)) ; :connected
            round-trip (fn [i]
                         (>!! (:write-chan client) (byte-array size))
                         (let [reply (<!! (:read-chan client))]
                           (when-not (bytes? reply)
                             (throw (IllegalStateException. (str "round trip " i ": got " reply))))))
            deadline   (+ (System/nanoTime) (* max-ms 1000000))
            warm-until (+ (System/nanoTime) (* warmup-ms 1000000))]
        (loop [i 0]
          (when (< (System/nanoTime) warm-until)
            (round-trip i)
            (recur (inc i))))
        (on-phase :measure)
        (let [times (long-array round-trips)]
          (loop [i 0]
            (if (and (< i round-trips) (< (System/nanoTime) deadline))
              (let [t0 (System/nanoTime)]
                (round-trip i)
                (aset times i (- (System/nanoTime) t0))
                (recur (inc i)))
              (do (on-phase :done)
                  (java.util.Arrays/copyOf times (int i)))))))
      (finally
        (close! done)
        (shutdown! client-loop)
        (shutdown! server-loop)))))
