;; .ci/consumers.sh: typed into a clojure.main REPL, form by form, warnings on. The script puts
;; the README's "Preparation" lines in place of the marker line.
(set! *warn-on-reflection* true)
;; @README-PREPARATION@
(require '[clojure.core.async :refer [alts!! timeout]])
(defn take-within! [ch] (first (alts!! [ch (timeout 30000)])))
(def el (event-loop))
(def acceptor (accept el {:host "127.0.0.1" :port 0}))
(def client (connect el {:host "127.0.0.1" :port (:port acceptor)}))
(def server (take-within! (:accept-chan acceptor)))
(take-within! (:read-chan client))
(take-within! (:read-chan server))
(>!! (:write-chan client) (.getBytes "hello"))
(String. ^bytes (take-within! (:read-chan server)))
(>!! (:write-chan server) (.getBytes "ECHO/hello"))
(String. ^bytes (take-within! (:read-chan client)))
(shutdown! el)
(take-within! (:read-chan client))
(require '[net.async.util :as util] '[net.async.synchro :as synchro])   ; the rest of the original jar
(util/parse-endpoint "127.0.0.1:8880")
(shutdown-agents)
