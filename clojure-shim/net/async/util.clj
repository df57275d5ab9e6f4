;; net.async: message-oriented TCP with a core.async interface. MIT licence, see README.
(ns net.async.util
  "Small helpers the original net.async jar shipped beside net.async.tcp, with the same names and
   arguments: endpoints from strings, ANSI colours for log lines, a logging spy, a put that never
   waits, and a wait on a reference.

     (parse-endpoint \"db.local:8880\") → {:host \"db.local\" :port 8880}
     (parse-endpoint \"8880\")          → {:host nil :port 8880}
     (in-red \"down\" 3)                → \"\\u001b[1;31mdown 3\\u001b[m\"
     (spy \"got\" (compute))            → (compute)'s value, logged at DEBUG
     (try-put!! ch v)                   → true if ch took v at once, else false
     (wait-ref ref pred 1000)           → true once (pred @ref), false after 1000 ms"
  (:require [clojure.core.async :as async]
            [clojure.string :as string]
            [clojure.tools.logging :as log]))

(set! *warn-on-reflection* true)

(defn parse-endpoint
  "\"host:port\" or \"port\" as {:host host-or-nil :port long}, the map connect and accept take.
   Throws IllegalArgumentException for anything else."
  [endpoint]
  (if-let [[_ host port] (re-matches #"(?:([^:]*):)?(\d+)" (str endpoint))]
    {:host host :port (Long/parseLong port)}
    (throw (IllegalArgumentException. (str "not an endpoint, expected host:port or port: " (pr-str endpoint))))))

(defn- paint
  "The strings joined by spaces, between the ANSI code for `colour` (bold) and a reset."
  [colour strings]
  (str "\u001b[1;" colour "m" (string/join " " strings) "\u001b[m"))

(defn in-red     "Its arguments joined by spaces, in bold red for a terminal."     [& s] (paint 31 s))
(defn in-green   "Its arguments joined by spaces, in bold green for a terminal."   [& s] (paint 32 s))
(defn in-blue    "Its arguments joined by spaces, in bold blue for a terminal."    [& s] (paint 34 s))
(defn in-magenta "Its arguments joined by spaces, in bold magenta for a terminal." [& s] (paint 35 s))
(defn in-cyan    "Its arguments joined by spaces, in bold cyan for a terminal."    [& s] (paint 36 s))
(defn in-grey    "Its arguments joined by spaces, in bold grey for a terminal."    [& s] (paint 30 s))

(defmacro spy
  "Evaluates body once, logs `prefix` and its value at DEBUG (in grey, from the calling
   namespace's logger), and returns the value."
  [prefix body]
  `(let [value# ~body]
     (log/debug (in-grey ~prefix value#))
     value#))

(defn try-put!!
  "Puts value on chan if that can be done at once, and returns true; otherwise does nothing and
   returns false (a full channel, no taker, or a closed channel). Never blocks."
  [chan value]
  (true? (async/offer! chan value)))

(defn wait-ref
  "Blocks the current thread until the value of `ref` (an atom, ref, agent or var: anything
   add-watch takes) satisfies `pred`, or `timeout` ms pass. True if `pred` was satisfied, false on
   timeout. Without `pred`, waits for a value that is not nil; without `timeout`, waits for ever.

     (wait-ref ref)              (wait-ref ref timeout)
     (wait-ref ref pred)         (wait-ref ref pred timeout)"
  ([ref] (wait-ref ref some? nil))
  ([ref pred-or-timeout]
   (if (number? pred-or-timeout)
     (wait-ref ref some? pred-or-timeout)
     (wait-ref ref pred-or-timeout nil)))
  ([ref pred timeout]
   (let [key       (Object.)
         satisfied (promise)]
     ;; watch first, then look: a change between the two cannot be missed
     (add-watch ref key (fn [_ _ _ value] (when (pred value) (deliver satisfied true))))
     (try
       (when (pred @ref)
         (deliver satisfied true))
       (if timeout
         (deref satisfied timeout false)
         (deref satisfied))
       (finally
         (remove-watch ref key))))))
