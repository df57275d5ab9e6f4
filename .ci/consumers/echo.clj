;; .ci/consumers.sh: a user's program. The script puts the README's "Preparation" and
;; "Sample echo server and client" code in place of the two marker lines, so the README is what
;; is tested.
(ns consumer.echo)

;; @README-PREPARATION@
;; @README-SAMPLE@

(require '[clojure.core.async :refer [alts!! timeout]])

(defn- take-within! [ch]
  (let [[v] (alts!! [ch (timeout 30000)])]
    v))

(defn -main [& _]
  (let [el     (event-loop)
        server (echo-server el 0)
        client (echo-client el (:port server))]
    (let [event (take-within! (:read-chan client))]
      (when-not (= :connected event)
        (throw (ex-info (str "expected :connected, got " (pr-str event)) {}))))
    (>!! (:write-chan client) (.getBytes "hello"))
    (let [reply (take-within! (:read-chan client))]
      (when-not (bytes? reply)
        (throw (ex-info (str "expected a reply, got " (pr-str reply)) {})))
      (println "round trip:" (String. ^bytes reply)))
    (shutdown! el)
    (shutdown-agents)))
