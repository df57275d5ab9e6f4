;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.synchro
  "State replication over net.async, as the original jar shipped it: a master holds the state and
   applies commands to it, mirrors keep a copy in an atom and send commands.

     (extend-type MyState IState
       (snapshot [s] ...) (version [s] ...) (apply-delta [s delta] ...) (command->delta [s cmd] ...))

     (future (master init-state (tcp/accept el {:port 8880})))   ; blocks its thread
     (def m (mirror (tcp/connect el {:host \"db\" :port 8880})))
     @(:state m)                                           ; the master's state, kept up to date
     @(send-command m cmd 1000)                           ; the :delta that applied it, or a :reply with :error

   Messages are EDN. A mirror asks for a snapshot whenever it connects, so one that comes back
   after a reconnect has the master's state again by itself; it applies deltas in order, checking
   versions, and asks again when one does not fit. With :session true on both connections no
   delta is lost or applied twice across reconnects, so a mirror that resumes its session needs no
   snapshot (one that reports :session-lost still asks)."
  (:require [clojure.core.async :as async :refer [<! >! >!! alts!! chan close! go-loop pipe]]
            [clojure.edn :as edn]
            [clojure.tools.logging :as log]
            [net.async.util :as util])
  (:import [java.nio.charset StandardCharsets]
           [java.util UUID]))

(set! *warn-on-reflection* true)

;; ====== messages ======

(defn to-bytes
  "A message as the bytes of its EDN text."
  ^bytes [msg]
  (.getBytes (pr-str msg) StandardCharsets/UTF_8))

(defn from-bytes
  "The message whose EDN text `msg` holds; throws on anything that is not EDN."
  [^bytes msg]
  (edn/read-string (String. msg StandardCharsets/UTF_8)))

(defn- decode
  "A read-chan value as a message: events (keywords) as they are, payloads read as EDN. Bad EDN
   becomes {:type :malformed}: the peer is broken, and whoever reads decides what to do about it."
  [value]
  (if (bytes? value)
    (try
      (util/spy "<<<" (from-bytes value))
      (catch Exception e
        (log/warn "malformed EDN from the peer, a message of" (alength ^bytes value) "bytes:" (.getMessage e))
        {:type :malformed :error (.getMessage e)}))
    value))

(defn wrap-client
  "`client` (a map with :read-chan and :write-chan, from connect or accept-chan) with channels
   that carry EDN values: read-chan yields events as they are and messages read from EDN, write-chan
   takes any value and sends it printed as EDN."
  [client]
  (let [read  (chan 64 (map decode))
        write (chan 64 (map #(to-bytes (util/spy ">>>" %))))]
    (pipe (:read-chan client) read)
    (pipe write (:write-chan client))
    (assoc client :read-chan read :write-chan write)))

;; ====== state ======

(defprotocol IState
  "What the master replicates. Versions must be equal exactly when the states are."
  (snapshot [state] "The whole state, as a value that survives EDN.")
  (version [state] "A value that tells this state from any other, e.g. its hash.")
  (apply-delta [state delta] "The state after `delta`, a change command->delta made.")
  (command->delta [state command] "The change `command` makes to the state; throws to refuse it."))

;; ====== master ======

(defn send-snapshot!
  "Sends the whole state to `client`; a client that cannot take it at once is dropped."
  [state client]
  (let [msg {:type :snapshot :version (version state) :snapshot (snapshot state)}]
    (or (util/try-put!! (:write-chan client) msg)
        (close! (:write-chan client)))))

(defn- refuse!
  "Answers the command `msg` from `client` with the reason it failed; the state stays as it was."
  [msg state client ^Throwable e]
  (util/try-put!! (:write-chan client)
                  {:type       :reply
                   :command-id (:command-id msg)
                   :error      (or (ex-data e) (str (class e) ": " (.getMessage e)))
                   :from       (version state)})
  state)

(defn apply-command!
  "Applies a :command message from `client` to `state` and returns the new state. Every client
   is sent the :delta (with the command's id, which answers the one who sent it); a command the
   state refuses, or fails on, is answered with a :reply carrying :error, and changes nothing."
  [msg state clients client]
  (try
    (let [delta  (command->delta state (:command msg))
          state' (apply-delta state delta)
          delta-msg {:type :delta :from (version state) :to (version state')
                     :command-id (:command-id msg) :delta delta}]
      (doseq [c clients]
        (util/try-put!! (:write-chan c) delta-msg))
      state')
    (catch Exception e
      (refuse! msg state client e))
    (catch AssertionError e ; a failed :pre or assert in the state's code refuses the command too
      (refuse! msg state client e))))

(defn master
  "Serves `init-state` to every client of `acceptor` (what accept returns) and applies their
   commands, one at a time, on the calling thread, which it blocks: run it in a thread of its own.
   A client that sends what is not EDN is dropped with a warning; nothing a client sends stops
   the master. Returns the last state once accept-chan is closed and every client has gone."
  [init-state acceptor]
  (let [accept-chan (:accept-chan acceptor)]
    (loop [clients #{} state init-state accepting? true]
      (if (and (not accepting?) (empty? clients))
        state
        (let [ports        (cond-> (mapv :read-chan clients) accepting? (conj accept-chan))
              [msg port]   (alts!! ports)
              client       (some #(when (= port (:read-chan %)) %) clients)]
          (cond
            (= port accept-chan)
            (if msg
              (recur (conj clients (wrap-client msg)) state true)
              (recur clients state false))

            (or (nil? msg) (= :closed msg))
            (recur (disj clients client) state accepting?)

            (= :malformed (:type msg))
            (do (log/warn "dropping a client that sent malformed EDN:" (:error msg))
                (close! (:write-chan client))
                (recur (disj clients client) state accepting?))

            (= :snapshot? (:type msg))
            (do (send-snapshot! state client)
                (recur clients state accepting?))

            (= :command (:type msg))
            (recur clients (apply-command! msg state clients client) accepting?)

            :else ; :connected, :disconnected (sessions), or a message this master does not know
            (recur clients state accepting?)))))))

;; ====== mirror ======

(defn deliver-command
  "Resolves the promise of the command `msg` answers, if this mirror is waiting for one."
  [msg responses-cache]
  (let [id (:command-id msg)]
    (when-let [response (get @responses-cache id)]
      (swap! responses-cache dissoc id)
      (deliver response msg))))

(defn mirror
  "Keeps a copy of the master's state, over `client` (what connect returns), in an atom:

     {:state <atom: nil until the first snapshot> :master <client, wrapped> :responses-cache <atom>
      :snapshots <atom: how many snapshots it has taken>}

   Asks for a snapshot on every :connected, except after a resumed session (:session true), and
   whenever a delta does not fit its version. Stops when the client's read-chan closes."
  [client]
  (let [state     (atom nil)
        master    (wrap-client client)
        responses (atom {})
        snapshots (atom 0)
        session?  (boolean (:session client))]
    (go-loop [lost? false]
      (when-some [msg (<! (:read-chan master))]
        (cond
          (= :connected msg)    (do (when (or (not session?) lost? (nil? @state))
                                      (>! (:write-chan master) {:type :snapshot?}))
                                    (recur false))
          (= :session-lost msg) (recur true)
          (keyword? msg)        (recur lost?)
          :else
          (do (case (:type msg)
                :snapshot  (do (reset! state (:snapshot msg))
                               (swap! snapshots inc))
                :delta     (when-some [current @state]
                             (if (= (:from msg) (version current))
                               (swap! state apply-delta (:delta msg))
                               (>! (:write-chan master) {:type :snapshot?})))
                :malformed (>! (:write-chan master) {:type :snapshot?}) ; a delta may be among what was lost
                nil)
              (when (#{:delta :reply} (:type msg))
                (deliver-command msg responses))
              (recur lost?)))))
    {:state state :master master :responses-cache responses :snapshots snapshots}))

(defn send-command
  "Sends `command` to the master and returns a promise of its answer: the :delta message that
   applied it, or a :reply whose :error says why it was refused. With `timeout-ms`, an answer that
   has not come in time resolves the promise to {:type :reply :command-id <id> :error :timeout}.
   Blocks until the connection takes the command."
  ([mirror command]
   (send-command mirror command nil))
  ([mirror command timeout-ms]
   (let [response (promise)
         id       (UUID/randomUUID)
         cache    (:responses-cache mirror)]
     (swap! cache assoc id response) ; before sending: the answer may come back first
     (>!! (get-in mirror [:master :write-chan])
          {:type :command :command command :command-id id :timestamp (System/currentTimeMillis)})
     (when timeout-ms
       (async/take! (async/timeout timeout-ms)
                    (fn [_]
                      (swap! cache dissoc id)
                      (deliver response {:type :reply :command-id id :error :timeout}))))
     response)))
